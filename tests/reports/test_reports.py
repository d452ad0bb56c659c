"""Operation reports: the figures and the PDF in English and Chinese, the schedule
(once per organisation, period and language), the e-mail through the outbox, the
on-demand job through the API (202, poll, PDF) and its scope and input checks."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from pypdf import PdfReader

from assets.models import Downtime
from notifications import outbox
from reports import services
from reports.models import OperationReport
from servicedesk import clock
from tickets import services as tickets

pytestmark = pytest.mark.django_db
RESOLVE = {"resolution": "remote", "cause": "c", "solution": "s", "prevention": "p"}
URL = "/api/v1/reports/operations/"


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _faults(world, count=2):
    """`count` major faults on unit A in November 2026, four hours each, resolved remotely."""
    for n in range(count):
        reported = datetime(2026, 11, 3 + n, 2, tzinfo=UTC)
        with clock.at(reported):
            ticket = tickets.ticket_create(
                actor=world.dispatcher,
                organization=world.org_a,
                site=world.site_a,
                equipment=world.equipment_a,
                title=f"Stop {n}",
                description="Stopped",
                channel="phone",
            )
            ticket = tickets.ticket_triage(ticket=ticket, actor=world.dispatcher, severity="major")
        with clock.at(reported + timedelta(hours=4)):
            tickets.ticket_respond(ticket=ticket, actor=world.dispatcher)
            tickets.ticket_resolve(ticket=ticket, actor=world.dispatcher, **RESOLVE)


def _report(world, language):
    return OperationReport.objects.create(
        organization=world.org_a,
        kind="monthly",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        language=language,
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Operation report", "SLA compliance", "Availability", "failed 2 times"]),
        ("zh-hans", ["运行报告", "SLA 达标", "可用率", "故障 2 次"]),
    ],
)
def test_the_report_pdf_in_each_language(world, language, expected):
    _faults(world)
    report = services.report_build(report_id=_report(world, language).pk)
    assert report.status == "done" and report.progress == 100
    with report.pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    for words in expected:
        assert words in text.replace("\n", " "), words
    assert world.equipment_a.name in text
    # 720 h in November, two faults of 4 h: 712 / 720 = 98.89 %
    assert "98.89" in text


def test_figures_come_from_the_apps(world):
    _faults(world)
    data = services.report_data(_report(world, "en"))
    assert data["tickets"]["reported"] == 2
    assert data["tickets"]["remote"]["rate"] == 1.0
    (unit,) = [row for row in data["availability"]["units"] if row["unit"] == world.equipment_a]
    assert unit["failures"] == 2 and unit["unplanned_hours"] == 8.0
    assert unit["mttr_hours"] == 4.0 and unit["mtbf_hours"] == 356.0  # 712 h / 2
    assert any(world.equipment_a.name in r for r in data["recommendations"])
    assert Downtime.objects.count() == 2


def test_a_second_build_of_the_same_report_does_nothing(world):
    report = _report(world, "en")
    assert services.report_build(report_id=report.pk) is not None
    assert services.report_build(report_id=report.pk) is None


def test_the_schedule_makes_each_report_once_per_language_and_mails_it(
    world, django_capture_on_commit_callbacks, eager_celery
):
    world.customer_a.language, world.customer_a.email = "zh-hans", "a@example.cn"
    world.customer_a.save()
    world.customer_b.language, world.customer_b.email = "en", "b@example.com"
    world.customer_b.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        created = services.reports_schedule(today=date(2027, 1, 5))
    # December (monthly) and Q4 (quarterly) for each organisation, in its admin's language
    assert sorted(
        (r.organization.code, r.kind, str(r.period_start), r.language) for r in created
    ) == [
        ("org-a", "monthly", "2026-12-01", "zh-hans"),
        ("org-a", "quarterly", "2026-10-01", "zh-hans"),
        ("org-b", "monthly", "2026-12-01", "en"),
        ("org-b", "quarterly", "2026-10-01", "en"),
    ]
    assert set(OperationReport.objects.values_list("status", flat=True)) == {"done"}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_schedule(today=date(2027, 1, 6)) == []
    outbox.deliver_due()  # what the periodic delivery does, whether or not the fast path ran
    to_a = [m for m in mail.outbox if m.to == ["a@example.cn"]]
    assert len(to_a) == 2 and "运行报告" in to_a[0].subject
    name, content, mimetype = to_a[0].attachments[0]
    assert mimetype == "application/pdf" and "运行报告" in pdf_text(content)
    assert OperationReport.objects.filter(emailed_at__isnull=False).count() == 4


# --- the API --------------------------------------------------------------------------


def test_a_manager_starts_a_job_polls_it_and_gets_the_pdf(
    world, api, django_capture_on_commit_callbacks, eager_celery
):
    client = api.as_user(world.manager)
    body = {"organization": world.org_a.pk, "from": "2026-11-01", "to": "2026-11-30"}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(URL, body, format="json")
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["status"] == "queued" and job["pdf"] is None and job["progress"] == 0
    assert client.get(f"{URL}{job['id']}/report.pdf").status_code == 409
    for callback in callbacks:  # the build task, run here as the worker would
        callback()
    polled = client.get(f"{URL}{job['id']}/").json()
    assert polled["status"] == "done" and polled["progress"] == 100
    pdf = client.get(polled["pdf"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert world.org_a.name in pdf_text(
        b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    )


@pytest.mark.parametrize(
    "body",
    [
        {"from": "2026-11-01", "to": "2026-11-30"},
        {"organization": 0, "from": "2026-11-01", "to": "2026-11-30"},
        {"organization": None, "from": "2026-11-31", "to": "2026-12-01"},
        {"organization": None, "from": "2026-12-01", "to": "2026-11-01"},
        {"organization": None, "from": "2025-01-01", "to": "2026-11-01"},
        {"organization": None, "from": "2026-11-01", "to": "2026-11-30", "language": "fr"},
    ],
)
def test_bad_requests_are_400_and_start_nothing(world, api, body):
    if body.get("organization", 1) is None:
        body["organization"] = world.org_a.pk
    response = api.as_user(world.manager).post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert not OperationReport.objects.exists()


def test_roles_and_scope(world, api):
    body = {"organization": world.org_a.pk, "from": "2026-11-01", "to": "2026-11-30"}
    assert api.as_user(world.customer_a).post(URL, body, format="json").status_code == 403
    assert api.as_user(world.dispatcher).post(URL, body, format="json").status_code == 403
    report = services.report_build(report_id=_report(world, "en").pk)
    assert api.as_user(world.customer_b).get(f"{URL}{report.pk}/").status_code == 404
    assert api.as_user(world.customer_b).get(f"{URL}{report.pk}/report.pdf").status_code == 404
    assert api.as_user(world.customer_a).get(f"{URL}{report.pk}/").status_code == 200


def _monthly(world, months):
    for month in months:
        OperationReport.objects.create(
            organization=world.org_a,
            kind="monthly",
            period_start=date(2026, month, 1),
            period_end=date(2026, month, 28),
            language="en",
            status="done",
        )


def test_list_is_a_fixed_number_of_queries(world, api, django_assert_num_queries):
    _monthly(world, range(1, 4))
    client = api.as_user(world.manager)
    client.get(URL)  # warm up: the user's centres are cached on the user
    # the count, the page of reports joined with their organisation (scope: a subquery)
    with django_assert_num_queries(2):
        assert len(client.get(URL).json()["results"]) == 3
    _monthly(world, range(4, 10))
    with django_assert_num_queries(2):
        assert len(client.get(URL).json()["results"]) == 9


def test_customers_see_their_periodic_reports_only(world, api):
    services.report_build(report_id=_report(world, "en").pk)
    OperationReport.objects.create(
        organization=world.org_a,
        kind="on_demand",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 2),
        language="en",
        status="done",
    )
    rows = api.as_user(world.customer_a).get(URL).json()["results"]
    assert [r["kind"] for r in rows] == ["monthly"]


# --- the pages ------------------------------------------------------------------------


def test_pages_list_generate_and_show_progress(world, client, django_capture_on_commit_callbacks):
    world.manager.language = "zh-hans"
    world.manager.save()
    client.force_login(world.manager)
    page = client.get("/reports/").content.decode()
    assert "生成报告" in page and 'data-testid="generate-report"' in page
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/reports/generate/",
            {"organization": world.org_a.pk, "start": "2026-11-01", "end": "2026-11-30"},
        )
    report = OperationReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    detail = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in detail and "排队" in detail
    services.report_build(report_id=report.pk)
    partial = client.get(f"/reports/{report.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and f"/reports/{report.pk}/report.pdf" in partial
    assert client.get(f"/reports/{report.pk}/report.pdf")["Content-Type"] == "application/pdf"
    client.force_login(world.customer_b)
    assert client.get(f"/reports/{report.pk}/").status_code == 404


def test_an_unreachable_broker_leaves_the_job_queued_not_a_500(
    world, api, caplog, django_capture_on_commit_callbacks
):
    """The build cannot be queued (nothing listens on the broker's port): the request
    still answers 202 and the job stays queued for the schedule to send again."""
    from servicedesk.celery import app

    previous = app.conf.broker_write_url, app.conf.task_always_eager
    app.conf.broker_write_url, app.conf.task_always_eager = "redis://127.0.0.1:9/0", False
    app._pool, app.amqp._producer_pool = None, None
    try:
        body = {"organization": world.org_a.pk, "from": "2026-11-01", "to": "2026-11-30"}
        with django_capture_on_commit_callbacks(execute=True):
            response = api.as_user(world.manager).post(URL, body, format="json")
    finally:
        app.conf.broker_write_url, app.conf.task_always_eager = previous
        app._pool, app.amqp._producer_pool = None, None
    assert response.status_code == 202, response.content
    assert OperationReport.objects.get(pk=response.json()["id"]).status == "queued"
    assert "could not queue the build" in caplog.text
