"""On PostgreSQL with a real Celery worker and beat (marker `service`): the beat
schedule makes last month's and last quarter's operation reports on its own, the
worker builds them, their PDFs read in Chinese and English, and the customer admins'
e-mails leave through the outbox with the PDF attached."""

import email
import email.header
import io
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from reports.models import OperationReport
from reports.services import last_month
from servicedesk import clock
from servicedesk.celery import app as celery_app
from tests.processes import Redis, service_env, start_worker, stop, this_run_database_url, wait_for
from tickets import services as tickets

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]
RESOLVE = {"resolution": "remote", "cause": "c", "solution": "s", "prevention": "p"}


@pytest.fixture
def redis(tmp_path):
    server = Redis(tmp_path / "redis").start()
    previous = celery_app.conf.broker_url, celery_app.conf.broker_write_url
    celery_app.conf.broker_url = celery_app.conf.broker_write_url = server.url()
    celery_app._pool, celery_app.amqp._producer_pool = None, None
    try:
        yield server
    finally:
        celery_app.conf.broker_url, celery_app.conf.broker_write_url = previous
        celery_app._pool, celery_app.amqp._producer_pool = None, None
        server.stop()


def _text(report: OperationReport) -> str:
    with report.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")


def test_beat_makes_and_mails_the_monthly_reports(world, redis, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"  # the worker writes there too (same env)
    for user, language in ((world.customer_a, "zh-hans"), (world.customer_b, "en")):
        user.language, user.email = language, f"{user.username}@example.com"
        user.save()
    start, _end = last_month(timezone.localdate())
    reported = datetime.combine(start, time(9), tzinfo=timezone.get_current_timezone())
    reported += timedelta(days=2)
    with clock.at(reported):
        ticket = tickets.ticket_create(
            actor=world.dispatcher,
            organization=world.org_a,
            site=world.site_a,
            equipment=world.equipment_a,
            title="Stopped",
            description="The line stopped",
            channel="phone",
        )
        tickets.ticket_triage(ticket=ticket, actor=world.dispatcher, severity="major")
    with clock.at(reported + timedelta(hours=6)):
        tickets.ticket_respond(ticket=ticket, actor=world.dispatcher)
        tickets.ticket_resolve(ticket=ticket, actor=world.dispatcher, **RESOLVE)

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = service_env(
        DATABASE_URL=this_run_database_url(),
        REDIS_URL=redis.url(),
        TEST_MAIL_DIR=mail_dir,
        MEDIA_ROOT=settings.MEDIA_ROOT,
        OPERATION_REPORTS_CHECK_SECONDS=3,
    )
    log = tmp_path / "worker.log"
    worker = start_worker(env, log, beat=True)
    try:
        # 2 organisations x (monthly + quarterly), each in its admin's language
        assert wait_for(
            lambda: OperationReport.objects.filter(status="done").count() == 4, timeout=240
        ), log.read_text()[-4000:]
        assert wait_for(
            lambda: OperationReport.objects.filter(emailed_at__isnull=False).count() == 4,
            timeout=120,
        ), log.read_text()[-4000:]
    finally:
        stop(worker)
    assert "reports.tasks.schedule_operation_reports" in log.read_text()
    monthly_a = OperationReport.objects.get(organization=world.org_a, kind="monthly")
    assert (monthly_a.language, monthly_a.period_start) == ("zh-hans", start)
    text = _text(monthly_a)
    for words in ("运行报告", "按严重程度统计的故障报告", "可用率", world.equipment_a.name):
        assert words in text, words
    monthly_b = OperationReport.objects.get(organization=world.org_b, kind="monthly")
    text = _text(monthly_b)
    for words in ("Operation report", "Fault reports by severity", "Availability"):
        assert words in text, words
    messages = [email.message_from_bytes(p.read_bytes()) for p in mail_dir.glob("*.eml")]
    to_a = [m for m in messages if "customer_a@example.com" in m["To"]]
    assert len(to_a) == 2
    attachments = [part for part in to_a[0].walk() if part.get_content_type() == "application/pdf"]
    assert attachments and "运行报告" in str(
        email.header.make_header(email.header.decode_header(to_a[0]["Subject"]))
    )
