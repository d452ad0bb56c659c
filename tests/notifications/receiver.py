"""A real HTTP receiver on 127.0.0.1 (http.server in a thread) for the channel tests:
it records every request and answers from a script of (status, body), then 200."""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Received:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


class Receiver:
    def __init__(self, ok_body: bytes = b'{"errcode": 0}'):
        self.requests: list[Received] = []
        self.script: list[tuple[int, bytes]] = []
        self.ok_body = ok_body
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                receiver.requests.append(
                    Received(
                        self.command,
                        parts.path,
                        dict(parse_qsl(parts.query)),
                        dict(self.headers),
                        self.rfile.read(length),
                    )
                )
                status, body = (
                    receiver.script.pop(0) if receiver.script else (200, receiver.ok_body)
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
