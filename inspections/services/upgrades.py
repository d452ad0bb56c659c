"""Upgrade assessments (issue 18): staff draft the assessment of an upgrade or
consultation ticket with its quote and propose it; the customer approves or declines
it online. Approval plans the upgrade: a one-off maintenance plan (inactive, so the
generator never repeats it) with the task on the planned date."""

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from inspections.models import MaintenancePlan, MaintenanceTask, QuoteLine, UpgradeAssessment
from inspections.transitions import ASSESSMENT_ACTION_ROLES, ASSESSMENT_TRANSITIONS
from servicedesk.errors import Conflict, InvalidTransition, PermissionDenied, ServiceError
from servicedesk.pdf import render_pdf
from tickets.models import Ticket
from tickets.selectors import tickets_visible_to

from . import _base as base

ASSESSED_KINDS = (Ticket.Kind.UPGRADE, Ticket.Kind.CONSULTATION)
FIELDS = (
    "equipment",
    "current_version",
    "current_configuration",
    "target_version",
    "proposal",
    "risks",
    "downtime_estimate",
    "planned_for",
)
CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_LINES = 50


def _check_ticket(actor: User, ticket: Ticket) -> None:
    if not tickets_visible_to(actor).filter(pk=ticket.pk).exists():
        raise PermissionDenied(_("This is outside your scope."))
    if ticket.kind not in ASSESSED_KINDS:
        raise ServiceError(
            _("Only upgrade and consultation tickets carry an assessment."), field="ticket"
        )


def _clean_fields(ticket: Ticket, fields: dict) -> dict:
    fields = {name: fields[name] for name in FIELDS if name in fields}
    equipment = fields.get("equipment", ticket.equipment)
    if equipment is not None and equipment.site_id != ticket.site_id:
        raise ServiceError(_("The equipment is not installed at this site."), field="equipment")
    fields["equipment"] = equipment
    if not (fields.get("proposal") or "").strip():
        raise ServiceError(_("Describe the proposal."), field="proposal")
    downtime = fields.get("downtime_estimate")
    if not isinstance(downtime, timedelta) or downtime < timedelta(0):
        raise ServiceError(_("Estimate the downtime (zero or more)."), field="downtime_estimate")
    if fields.get("planned_for") is None:
        raise ServiceError(_("Give the planned date."), field="planned_for")
    if not fields.get("current_version") and equipment is not None:
        fields["current_version"] = equipment.firmware_version
    return fields


def _clean_lines(lines) -> list[QuoteLine]:
    if len(lines) > MAX_LINES:
        raise ServiceError(_("Too many quote lines."), field="lines")
    cleaned = []
    for line in lines:
        description = (line.get("description") or "").strip()
        currency = (line.get("currency") or "CNY").strip().upper()
        try:
            quantity = Decimal(str(line.get("quantity", 1)))
            price = Decimal(str(line.get("unit_price")))
        except (InvalidOperation, ValueError):
            raise ServiceError(_("Enter a number."), field="lines") from None
        if not description:
            raise ServiceError(_("Describe each quote line."), field="lines")
        if not quantity.is_finite() or quantity <= 0 or not price.is_finite() or price < 0:
            raise ServiceError(
                _("Quantities are above zero and prices zero or more."), field="lines"
            )
        if not CURRENCY.match(currency):
            raise ServiceError(_("A currency is a three-letter code (CNY, USD…)."), field="lines")
        cleaned.append(
            QuoteLine(
                description=description[:300],
                quantity=quantity,
                unit_price=price,
                currency=currency,
            )
        )
    return cleaned


def _replace_lines(assessment: UpgradeAssessment, lines: list[QuoteLine], actor) -> None:
    for old in assessment.lines.all():
        old._history_user = actor
        old.delete()
    for line in lines:
        line.assessment = assessment
        line._history_user = actor
        line.save()


def _lock(assessment: UpgradeAssessment) -> UpgradeAssessment:
    return (
        UpgradeAssessment.objects.select_for_update(of=("self",))
        .select_related("ticket", "ticket__site", "ticket__assignee", "equipment")
        .get(pk=assessment.pk)
    )


def _save(assessment: UpgradeAssessment, actor, *fields: str) -> None:
    assessment._history_user = actor
    if fields:
        base.save(assessment, *fields)
    else:
        assessment.save()


@transaction.atomic
def assessment_create(*, actor: User, ticket: Ticket, fields: dict, lines) -> UpgradeAssessment:
    """A draft assessment of the ticket, with its quote lines."""
    base.check_role(actor, ASSESSMENT_ACTION_ROLES["edit"], "edit")
    _check_ticket(actor, ticket)
    Ticket.objects.select_for_update().get(pk=ticket.pk)  # one assessment per ticket
    if UpgradeAssessment.objects.filter(ticket=ticket).exists():
        raise Conflict(_("This ticket has an assessment already."))
    cleaned_lines = _clean_lines(lines or [])
    assessment = UpgradeAssessment(
        ticket=ticket, prepared_by=actor, **_clean_fields(ticket, fields)
    )
    _save(assessment, actor)
    _replace_lines(assessment, cleaned_lines, actor)
    return assessment


@transaction.atomic
def assessment_update(
    *, actor: User, assessment: UpgradeAssessment, fields: dict, lines=None
) -> UpgradeAssessment:
    """Change a draft; `lines` (when given) replaces the quote."""
    base.check_role(actor, ASSESSMENT_ACTION_ROLES["edit"], "edit")
    assessment = _lock(assessment)
    _check_ticket(actor, assessment.ticket)
    base.check_transition(ASSESSMENT_TRANSITIONS, assessment, "edit")
    current = {name: getattr(assessment, name) for name in FIELDS}
    cleaned = _clean_fields(assessment.ticket, {**current, **fields})
    cleaned_lines = _clean_lines(lines) if lines is not None else None
    for name, value in cleaned.items():
        setattr(assessment, name, value)
    _save(assessment, actor, *cleaned)
    if cleaned_lines is not None:
        _replace_lines(assessment, cleaned_lines, actor)
    return assessment


@transaction.atomic
def assessment_propose(*, actor: User, assessment: UpgradeAssessment) -> UpgradeAssessment:
    """Send the assessment to the customer for a decision."""
    base.check_role(actor, ASSESSMENT_ACTION_ROLES["propose"], "propose")
    assessment = _lock(assessment)
    _check_ticket(actor, assessment.ticket)
    target = base.check_transition(ASSESSMENT_TRANSITIONS, assessment, "propose")
    if assessment.equipment_id is None:
        raise ServiceError(_("Choose the equipment the upgrade is for."), field="equipment")
    if not assessment.lines.exists():
        raise ServiceError(_("Add at least one quote line."), field="lines")
    assessment.status, assessment.proposed_at = target, base.now()
    _save(assessment, actor, "status", "proposed_at")
    base.notify_after_commit(
        recipients=_customers(assessment.ticket),
        event="assessment_proposed",
        target=assessment,
        actor=actor,
    )
    return assessment


def _customers(ticket: Ticket) -> list[User]:
    """The reporter when a customer, and the organisation's customer admins."""
    admins = list(
        User.objects.filter(
            organization_id=ticket.organization_id,
            role=User.Role.CUSTOMER_ADMIN,
            is_active=True,
        )
    )
    reporter = ticket.reporter
    return ([reporter] if reporter is not None and reporter.is_customer else []) + admins


def _decide(*, actor: User, assessment: UpgradeAssessment, action: str, note: str):
    base.check_role(actor, ASSESSMENT_ACTION_ROLES[action], action)
    seen, assessment = assessment.status, _lock(assessment)
    if assessment.ticket.organization_id != actor.organization_id:
        raise PermissionDenied(_("This is outside your scope."))
    if seen != assessment.status:  # someone else decided (or revised) meanwhile
        raise InvalidTransition(_("The assessment changed meanwhile; reload it."))
    target = base.check_transition(ASSESSMENT_TRANSITIONS, assessment, action)
    assessment.status, assessment.decided_at, assessment.decided_by = target, base.now(), actor
    assessment.decision_note = (note or "").strip()
    return assessment


def _plan_upgrade(assessment: UpgradeAssessment, actor: User) -> MaintenanceTask:
    ticket = assessment.ticket
    kind = (
        MaintenancePlan.TaskKind.FIRMWARE_UPDATE
        if assessment.target_version
        else MaintenancePlan.TaskKind.OTHER
    )
    title = str(_("Upgrade %(ticket)s") % {"ticket": ticket.number})
    plan = MaintenancePlan(
        equipment=assessment.equipment,
        task_kind=kind,
        title=title[:200],
        instructions=assessment.proposal,
        interval_count=1,
        interval_unit=MaintenancePlan.IntervalUnit.MONTHS,
        start_date=assessment.planned_for,
        assignee=ticket.assignee,
        active=False,  # a one-off: the generator never repeats it
    )
    plan._history_user = actor
    plan.save()
    task = MaintenanceTask(
        plan=plan,
        equipment=assessment.equipment,
        task_kind=kind,
        due_on=assessment.planned_for,
        assignee=ticket.assignee,
        notes=title,
    )
    task._history_user = actor
    task.save()
    return task


@transaction.atomic
def assessment_approve(
    *, actor: User, assessment: UpgradeAssessment, note: str = ""
) -> UpgradeAssessment:
    """The customer agrees (fees included): the upgrade is planned as a maintenance task."""
    assessment = _decide(actor=actor, assessment=assessment, action="approve", note=note)
    assessment.maintenance_task = _plan_upgrade(assessment, actor)
    _save(
        assessment,
        actor,
        "status",
        "decided_at",
        "decided_by",
        "decision_note",
        "maintenance_task",
    )
    _tell_staff(assessment, "assessment_approved", actor)
    return assessment


@transaction.atomic
def assessment_decline(
    *, actor: User, assessment: UpgradeAssessment, reason: str
) -> UpgradeAssessment:
    if not (reason or "").strip():
        raise ServiceError(_("Give a reason."), field="reason")
    assessment = _decide(actor=actor, assessment=assessment, action="decline", note=reason)
    _save(assessment, actor, "status", "decided_at", "decided_by", "decision_note")
    _tell_staff(assessment, "assessment_declined", actor)
    return assessment


@transaction.atomic
def assessment_revise(*, actor: User, assessment: UpgradeAssessment) -> UpgradeAssessment:
    """Take a proposed or declined assessment back into draft to change it."""
    base.check_role(actor, ASSESSMENT_ACTION_ROLES["revise"], "revise")
    assessment = _lock(assessment)
    _check_ticket(actor, assessment.ticket)
    assessment.status = base.check_transition(ASSESSMENT_TRANSITIONS, assessment, "revise")
    assessment.proposed_at = assessment.decided_at = assessment.decided_by = None
    _save(assessment, actor, "status", "proposed_at", "decided_at", "decided_by")
    return assessment


def _tell_staff(assessment: UpgradeAssessment, event: str, actor: User) -> None:
    ticket = assessment.ticket
    recipients = [ticket.assignee, assessment.prepared_by, *base.dispatchers_for_site(ticket.site)]
    base.notify_after_commit(
        recipients=recipients,
        event=event,
        target=assessment,
        actor=actor,
        context={"note": assessment.decision_note},
    )


def render_assessment(assessment: UpgradeAssessment, *, language: str | None = None) -> bytes:
    """The assessment as a PDF, in `language` (the reader's)."""
    with translation.override(language or translation.get_language()):
        return render_pdf(
            "inspections/pdf/assessment.html",
            {"assessment": assessment, "ticket": assessment.ticket, "totals": assessment.totals()},
        )


def assessment_filename(assessment: UpgradeAssessment) -> str:
    return f"assessment-{assessment.ticket.number}.pdf"
