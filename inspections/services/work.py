"""Doing an inspection: assign, start, record results, complete, acknowledge, cancel,
and raising a fault report from a finding."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from inspections import recurrence
from inspections.models import ChecklistItem, Inspection, InspectionResult
from inspections.transitions import INSPECTION_ACTION_ROLES, INSPECTION_TRANSITIONS
from servicedesk.errors import Conflict, InvalidTransition, PermissionDenied, ServiceError

from . import _base as base
from . import reports

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
Kind = ChecklistItem.Kind
Outcome = InspectionResult.Outcome


def _lock(inspection: Inspection) -> Inspection:
    # of=self: the plan is an outer join, which PostgreSQL cannot lock.
    locked = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("site", "site__service_center", "plan")
        .get(pk=inspection.pk)
    )
    seen = getattr(inspection, "status", None)
    if seen and seen != locked.status:
        raise InvalidTransition(
            _("The inspection changed meanwhile (it is now %(status)s); reload it.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _begin(inspection: Inspection, actor: User, action: str) -> tuple[Inspection, str]:
    base.check_role(actor, INSPECTION_ACTION_ROLES[action], action)
    inspection = _lock(inspection)
    return inspection, base.check_transition(INSPECTION_TRANSITIONS, inspection, action)


@transaction.atomic
def inspection_assign(*, inspection: Inspection, actor: User, assignee: User | None) -> Inspection:
    from accounts.selectors import engineers_of

    inspection, _target = _begin(inspection, actor, "assign")
    if assignee is not None and not engineers_of(actor).filter(pk=assignee.pk).exists():
        raise ServiceError(
            _("Choose an active engineer of your service centres."), field="assignee"
        )
    if inspection.assignee_id != (assignee.pk if assignee else None):
        inspection.assignee = assignee
        base.save(inspection, "assignee")
        base.notify_after_commit(
            recipients=[assignee], event="inspection_assigned", target=inspection, actor=actor
        )
    return inspection


@transaction.atomic
def inspection_start(*, inspection: Inspection, actor: User) -> Inspection:
    inspection, target = _begin(inspection, actor, "start")
    base.check_worker(actor, inspection.assignee_id)
    inspection.status, inspection.started_at = target, base.now()
    fields = ["status", "started_at"]
    if inspection.assignee_id is None and actor.role in User.FIELD_ROLES:
        inspection.assignee = actor  # an unassigned inspection belongs to whoever starts it
        fields.append("assignee")
    base.save(inspection, *fields)
    return inspection


def _decimal(raw, *, label) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or abs(value) >= Decimal("1e9"):
        raise ServiceError(_("%(item)s: enter a number.") % {"item": label}, field="results")
    return value.quantize(Decimal("0.001"))


def _clean_entry(entry: dict, items: dict, site_id: int, photos: dict) -> dict:
    item = items.get(int(entry["item"])) if str(entry.get("item", "")).isdigit() else None
    if item is None:
        raise ServiceError(_("Not an item of this inspection's checklist."), field="results")
    outcome = entry.get("outcome") or ""
    if outcome and outcome not in Outcome.values:
        raise ServiceError(
            _("%(item)s: not a valid outcome.") % {"item": item.label}, field="results"
        )
    value = _decimal(entry.get("value"), label=item.label)
    if item.kind == Kind.NUMBER and value is None and not entry.get("photo_only"):
        raise ServiceError(
            _("%(item)s: enter the measured value.") % {"item": item.label}, field="results"
        )
    if item.kind == Kind.PASS_WARN_FAIL and not outcome and not entry.get("photo_only"):
        raise ServiceError(
            _("%(item)s: choose OK, warning or fault.") % {"item": item.label}, field="results"
        )
    out_of_limit = item.is_out_of_limit(value)
    photo = photos.get(item.pk)
    if photo is not None:
        from tickets.services.uploads import check_upload

        check_upload(photo, allowed=PHOTO_TYPES, field="results")
    equipment = entry.get("equipment")
    if equipment is not None and equipment.site_id != site_id:
        raise ServiceError(_("The equipment is not installed at this site."), field="results")
    return {
        "item": item,
        "outcome": outcome or (Outcome.WARNING if out_of_limit else Outcome.OK),
        "value": value,
        "text": (entry.get("text") or "").strip(),
        "out_of_limit": out_of_limit,
        "photo": photo,
        "equipment": equipment,
        "has_equipment": "equipment" in entry,
        "photo_only": bool(entry.get("photo_only")),
    }


@transaction.atomic
def inspection_record_results(
    *, inspection: Inspection, actor: User, results: list[dict], photos: dict | None = None
) -> list[InspectionResult]:
    """Record (or correct) results: `results` is a list of {item (id), outcome, value,
    text, equipment (Equipment or None)}; `photos` maps item ids to uploaded images.
    Every entry is checked before anything is written. A number outside the item's
    limits is flagged `out_of_limit` (and is a warning unless an outcome is given)."""
    inspection, _target = _begin(inspection, actor, "results")
    base.check_worker(actor, inspection.assignee_id)
    photos = {int(key): file for key, file in (photos or {}).items()}
    if not results and not photos:
        raise ServiceError(_("Record at least one result."), field="results")
    items = {
        item.pk: item
        for item in ChecklistItem.objects.filter(template_id=inspection.checklist_template_id)
    }
    listed = {_item_id(entry) for entry in results}
    entries = list(results) + [
        {"item": pk, "photo_only": True} for pk in photos if pk not in listed
    ]
    cleaned = [_clean_entry(entry, items, inspection.site_id, photos) for entry in entries]
    existing = {
        r.item_id: r
        for r in InspectionResult.objects.select_for_update().filter(inspection=inspection)
    }
    saved = [_store(inspection, data, existing.get(data["item"].pk), actor) for data in cleaned]
    base.save(inspection)  # the inspection changed for `updated_after` syncs
    return saved


def _item_id(entry: dict):
    raw = entry.get("item")
    return int(raw) if str(raw).isdigit() else None


def _store(
    inspection, data: dict, result: InspectionResult | None, actor: User
) -> InspectionResult:
    from tickets.services.uploads import clean_name

    result = result or InspectionResult(inspection=inspection, item=data["item"])
    if not (
        data["photo_only"] and result.pk
    ):  # a photo alone leaves the recorded outcome as it was
        result.outcome, result.value, result.text = data["outcome"], data["value"], data["text"]
        result.out_of_limit = data["out_of_limit"]
    if data["has_equipment"]:
        result.equipment = data["equipment"]
    result.recorded_by = actor
    if data["photo"] is not None:
        data["photo"].seek(0)
        result.photo.save(clean_name(data["photo"], default="photo.jpg"), data["photo"], save=False)
    result.save()
    return result


def missing_required(inspection: Inspection) -> list[ChecklistItem]:
    done = {r.item_id: r for r in InspectionResult.objects.filter(inspection=inspection)}
    missing = []
    for item in ChecklistItem.objects.filter(
        template_id=inspection.checklist_template_id, required=True
    ):
        result = done.get(item.pk)
        if (
            result is None
            or (item.kind == Kind.PHOTO and not result.photo)
            or (item.kind == Kind.TEXT and not result.text)
            or (item.kind == Kind.NUMBER and result.value is None)
        ):
            missing.append(item)
    return missing


@transaction.atomic
def inspection_complete(
    *, inspection: Inspection, actor: User, findings: str = "", recommendations: str = ""
) -> Inspection:
    """Completes the inspection once every required item has a result; the report is
    e-mailed to the customer's contacts after commit."""
    inspection, target = _begin(inspection, actor, "complete")
    base.check_worker(actor, inspection.assignee_id)
    missing = missing_required(inspection)
    if missing:
        raise ServiceError(
            _("These required items have no result yet: %(items)s")
            % {"items": ", ".join(item.label for item in missing)},
            field="results",
        )
    at = base.now()
    zone = inspection.plan.zone_name if inspection.plan else inspection.site.time_zone
    inspection.status, inspection.completed_at = target, at
    inspection.completed_on = recurrence.local_today(at, zone)
    inspection.findings, inspection.recommendations = findings.strip(), recommendations.strip()
    base.save(inspection, "status", "completed_at", "completed_on", "findings", "recommendations")
    # the report's e-mails are written to the outbox in this transaction
    reports.send_report(inspection=inspection)
    return inspection


@transaction.atomic
def inspection_acknowledge(*, inspection: Inspection, actor: User) -> Inspection:
    inspection, _target = _begin(inspection, actor, "acknowledge")
    if actor.organization_id != inspection.site.organization_id:
        raise PermissionDenied(_("This report is not one of your organisation's."))
    if inspection.acknowledged_at is not None:
        raise Conflict(_("The report has already been acknowledged."))
    inspection.acknowledged_by, inspection.acknowledged_at = actor, base.now()
    base.save(inspection, "acknowledged_by", "acknowledged_at")
    return inspection


@transaction.atomic
def inspection_cancel(*, inspection: Inspection, actor: User, reason: str) -> Inspection:
    if not (reason or "").strip():
        raise ServiceError(_("Give a reason."), field="reason")
    inspection, target = _begin(inspection, actor, "cancel")
    inspection.status = target
    inspection.findings = (inspection.findings + "\n" if inspection.findings else "") + gettext(
        "Cancelled: %(reason)s"
    ) % {"reason": reason.strip()}
    base.save(inspection, "status", "findings")
    return inspection


@transaction.atomic
def inspection_raise_ticket(
    *,
    result: InspectionResult,
    actor: User,
    channel: str,
    title: str = "",
    description: str = "",
    equipment=None,
):
    """A fault report for the site (and equipment) of a warning or fault finding,
    through the ticket services; the finding links to it. Once per finding."""
    from tickets.services import ticket_create

    result = (
        InspectionResult.objects.select_for_update(of=("self",))
        .select_related("item", "equipment", "inspection__site__organization")
        .get(pk=result.pk)
    )
    inspection, _target = _begin(result.inspection, actor, "raise_ticket")
    if result.outcome not in (Outcome.WARNING, Outcome.FAULT):
        raise ServiceError(_("Only a warning or a fault can raise a fault report."), field="result")
    if result.ticket_id is not None:
        raise Conflict(_("This finding has already raised a fault report."))
    equipment = equipment or result.equipment
    site = inspection.site
    value = f" {result.value} {result.item.unit}".rstrip() if result.value is not None else ""
    ticket = ticket_create(
        actor=actor,
        organization=site.organization,
        site=site,
        equipment=equipment,
        channel=channel,
        title=(title or gettext("Inspection finding: %(item)s") % {"item": result.item.label})[
            :200
        ],
        description=description
        or gettext(
            "Found during the inspection of %(date)s: %(item)s — %(outcome)s%(value)s.\n%(note)s"
        )
        % {
            "date": inspection.scheduled_for.isoformat(),
            "item": result.item.label,
            "outcome": result.get_outcome_display(),
            "value": value,
            "note": result.text,
        },
        urgency="high" if result.outcome == Outcome.FAULT else "medium",
    )
    result.ticket = ticket
    base.save(result, "ticket")
    return ticket
