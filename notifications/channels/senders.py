"""The outbox channels of `routing`'s rows. `compose(row)` turns a row into a request
(None when its endpoint is gone or off: nothing to send any more); the channel's
`send` makes it and raises on an HTTP error status or an API error code, so the outbox
retries the row with backoff and keeps the error on it."""

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from urllib.parse import quote_plus
from urllib.request import Request, urlopen

from .. import outbox
from ..models import ChannelEndpoint
from . import routing, sms

TIMEOUT = 10
SIGNATURE_HEADER = "X-Servicedesk-Signature"


@dataclass
class HttpPost:
    url: str
    body: bytes
    headers: dict = field(default_factory=dict)
    check_errcode: bool = False  # WeCom and DingTalk answer 200 with {"errcode": n}


def webhook_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """DingTalk's robot signing: `timestamp` and `sign` = base64(HMAC-SHA256 of
    "<timestamp>\\n<secret>" with the secret) added to the URL."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp}&sign={quote_plus(base64.b64encode(digest))}"


def _markdown(payload: dict) -> str:
    target = payload["body"].get("target") or {}
    link = f"\n\n[{target.get('label', '')}]({target['url']})" if target.get("url") else ""
    action = payload.get("action")
    if action:  # the customer's own group: the survey link
        link += f"\n\n[{action['label']}]({action['url']})"
    return f"**{payload['text']}**{link}"


def compose_event(row) -> HttpPost | None:
    endpoint = ChannelEndpoint.objects.filter(pk=row.payload.get("endpoint"), active=True).first()
    if endpoint is None:
        return None
    payload = row.payload
    if endpoint.kind == ChannelEndpoint.Kind.WEBHOOK:
        body = json.dumps(payload["body"], ensure_ascii=False, sort_keys=True).encode()
        headers = {
            "X-Servicedesk-Event": payload["body"]["event"],
            "X-Servicedesk-Delivery": str(row.pk),
        }
        if endpoint.secret:
            headers[SIGNATURE_HEADER] = webhook_signature(endpoint.secret, body)
        return HttpPost(endpoint.url, body, headers)
    if endpoint.kind == ChannelEndpoint.Kind.WECOM:
        message = {"msgtype": "markdown", "markdown": {"content": _markdown(payload)}}
        return HttpPost(
            endpoint.url, json.dumps(message, ensure_ascii=False).encode(), check_errcode=True
        )
    message = {
        "msgtype": "markdown",
        "markdown": {"title": payload["text"], "text": _markdown(payload)},
    }
    url = dingtalk_signed_url(endpoint.url, endpoint.secret) if endpoint.secret else endpoint.url
    return HttpPost(url, json.dumps(message, ensure_ascii=False).encode(), check_errcode=True)


class HttpChannel:
    """One outbox channel connection for the HTTP endpoints (a batch's messages)."""

    def send(self, message: HttpPost) -> None:
        headers = {"Content-Type": "application/json; charset=utf-8", **message.headers}
        request = Request(message.url, data=message.body, headers=headers, method="POST")
        with urlopen(request, timeout=TIMEOUT) as response:  # an HTTP error status raises
            answer = response.read()
        if message.check_errcode:
            code = json.loads(answer or b"{}").get("errcode", 0)
            if code != 0:
                raise RuntimeError(f"robot refused the message: errcode {code}")

    def close(self) -> None:
        pass


def compose_sms(row) -> dict:
    return {"to": row.payload["to"], "text": row.payload["text"]}


class SmsChannel:
    def __init__(self):
        self.backend = sms.backend()

    def send(self, message: dict) -> None:
        self.backend.send(message["to"], message["text"])

    def close(self) -> None:
        getattr(self.backend, "close", lambda: None)()


def register() -> None:
    outbox.register(routing.EVENT_KIND, compose_event)
    outbox.register(routing.SMS_KIND, compose_sms)
    for kind in ChannelEndpoint.Kind.values:
        outbox.register_channel(kind, HttpChannel)
    outbox.register_channel("sms", SmsChannel)
