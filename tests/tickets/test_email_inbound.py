"""Inbound e-mail: real .eml files become a ticket (with its attachment) and a comment;
unknown senders wait in the dispatchers' queue; a Message-ID is ingested once."""

import io
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core.management import call_command

from notifications.models import Notification
from tests.factories.tickets import png_bytes
from tickets.models import Attachment, Comment, InboundEmail, Ticket
from tickets.services import inbound

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
REPLY_NUMBER = "FR-2026-000123"


@pytest.fixture(autouse=True)
def _eager_celery(eager_celery):
    """Tasks enqueued after commit run in-process in these tests."""


@pytest.fixture
def customer(world):
    world.customer_a.email = "customer_a@example.test"
    world.customer_a.save()
    return world.customer_a


def message(
    *,
    sender="customer_a@example.test",
    subject="Fan noise",
    body="The fan is noisy.",
    message_id="<m1@example.test>",
    attachments=(),
    headers=None,
) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "servicedesk@localhost"
    mail["Subject"] = subject
    mail["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    for filename, content, maintype, subtype in attachments:
        mail.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(mail)


def test_report_eml_from_a_known_customer_becomes_a_ticket_with_its_photo(
    world, customer, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        call_command("ingest_email", str(DATA / "report.eml"), stdout=io.StringIO())
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.organization, ticket.site) == (
        "email",
        world.org_a,
        world.site_a,
    )
    assert ticket.title == "PLC offline at Site A"
    assert "二号线PLC从08:00起无响应" in ticket.description
    assert ticket.reporter == customer and ticket.contact_email == "customer_a@example.test"
    (attachment,) = Attachment.objects.filter(ticket=ticket)
    assert (attachment.original_name, attachment.content_type) == ("panel.png", "image/png")
    assert attachment.file.read().startswith(b"\x89PNG")
    stored = InboundEmail.objects.get()
    assert (stored.status, stored.ticket, stored.message_id) == (
        "filed",
        ticket,
        "<report-0001@customer-a.example.test>",
    )
    assert stored.raw.read() == (DATA / "report.eml").read_bytes()
    # the customer is told the number, by mail
    assert any(m.to == [customer.email] and ticket.number in m.subject for m in mail.outbox)


def test_reply_eml_becomes_a_comment_with_its_attachment(world, customer, build):
    ticket = build.new()
    Ticket.objects.filter(pk=ticket.pk).update(number=REPLY_NUMBER)
    out = io.StringIO()
    call_command("ingest_email", str(DATA / "reply.eml"), stdout=out)
    assert out.getvalue().startswith("comment")
    comment = Comment.objects.get(ticket=ticket, via_email=True)
    assert comment.author == customer and not comment.internal
    assert comment.body == "After a restart the PLC answers again, but the fault light is still on."
    (attachment,) = Attachment.objects.filter(ticket=ticket, comment=comment)
    assert attachment.original_name == "plc-log.txt"
    assert Ticket.objects.count() == 1
    assert InboundEmail.objects.get().status == "commented"


def test_the_same_message_twice_creates_nothing_new(world, customer):
    first = inbound.ingest_message((DATA / "report.eml").read_bytes())
    second = inbound.ingest_message((DATA / "report.eml").read_bytes())
    assert (first.outcome, second.outcome) == ("ticket", "duplicate")
    assert second.inbound == first.inbound
    assert (
        Ticket.objects.count() == 1
        and Attachment.objects.count() == 1
        and InboundEmail.objects.count() == 1
    )


def test_a_duplicate_reply_adds_one_comment(world, customer, build):
    ticket = build.new()
    Ticket.objects.filter(pk=ticket.pk).update(number=REPLY_NUMBER)
    for _ in range(2):
        inbound.ingest_message((DATA / "reply.eml").read_bytes())
    assert Comment.objects.filter(ticket=ticket).count() == 1


def test_an_unknown_sender_waits_in_the_dispatchers_queue(
    world, django_capture_on_commit_callbacks
):
    from django.core import mail

    raw = message(
        sender="Li Wei <li.wei@unknown.test>", subject="Our UPS beeps", body="Please help."
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = inbound.ingest_message(raw)
    assert result.outcome == "queued"
    stored = InboundEmail.objects.get()
    assert (stored.status, stored.sender, stored.sender_name, stored.subject, stored.body) == (
        "pending",
        "li.wei@unknown.test",
        "Li Wei",
        "Our UPS beeps",
        "Please help.",
    )
    assert not Ticket.objects.exists()
    notification = Notification.objects.get(recipient=world.dispatcher)
    assert notification.event == "inbound_email_pending" and notification.url == "/tickets/inbound/"
    assert [m.to for m in mail.outbox] == [[world.dispatcher.email]]


def test_a_reply_from_someone_who_may_not_see_the_ticket_is_not_a_comment(world, build):
    ticket = build.new()
    world.customer_b.email = "b@example.test"
    world.customer_b.save()
    raw = message(sender="b@example.test", subject=f"Re: [{ticket.number}] hello", body="Let me in")
    result = inbound.ingest_message(raw)
    assert not Comment.objects.filter(ticket=ticket).exists()
    # customer_b is a known customer: it becomes a report of their own organisation
    assert result.outcome == "ticket" and result.ticket.organization == world.org_b


def test_the_tickets_contact_address_may_reply_without_an_account(world, build):
    ticket = build.new(contact_email="ops@org-a.test")
    Ticket.objects.filter(pk=ticket.pk).update(contact_email="ops@org-a.test")
    result = inbound.ingest_message(
        message(
            sender="Ops <ops@org-a.test>",
            subject=f"RE: {ticket.number}",
            body="Works now.\n\n-----Original Message-----\nold text",
        )
    )
    assert result.outcome == "comment"
    assert result.comment.author is None
    assert result.comment.body.endswith("Works now.") and "old text" not in result.comment.body
    assert "ops@org-a.test" in result.comment.body


def test_oversized_and_disallowed_attachments_are_skipped_with_a_note(world, customer, settings):
    settings.MAX_UPLOAD_SIZE = 2000
    raw = message(
        attachments=[
            ("big.png", png_bytes(size=(400, 400), color=(1, 2, 3)) + b"\0" * 3000, "image", "png"),
            ("tool.exe", b"MZ\x90\x00", "application", "x-msdownload"),
            ("ok.png", png_bytes(), "image", "png"),
        ]
    )
    result = inbound.ingest_message(raw)
    assert result.outcome == "ticket"
    assert [a.original_name for a in Attachment.objects.filter(ticket=result.ticket)] == ["ok.png"]
    assert "big.png" in result.ticket.description and "tool.exe" in result.ticket.description
    assert "big.png" in result.inbound.notes and "tool.exe" in result.inbound.notes


def test_an_html_only_message_is_read_as_text(world, customer):
    mail = EmailMessage()
    mail["From"], mail["Subject"], mail["Message-ID"] = (
        "customer_a@example.test",
        "HTML",
        "<h1@example.test>",
    )
    mail.set_content(
        "<html><head><style>p{color:red}</style></head><body><p>Line one</p><p>Line &amp; two"
        "</p></body></html>",
        subtype="html",
    )
    result = inbound.ingest_message(bytes(mail))
    assert result.ticket.description == "Line one\nLine & two"


def test_automatic_replies_are_discarded(world, customer, build):
    ticket = build.new()
    raw = message(
        subject=f"Out of office: [{ticket.number}]", headers={"Auto-Submitted": "auto-replied"}
    )
    result = inbound.ingest_message(raw)
    assert result.outcome == "discarded"
    assert not Comment.objects.filter(ticket=ticket).exists() and Ticket.objects.count() == 1


def test_a_message_without_message_id_is_deduplicated_by_content(world, customer):
    raw = message(message_id="")
    assert inbound.ingest_message(raw).outcome == "ticket"
    assert inbound.ingest_message(raw).outcome == "duplicate"
    assert Ticket.objects.count() == 1


def test_ingest_email_reads_standard_input(world, customer, monkeypatch):
    raw = (DATA / "report.eml").read_bytes()

    class Stdin:
        buffer = io.BytesIO(raw)

    monkeypatch.setattr("sys.stdin", Stdin)
    out = io.StringIO()
    call_command("ingest_email", stdout=out)
    assert out.getvalue().startswith("ticket ")
    assert Ticket.objects.filter(channel="email").count() == 1


def test_ingest_email_with_an_empty_input_is_an_error(world, tmp_path):
    from django.core.management import CommandError

    empty = tmp_path / "empty.eml"
    empty.write_bytes(b"")
    with pytest.raises(CommandError):
        call_command("ingest_email", str(empty))
    assert not InboundEmail.objects.exists()


# --- IMAP -------------------------------------------------------------------------------
class FakeIMAP:
    """Just enough of imaplib.IMAP4_SSL for poll_mailbox."""

    instances: list = []

    def __init__(self, host, port, timeout=None):
        self.host, self.port = host, port
        self.messages = {
            b"7": (DATA / "report.eml").read_bytes(),
            b"8": message(sender="x@unknown.test"),
        }
        self.seen, self.calls = [], []
        FakeIMAP.instances.append(self)

    def login(self, user, password):
        self.calls.append(("login", user, password))

    def select(self, mailbox):
        self.calls.append(("select", mailbox))
        return "OK", [b"2"]

    def uid(self, command, *args):
        if command == "SEARCH":
            return "OK", [b" ".join(self.messages)]
        if command == "FETCH":
            return "OK", [(b"1 (UID " + args[0] + b" BODY[] {1}", self.messages[args[0]]), b")"]
        if command == "STORE":
            self.seen.append(args[0])
            return "OK", []
        raise AssertionError(command)

    def logout(self):
        self.calls.append(("logout",))


def test_poll_imap_does_nothing_without_imap_url(settings, monkeypatch):
    from tickets.tasks import poll_imap

    settings.IMAP_URL = ""
    monkeypatch.setattr("imaplib.IMAP4_SSL", lambda *a, **k: pytest.fail("must not connect"))
    assert poll_imap() == 0


def test_poll_imap_ingests_unseen_messages_and_marks_them_seen(
    world, customer, settings, monkeypatch
):
    from tickets.tasks import poll_imap

    FakeIMAP.instances = []
    monkeypatch.setattr("imaplib.IMAP4_SSL", FakeIMAP)
    settings.IMAP_URL = "imaps://desk%40example.test:s3cret@imap.example.test:993/Service%20Desk"
    assert poll_imap() == 2
    (client,) = FakeIMAP.instances
    assert (client.host, client.port) == ("imap.example.test", 993)
    assert client.calls[:2] == [
        ("login", "desk@example.test", "s3cret"),
        ("select", "Service Desk"),
    ]
    assert client.seen == [b"7", b"8"]
    assert Ticket.objects.filter(channel="email").count() == 1
    assert InboundEmail.objects.filter(status="pending").count() == 1
    # a second poll of the same messages changes nothing
    poll_imap()
    assert Ticket.objects.count() == 1 and InboundEmail.objects.count() == 2
