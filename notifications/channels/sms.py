"""SMS providers behind one interface: `send(to, text)` raises on failure (the outbox
retries). `SMS_BACKEND` names the class; `console` logs (development), `aliyun` calls
Aliyun's SendSms API with its HMAC-SHA1 signed request (`SMS_ALIYUN_*` settings; the
text goes in the template's `content` parameter)."""

import base64
import hashlib
import hmac
import json
import logging
import uuid
from datetime import UTC, datetime
from urllib.parse import quote, urlencode
from urllib.request import urlopen

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)
TIMEOUT = 10


class ConsoleBackend:
    sent: list = []  # the last messages, for a developer looking at the console

    def send(self, to: str, text: str) -> None:
        log.info("SMS to %s: %s", to, text)
        self.sent.append((to, text))
        del self.sent[:-50]


def _encode(value: str) -> str:
    return quote(value, safe="~")


def aliyun_signature(params: dict, secret: str, method: str = "GET") -> str:
    """Aliyun RPC signature v1: HMAC-SHA1 over the canonical, percent-encoded query."""
    canonical = "&".join(f"{_encode(k)}={_encode(str(v))}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{_encode('/')}&{_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunBackend:
    def send(self, to: str, text: str) -> None:
        params = {
            "AccessKeyId": settings.SMS_ALIYUN_ACCESS_KEY_ID,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": to,
            "RegionId": "cn-hangzhou",
            "SignName": settings.SMS_ALIYUN_SIGN_NAME,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": settings.SMS_ALIYUN_TEMPLATE_CODE,
            "TemplateParam": json.dumps({"content": text}, ensure_ascii=False),
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = aliyun_signature(params, settings.SMS_ALIYUN_ACCESS_KEY_SECRET)
        with urlopen(
            f"{settings.SMS_ALIYUN_ENDPOINT}?{urlencode(params)}", timeout=TIMEOUT
        ) as response:
            answer = json.loads(response.read() or b"{}")  # an HTTP error status raises above
        if answer.get("Code") != "OK":
            raise RuntimeError(
                f"Aliyun SMS refused: {answer.get('Code')} {answer.get('Message', '')}"
            )


BACKENDS = {"console": ConsoleBackend, "aliyun": AliyunBackend}


def backend():
    name = settings.SMS_BACKEND
    return BACKENDS[name]() if name in BACKENDS else import_string(name)()
