"""Error reporting: off without a DSN; with one, events reach the collector with
nothing personal in them (a real HTTP receiver stands in for Sentry)."""

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from operations.errors import FILTERED, init_sentry, scrub_event

ROOT = Path(__file__).resolve().parents[2]
EMAIL, PHONE = "zhang.san@example.cn", "+86 138 0013 8000"


def test_scrubber_keeps_the_user_id_and_drops_everything_personal():
    event = {
        "event_id": "0123456789abcdef0123456789abcdef",
        "timestamp": "2026-11-28T10:00:00Z",
        "user": {"id": 42, "email": EMAIL, "username": "zhangsan", "ip_address": "10.0.0.7"},
        "request": {
            "url": "https://sd.example/api/v1/tickets/",
            "method": "POST",
            "data": {"contact_phone": PHONE},
            "cookies": {"sessionid": "sess-cookie-value"},
            "query_string": f"email={EMAIL}",
            "headers": {"Authorization": "Bearer eyJ...", "User-Agent": "app/1.0"},
        },
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": f"no account for {EMAIL} / {PHONE}",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "tickets/services.py",
                                "lineno": 120,
                                "function": "create",
                                "vars": {"signer_name": "张三", "password": "pw"},
                            }
                        ]
                    },
                }
            ]
        },
        "extra": {"contact_name": "Zhang San", "note": f"call {PHONE}"},
        "breadcrumbs": {
            "values": [{"timestamp": "2026-11-28T09:59:59Z", "message": f"mail {EMAIL}"}]
        },
    }
    scrubbed = scrub_event(event, {})
    text = json.dumps(scrubbed, ensure_ascii=False)
    for secret in (
        EMAIL,
        PHONE,
        "zhangsan",
        "10.0.0.7",
        "张三",
        "Zhang San",
        "eyJ",
        "sess-cookie-value",
        'pw"',
    ):
        assert secret not in text, secret
    assert scrubbed["user"] == {"id": 42}
    assert scrubbed["timestamp"] == "2026-11-28T10:00:00Z"
    frame = scrubbed["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert (frame["filename"], frame["lineno"], frame["function"]) == (
        "tickets/services.py",
        120,
        "create",
    )
    assert scrubbed["exception"]["values"][0]["value"] == f"no account for {FILTERED} / {FILTERED}"
    assert scrubbed["request"]["headers"] == {"Authorization": FILTERED, "User-Agent": "app/1.0"}
    assert scrubbed["breadcrumbs"]["values"][0]["timestamp"] == "2026-11-28T09:59:59Z"


def test_reporting_is_off_without_a_dsn(settings):
    settings.SENTRY_DSN = ""
    assert init_sentry() is False


class _Collector(BaseHTTPRequestHandler):
    bodies: list = []

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            import brotli

            body = brotli.decompress(body)
        self.bodies.append(body.decode("utf-8", errors="replace"))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


SCRIPT = f"""
import django, sentry_sdk
django.setup()
sentry_sdk.set_user({{"id": 7, "email": "{EMAIL}"}})
try:
    raise LookupError("no engineer reachable at {PHONE} or {EMAIL}")
except LookupError:
    sentry_sdk.capture_exception()
sentry_sdk.flush(10)
"""


def test_an_error_reaches_the_collector_without_personal_data():
    server = HTTPServer(("127.0.0.1", 8191), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Collector.bodies = []
    try:
        env = {**os.environ, "SENTRY_DSN": "http://publickey@127.0.0.1:8191/1"}
        subprocess.run(
            [sys.executable, "-c", SCRIPT],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=60,
            capture_output=True,
        )
    finally:
        server.shutdown()
        server.server_close()
    received = "".join(_Collector.bodies)
    assert "LookupError" in received and '"id":7' in received.replace(" ", "")
    assert EMAIL not in received and "138 0013" not in received
    assert FILTERED in received
