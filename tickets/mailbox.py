"""Polling an IMAP mailbox for inbound e-mail (the `poll_imap` task); each message is
filed by tickets.services.inbound."""

import contextlib
import imaplib
import logging
from urllib.parse import unquote, urlsplit

from tickets.services.inbound import ingest_message

log = logging.getLogger(__name__)


def poll_mailbox(url: str, *, limit: int = 100) -> int:
    """Ingest the UNSEEN messages of `imaps://user:pass@host:993/INBOX` (or `imap://`,
    upgraded with STARTTLS when offered) and mark each seen once it is filed. A message
    that fails stays unseen and is tried again at the next poll (Message-ID
    de-duplication makes a retry safe). Returns how many were ingested."""
    parts = urlsplit(url)
    secure = parts.scheme == "imaps"
    port = parts.port or (993 if secure else 143)
    mailbox = unquote(parts.path.lstrip("/")) or "INBOX"
    client = (
        imaplib.IMAP4_SSL(parts.hostname, port, timeout=60)
        if secure
        else imaplib.IMAP4(parts.hostname, port, timeout=60)
    )
    count = 0
    try:
        if not secure and "STARTTLS" in getattr(client, "capabilities", ()):
            client.starttls()
        client.login(unquote(parts.username or ""), unquote(parts.password or ""))
        client.select(mailbox)
        _status, data = client.uid("SEARCH", None, "UNSEEN")
        for uid in (data[0] or b"").split()[:limit]:
            _status, fetched = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((item[1] for item in fetched or () if isinstance(item, tuple)), None)
            if not raw:
                continue
            try:
                ingest_message(raw)
            except Exception:
                log.exception("Inbound message %s could not be ingested; it stays unseen", uid)
                continue
            client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            count += 1
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
    return count
