"""The inspection report: its PDF and the e-mail to the customer's contacts."""

import base64
import logging

from django.utils import translation

from accounts.models import User
from inspections.models import Inspection, InspectionResult
from notifications import outbox
from notifications.models import OutboxMessage
from notifications.services import templated_messages
from servicedesk.pdf import render_pdf

from . import _base as base

log = logging.getLogger(__name__)
REPORT_KIND = "inspection_report"
EMBEDDED_PHOTO_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
}


def _data_uri(result: InspectionResult) -> str:
    if not result.photo:
        return ""
    kind = EMBEDDED_PHOTO_TYPES.get(result.photo.name.rsplit(".", 1)[-1].lower())
    if kind is None:
        return ""
    try:
        with result.photo.open("rb") as handle:
            return f"data:{kind};base64,{base64.b64encode(handle.read()).decode()}"
    except OSError:
        log.warning("photo of inspection result %s is missing", result.pk)
        return ""


def report_context(inspection: Inspection) -> dict:
    results = list(
        inspection.results.select_related("item", "equipment", "ticket").order_by(
            "item__order", "id"
        )
    )
    for result in results:
        result.photo_data = _data_uri(result)
    return {"inspection": inspection, "site": inspection.site, "results": results}


def render_report(inspection: Inspection, *, language: str | None = None) -> bytes:
    with translation.override(language or translation.get_language()):
        return render_pdf("inspections/pdf/report.html", report_context(inspection))


def report_filename(inspection: Inspection) -> str:
    return f"inspection-{inspection.site.code}-{inspection.scheduled_for:%Y%m%d}.pdf"


def customer_contacts(inspection: Inspection) -> list:
    """The organisation's active customer accounts with an e-mail, plus its contact e-mail."""
    organization = inspection.site.organization
    users = list(
        User.objects.filter(
            organization=organization, is_active=True, role__in=User.CUSTOMER_ROLES
        ).exclude(email="")
    )
    addresses = {user.email.lower() for user in users}
    extra = (
        [organization.email]
        if organization.email and organization.email.lower() not in addresses
        else []
    )
    return users + extra


def send_report(*, inspection: Inspection) -> bool:
    """Put the completed report's e-mails into the outbox, one per customer contact, in
    the caller's transaction (inspection_complete's), once: a second call finds them
    there. The outbox delivers them (`compose_report_email`) and the first one sent
    sets `report_sent_at`. Returns whether this call enqueued them."""
    if inspection.status != Inspection.Status.COMPLETED or inspection.report_sent_at is not None:
        return False
    prefix = f"{REPORT_KIND}:{inspection.pk}:"
    if OutboxMessage.objects.filter(key__startswith=prefix).exists():
        return False
    enqueued = False
    for recipient in customer_contacts(inspection):
        user = recipient if isinstance(recipient, User) else None
        address = (user.email if user else recipient).strip()
        if address:
            outbox.enqueue(
                kind=REPORT_KIND,
                key=f"{prefix}{address.lower()}",
                payload={
                    "inspection": inspection.pk,
                    "user": user.pk if user else None,
                    "address": address,
                },
            )
            enqueued = True
    return enqueued


def compose_report_email(message: OutboxMessage):
    """The outbox's `inspection_report` kind: the report PDF, in the recipient's
    language, to one contact (None when the inspection is gone)."""
    payload = message.payload
    inspection = (
        Inspection.objects.select_related("site", "site__organization", "plan")
        .filter(pk=payload.get("inspection"))
        .first()
    )
    if inspection is None:
        return None
    user = User.objects.filter(pk=payload["user"]).first() if payload.get("user") else None
    recipient = user if user is not None and user.is_active else payload["address"]
    language = user.language if user is not None else None
    attachment = (
        report_filename(inspection),
        render_report(inspection, language=language),
        "application/pdf",
    )
    messages = templated_messages(
        recipients=[recipient],
        template="inspections/email/report_ready",
        context={"inspection": inspection, "site": inspection.site},
        attachments=[attachment],
        language=language,
    )
    return messages[0] if messages else None


def mark_report_sent(message: OutboxMessage) -> None:
    Inspection.objects.filter(
        pk=message.payload.get("inspection"), report_sent_at__isnull=True
    ).update(report_sent_at=base.now())
