"""A mail backend for the service tests' workers (EMAIL_BACKEND=tests.mail_backend.
MessageFileBackend, folder in TEST_MAIL_DIR): a receiver that keeps each message once
per Message-ID, as a file written whole (temporary file, then link), and logs every
attempt in `attempts.log`, so a test counts both what arrived and how often it was
sent. TEST_MAIL_DELAY (seconds) makes each message slow."""

import os
import re
import time
import uuid

from django.core.mail.backends.base import BaseEmailBackend


class MessageFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = os.environ["TEST_MAIL_DIR"]
        delay = float(os.environ.get("TEST_MAIL_DELAY", "0"))
        sent = 0
        for message in email_messages:
            time.sleep(delay)
            message_id = message.extra_headers.get("Message-ID") or f"<{uuid.uuid4().hex}@test>"
            name = re.sub(r"[^A-Za-z0-9_.@-]", "_", message_id.strip("<>")) + ".eml"
            temporary = os.path.join(folder, f".{uuid.uuid4().hex}.part")
            with open(temporary, "wb") as handle:
                handle.write(message.message().as_bytes())
            try:
                os.link(temporary, os.path.join(folder, name))
                outcome = "new"
            except FileExistsError:
                outcome = "again"
            os.remove(temporary)
            with open(os.path.join(folder, "attempts.log"), "a") as log:
                log.write(f"{outcome} {name}\n")
            sent += 1
        return sent


def received(folder) -> dict:
    """What a test counts: distinct messages, attempts, attempts of a message already
    there (sent again)."""
    names = [name for name in os.listdir(folder) if name.endswith(".eml")]
    log = os.path.join(folder, "attempts.log")
    attempts = []
    if os.path.exists(log):
        with open(log) as handle:
            attempts = [line for line in handle.read().split("\n") if line]
    return {
        "messages": len(names),
        "attempts": len(attempts),
        "sent_again": sum(1 for line in attempts if line.startswith("again")),
    }
