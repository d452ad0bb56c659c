"""Operation reports: the schedule (monthly and quarterly, once per organisation,
period and language), a manager's report on demand, building one (progress written
as it goes, so a poller sees it), and its e-mail to the customer admins through the
outbox. docs/reports.md says what a report holds and when it is made."""

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from accounts.roles import MANAGERS
from accounts.selectors import organizations_visible_to
from notifications import outbox
from notifications.services import templated_messages
from servicedesk.errors import PermissionDenied, ServiceError
from servicedesk.pdf import render_pdf

from . import figures
from .models import OperationReport

log = logging.getLogger(__name__)
Kind, Status = OperationReport.Kind, OperationReport.Status
EMAIL_KIND = "operation_report"
MAX_DAYS = 366
# A report still queued this long after its creation lost its message: sent again.
REQUEUE_AFTER = timedelta(minutes=10)


# --- periods ----------------------------------------------------------------------
def last_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def last_quarter(today: date) -> tuple[date, date]:
    first_month = 3 * ((today.month - 1) // 3) + 1
    end = today.replace(month=first_month, day=1) - timedelta(days=1)
    return end.replace(month=3 * ((end.month - 1) // 3) + 1, day=1), end


def bounds(report: OperationReport) -> tuple[datetime, datetime]:
    """The report's [start, end) in the server's zone (the end day included)."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(report.period_start, time(0), tzinfo=zone)
    end = datetime.combine(report.period_end + timedelta(days=1), time(0), tzinfo=zone)
    return start, end


def customer_admins(organization_id: int, language: str | None = None):
    admins = User.objects.filter(
        organization_id=organization_id, role=User.Role.CUSTOMER_ADMIN, is_active=True
    )
    return admins.filter(language=language) if language else admins


def _enqueue_build(report: OperationReport) -> None:
    """Ask a worker to build the report once the caller's transaction commits. A broker
    outage never fails the request (the job is committed as queued): the hourly schedule
    sends every job still queued after REQUEUE_AFTER again."""
    from .tasks import build_operation_report

    report_id = report.pk

    def kick_build() -> None:
        try:
            build_operation_report.apply_async((report_id,), retry=False)
        except Exception as exc:  # noqa: BLE001 - the queued row is safe; see above
            log.warning("reports: could not queue the build of report %s (%s)", report_id, exc)

    transaction.on_commit(kick_build)


# --- the schedule -------------------------------------------------------------------
@transaction.atomic
def reports_schedule(*, today: date | None = None) -> list[OperationReport]:
    """The last closed month's and quarter's report of every organisation with a
    customer admin, in each of its admins' languages; made once (the unique
    constraint), so the beat task may run as often as it likes. Reports whose build
    message was lost are sent again."""
    today = today or timezone.localdate()
    created = []
    languages: dict[int, set[str]] = {}
    for org_id, language in customer_admins_languages():
        languages.setdefault(org_id, set()).add(language or settings.LANGUAGE_CODE)
    for kind, (start, end) in (
        (Kind.MONTHLY, last_month(today)),
        (Kind.QUARTERLY, last_quarter(today)),
    ):
        for org_id, langs in sorted(languages.items()):
            for language in sorted(langs):
                report, new = OperationReport.objects.get_or_create(
                    organization_id=org_id,
                    kind=kind,
                    period_start=start,
                    language=language,
                    defaults={"period_end": end},
                )
                if new:
                    created.append(report)
                    _enqueue_build(report)
    stale = OperationReport.objects.filter(
        status=Status.QUEUED, created_at__lt=timezone.now() - REQUEUE_AFTER
    )
    for report in stale:
        _enqueue_build(report)
    return created


def customer_admins_languages():
    return (
        User.objects.filter(role=User.Role.CUSTOMER_ADMIN, is_active=True)
        .exclude(organization=None)
        .values_list("organization_id", "language")
        .distinct()
    )


# --- on demand ----------------------------------------------------------------------
@transaction.atomic
def report_request(
    *,
    actor: User,
    organization: Organization,
    start: date,
    end: date,
    language: str = "",
) -> OperationReport:
    """A manager's report of any period (at most a year), built in the background."""
    if not (actor.is_admin_role or actor.role in MANAGERS):
        raise PermissionDenied(_("Only managers may generate operation reports."))
    if not organizations_visible_to(actor).filter(pk=organization.pk).exists():
        raise ServiceError(_("This organisation is outside your scope."), field="organization")
    if end < start:
        raise ServiceError(_("The period must end after it starts."), field="to")
    if (end - start).days >= MAX_DAYS:
        raise ServiceError(_("A report covers a year at most."), field="to")
    language = language or actor.language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise ServiceError(_("Choose English or Chinese."), field="language")
    report = OperationReport.objects.create(
        organization=organization,
        kind=Kind.ON_DEMAND,
        period_start=start,
        period_end=end,
        language=language,
        requested_by=actor,
    )
    _enqueue_build(report)
    return report


# --- building -----------------------------------------------------------------------
def _progress(report: OperationReport, percent: int, step: str) -> None:
    """Written at once (no transaction around the build), so a poller sees it."""
    OperationReport.objects.filter(pk=report.pk).update(
        progress=percent, step=step, updated_at=timezone.now()
    )


def report_data(report: OperationReport, *, on_step=None) -> dict:
    start, end = bounds(report)
    data = {}
    for n, (name, collect) in enumerate(figures.SECTIONS):
        if on_step is not None:
            on_step(10 + 70 * n // len(figures.SECTIONS), name)
        data[name] = collect(report.organization, start, end)
    data["recommendations"] = figures.recommendations(data)
    return data


def report_render(report: OperationReport, data: dict) -> bytes:
    with translation.override(report.language):
        return render_pdf(
            "reports/report.html",
            {
                "report": report,
                "organization": report.organization,
                "generated_at": timezone.now(),
                **data,
            },
        )


def report_filename(report: OperationReport) -> str:
    return (
        f"operation-report-{report.organization.code}-"
        f"{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}-{report.language}.pdf"
    )


def report_build(*, report_id: int) -> OperationReport | None:
    """Build a queued report: claimed with a conditional update (a second worker or a
    repeated message gets 0 rows and returns), the sections collected with the
    progress written after each, the PDF stored, and for a periodic report the e-mail
    to the customer admins of its language enqueued with the final state."""
    claimed = OperationReport.objects.filter(pk=report_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), progress=5, step="start"
    )
    if not claimed:
        return None
    report = OperationReport.objects.select_related("organization").get(pk=report_id)
    try:
        with translation.override(report.language):
            data = report_data(report, on_step=lambda p, step: _progress(report, p, step))
            _progress(report, 85, "pdf")
            content = report_render(report, data)
    except Exception as exc:
        log.exception("operation report %s failed", report_id)
        OperationReport.objects.filter(pk=report_id).update(
            status=Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return _finish(report, content)


@transaction.atomic
def _finish(report: OperationReport, content: bytes) -> OperationReport:
    report = OperationReport.objects.select_for_update().get(pk=report.pk)
    report.pdf.save(report_filename(report), ContentFile(content), save=False)
    report.status, report.progress, report.step = Status.DONE, 100, "done"
    report.finished_at = timezone.now()
    report.save(update_fields=["pdf", "status", "progress", "step", "finished_at", "updated_at"])
    if report.kind != Kind.ON_DEMAND:
        for admin in customer_admins(report.organization_id, report.language):
            outbox.enqueue(
                kind=EMAIL_KIND,
                key=f"operation-report:{report.pk}:{admin.pk}",
                payload={"report": report.pk, "user": admin.pk},
            )
    return report


# --- e-mail (the outbox's `operation_report` kind) ------------------------------------
def compose_report_email(message):
    payload = message.payload
    report = (
        OperationReport.objects.select_related("organization")
        .filter(pk=payload.get("report"), status=Status.DONE)
        .first()
    )
    user = User.objects.filter(pk=payload.get("user"), is_active=True).first()
    if report is None or user is None or not report.pdf:
        return None
    with report.pdf.open("rb") as handle:
        attachment = (report_filename(report), handle.read(), "application/pdf")
    messages = templated_messages(
        recipients=[user],
        template="reports/email/report_ready",
        context={"report": report, "organization": report.organization},
        attachments=[attachment],
        language=report.language,
    )
    return messages[0] if messages else None


def mark_report_emailed(message) -> None:
    OperationReport.objects.filter(
        pk=message.payload.get("report"), emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
