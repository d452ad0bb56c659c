"""The on-site visit (work order): depart, check in, the closed repair loop
diagnosis → plan → implementation → test → acceptance, the customer's signature,
completion. Every step is also an event on the ticket's timeline."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from servicedesk.errors import InvalidTransition, PermissionDenied, ServiceError
from tickets import ports
from tickets.models import Ticket, Visit, VisitPhase

from . import _base as base
from .lifecycle import OPEN_VISITS, _release_parts
from .uploads import check_signature, clean_name


def _start(
    visit: Visit, actor: User, action: str, *, customers_too: bool = False
) -> tuple[Visit, Ticket, str]:
    base.check_role(actor, action, visit=True)
    visit, ticket = base.lock_visit(visit)
    base.check_scope(actor, ticket)
    target = base.check_visit_transition(visit, action)
    if not (customers_too and actor.is_customer):
        base.check_visit_worker(actor, visit)
    return visit, ticket, target


def _event(ticket, visit, *, kind, actor, at, note="", data=None, internal=False):
    base.save(ticket)  # the ticket changed for `updated_after` syncs and its ETag (locked row)
    payload = {"visit": visit.pk, "visit_number": visit.number, **(data or {})}
    return base.record(
        ticket,
        kind=kind,
        actor=actor,
        at=at,
        from_status=ticket.status,
        note=note,
        data=payload,
        internal=internal,
    )


@transaction.atomic
def visit_depart(*, visit: Visit, actor: User) -> Visit:
    visit, ticket, target = _start(visit, actor, "depart")
    at = base.now()
    visit.status, visit.departed_at = target, at
    base.save(visit, "status", "departed_at")
    _event(ticket, visit, kind="departed", actor=actor, at=at)
    base.clocks(ticket, "departed", at=at, actor=actor, visit=visit)
    return visit


def _coordinate(value, *, field: str, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError(_("Give a number."), field=field) from exc
    if not -limit <= number <= limit:
        raise ServiceError(
            _("Must be between -%(limit)s and %(limit)s.") % {"limit": limit}, field=field
        )
    return number


@transaction.atomic
def visit_check_in(*, visit: Visit, actor: User, latitude=None, longitude=None) -> Visit:
    """Arrival on site, with the device's coordinates when it has them."""
    latitude = _coordinate(latitude, field="latitude", limit=90)
    longitude = _coordinate(longitude, field="longitude", limit=180)
    if (latitude is None) != (longitude is None):
        raise ServiceError(_("Give both latitude and longitude, or neither."), field="longitude")
    visit, ticket, target = _start(visit, actor, "check-in")
    at = base.now()
    visit.status, visit.arrived_at = target, at
    visit.checkin_latitude, visit.checkin_longitude = latitude, longitude
    if visit.departed_at is None:
        visit.departed_at = at  # checked in without a separate departure
    base.save(visit, "status", "arrived_at", "departed_at", "checkin_latitude", "checkin_longitude")
    _event(
        ticket,
        visit,
        kind="arrived",
        actor=actor,
        at=at,
        data={
            "latitude": str(latitude) if latitude is not None else None,
            "longitude": str(longitude) if longitude is not None else None,
        },
    )
    base.clocks(ticket, "arrived", at=at, actor=actor, visit=visit)
    return visit


@transaction.atomic
def visit_record_phase(*, visit: Visit, actor: User, phase: str, notes: str) -> VisitPhase:
    """One step of the closed loop, strictly in order and each once."""
    if phase not in Visit.Phase.values:
        raise ServiceError(_("Not a valid repair step."), field="phase")
    if not (notes or "").strip():
        raise ServiceError(_("Write what was done in this step."), field="notes")
    visit, ticket, _target = _start(visit, actor, "phase")
    done = list(visit.phases.values_list("phase", flat=True))
    if phase in done:
        raise InvalidTransition(
            _("The step “%(phase)s” is already recorded.") % {"phase": Visit.Phase(phase).label}
        )
    expected = Visit.PHASE_ORDER[len(done)]
    if phase != expected:
        raise InvalidTransition(_("Record “%(expected)s” first.") % {"expected": expected.label})
    at = base.now()
    row = VisitPhase.objects.create(
        visit=visit, phase=phase, notes=notes, recorded_by=actor, recorded_at=at
    )
    base.save(visit)
    _event(ticket, visit, kind="phase", actor=actor, at=at, note=notes, data={"phase": phase})
    return row


@transaction.atomic
def visit_sign(*, visit: Visit, actor: User, signer_name: str, signature) -> Visit:
    """The customer's signature on the service confirmation (PNG or JPEG)."""
    if not (signer_name or "").strip():
        raise ServiceError(_("Give the signer's name."), field="signer_name")
    if signature is None:
        raise ServiceError(_("The signature image is missing."), field="signature")
    check_signature(signature)
    visit, ticket, _target = _start(visit, actor, "sign", customers_too=True)
    if visit.signed_at is not None:
        raise InvalidTransition(_("The service confirmation is already signed."))
    at = base.now()
    signature.seek(0)
    visit.signature.save(
        f"{visit.number}-{clean_name(signature, default='signature.png')}", signature, save=False
    )
    visit.signer_name, visit.signed_at = signer_name.strip(), at
    base.save(visit, "signature", "signer_name", "signed_at")
    _event(
        ticket, visit, kind="signed", actor=actor, at=at, data={"signer_name": visit.signer_name}
    )
    base.notify_after_commit(
        recipients=[visit.engineer], event="visit_signed", target=visit, actor=actor
    )
    return visit


def visit_use_parts(*, visit: Visit, actor: User, items: list[dict]):
    """Parts used on site, booked by the spare parts app against this visit. The spare
    parts use case owns the transaction and runs the visit's checks and timeline event
    inside it (`within`): a refusal rolls back all of it, yet the procurement request a
    shortage raises survives the refusal, as it must."""
    if not items:
        raise ServiceError(_("List at least one part."), field="items")

    def within(_locked):
        checked, ticket, _target = _start(visit, actor, "parts")
        base.save(checked)
        _event(
            ticket,
            checked,
            kind="parts_used",
            actor=actor,
            at=base.now(),
            data={
                "items": [
                    {
                        "part": getattr(item["part"], "pk", item["part"]),
                        "quantity": item["quantity"],
                    }
                    for item in items
                ]
            },
        )

    return ports.parts_use_on_visit(visit=visit, actor=actor, items=items, within=within)


@transaction.atomic
def visit_complete(*, visit: Visit, actor: User, work_summary: str = "") -> Visit:
    """Needs all five steps and the customer's signature; unused reserved parts go back."""
    visit, ticket, target = _start(visit, actor, "complete")
    missing = [
        p.label
        for p in Visit.PHASE_ORDER
        if p not in set(visit.phases.values_list("phase", flat=True))
    ]
    if missing:
        raise InvalidTransition(
            _("Record these steps first: %(steps)s.") % {"steps": ", ".join(map(str, missing))}
        )
    if visit.signed_at is None:
        raise InvalidTransition(_("The customer has not signed the service confirmation yet."))
    at = base.now()
    visit.status, visit.completed_at = target, at
    visit.work_summary = work_summary or visit.work_summary
    base.save(visit, "status", "completed_at", "work_summary")
    _event(ticket, visit, kind="visit_completed", actor=actor, at=at, note=work_summary)
    _release_parts(visit, actor)
    base.notify_after_commit(
        recipients=base.customer_recipients(ticket),
        event="visit_completed",
        target=visit,
        actor=actor,
    )
    return visit


@transaction.atomic
def visit_cancel(*, visit: Visit, actor: User, reason: str = "") -> Visit:
    """Call off a visit before arrival. With no other visit open, an on-site ticket
    goes back to remote work (`in_progress`)."""
    visit, ticket, target = _start(visit, actor, "cancel")
    if actor.is_customer:
        raise PermissionDenied(_("Only the service staff cancel visits."))
    at = base.now()
    visit.status, visit.cancelled_at, visit.cancel_reason = target, at, reason
    base.save(visit, "status", "cancelled_at", "cancel_reason")
    _event(ticket, visit, kind="visit_cancelled", actor=actor, at=at, note=reason)
    base.clocks(ticket, "visit_cancelled", at=at, actor=actor, visit=visit)
    _release_parts(visit, actor)
    others_open = ticket.visits.filter(status__in=OPEN_VISITS).exclude(pk=visit.pk).exists()
    if (
        ticket.status == Ticket.Status.ONSITE
        and not others_open
        and not ticket.visits.filter(status=Visit.Status.COMPLETED).exists()
    ):
        ticket.status = Ticket.Status.IN_PROGRESS
        base.save(ticket, "status")
        base.record(
            ticket,
            kind="resumed",
            actor=actor,
            at=at,
            from_status=Ticket.Status.ONSITE,
            to_status=Ticket.Status.IN_PROGRESS,
            note=reason,
        )
    base.notify_after_commit(
        recipients=[visit.engineer], event="visit_cancelled", target=visit, actor=actor
    )
    return visit
