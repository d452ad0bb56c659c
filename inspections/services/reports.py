"""The inspection report: its PDF and the e-mail to the customer's contacts."""

import base64
import logging

from django.db import transaction
from django.utils import translation

from accounts.models import User
from inspections.models import Inspection, InspectionResult
from servicedesk.pdf import render_pdf

from . import _base as b

log = logging.getLogger(__name__)
EMBEDDED_PHOTO_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
                        "webp": "image/webp"}


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
    results = list(inspection.results.select_related("item", "equipment", "ticket").order_by("item__order", "id"))
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
    users = list(User.objects.filter(organization=organization, is_active=True,
                                     role__in=User.CUSTOMER_ROLES).exclude(email=""))
    addresses = {user.email.lower() for user in users}
    extra = [organization.email] if organization.email and organization.email.lower() not in addresses else []
    return users + extra


def send_report(*, inspection: Inspection) -> bool:
    """E-mails the completed report once (report_sent_at claims it)."""
    if inspection.status != Inspection.Status.COMPLETED or inspection.report_sent_at is not None:
        return False
    recipients = customer_contacts(inspection)
    if not recipients:
        return False
    with transaction.atomic():
        claimed = Inspection.objects.filter(pk=inspection.pk, report_sent_at__isnull=True).update(
            report_sent_at=b.now())
        if not claimed:
            return False
        language = next((user.language for user in recipients if isinstance(user, User)), None)
        pdf = render_report(inspection, language=language)
        attachment = (report_filename(inspection), pdf, "application/pdf")
        context = {"inspection": inspection, "site": inspection.site}
        _send_mail(recipients=recipients, context=context, attachment=attachment, language=language)
    return True


def _send_mail(*, recipients, context, attachment, language) -> None:
    from notifications import services as notifications

    send = getattr(notifications, "send_templated_mail", None)
    if send is not None:
        send(recipients=recipients, template="inspections/email/report_ready", context=context,
             attachments=[attachment], language=language)
        return
    # Until the notifications app offers templated mail: one plain message.
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    with translation.override(language):
        subject = render_to_string("inspections/email/report_ready_subject.txt", context).strip()
        body = render_to_string("inspections/email/report_ready.txt", context)
    addresses = [r.email if isinstance(r, User) else r for r in recipients]
    message = EmailMultiAlternatives(subject=subject, body=body, to=addresses)
    message.attach(*attachment)
    message.send()
