"""The rest of a benchmark volume (issue 15), after `sla.volume.load` has written the
tickets: parts used on the loaded visits, two years of inspections for the demo's
inspection plans, and training sessions with their enrolments. Lives here, in the top
layer, because it writes the rows of apps the SLA app may not import.

Proportions: a third of the completed visits used one or two parts (the ledger gets
one receipt per part and stockroom for what was issued, so every Stock level is
unchanged and the ledger still sums to it); every plan's inspections once a month
(nine in ten completed, the rest missed; the current month's still scheduled); one
session a month per organisation with its customer staff enrolled and most of them
attended. Written with `bulk_create` in chunks; a second run adds nothing twice
(inspections are unique by plan and date, sessions are keyed by their start)."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from inspections.models import Inspection, InspectionPlan
from spareparts.models import Movement, Stock
from tickets.models import Visit
from training.models import Course, Enrollment, Session

SPAN_DAYS = 730
CHUNK = 5_000


@dataclass
class Extras:
    parts_used: int = 0
    inspections: int = 0
    sessions: int = 0
    enrollments: int = 0


def _months(first: date, last: date):
    day = first.replace(day=1)
    while day <= last:
        yield day
        day = (day + timedelta(days=32)).replace(day=1)


def _parts_used(rnd: random.Random, extras: Extras) -> None:
    stocks = list(Stock.objects.order_by("pk").values_list("part_id", "stockroom_id"))
    if not stocks:
        return
    visits = Visit.objects.filter(status=Visit.Status.COMPLETED, completed_at__isnull=False)
    visits = visits.exclude(part_movements__isnull=False).order_by("pk")
    issued: dict[tuple[int, int], int] = {}
    batch = []
    rows = visits.values_list("pk", "ticket_id", "engineer_id", "completed_at").iterator()
    for visit_id, ticket_id, engineer_id, completed_at in rows:
        if rnd.random() >= 1 / 3:
            continue
        for part_id, room_id in rnd.sample(stocks, k=min(len(stocks), rnd.choice((1, 1, 2)))):
            quantity = rnd.choice((1, 1, 1, 2, 3))
            issued[(part_id, room_id)] = issued.get((part_id, room_id), 0) + quantity
            batch.append(
                Movement(
                    kind=Movement.Kind.ISSUE,
                    part_id=part_id,
                    stockroom_id=room_id,
                    quantity=quantity,
                    on_hand_delta=-quantity,
                    reserved_delta=0,
                    ticket_id=ticket_id,
                    visit_id=visit_id,
                    actor_id=engineer_id,
                    created_at=completed_at,
                )
            )
        if len(batch) >= CHUNK:
            extras.parts_used += len(Movement.objects.bulk_create(batch))
            batch = []
    extras.parts_used += len(Movement.objects.bulk_create(batch))
    start = timezone.now() - timedelta(days=SPAN_DAYS + 1)
    Movement.objects.bulk_create(
        Movement(
            kind=Movement.Kind.RECEIPT,
            part_id=part_id,
            stockroom_id=room_id,
            quantity=quantity,
            on_hand_delta=quantity,
            reserved_delta=0,
            reason="Benchmark volume: the parts issued to the loaded visits",
            created_at=start,
        )
        for (part_id, room_id), quantity in sorted(issued.items())
    )


def _inspections(rnd: random.Random, extras: Extras, today: date) -> None:
    engineers = list(
        User.objects.filter(role__in=User.FIELD_ROLES, is_active=True).values_list("pk", flat=True)
    )
    zone = timezone.get_current_timezone()
    batch = []
    for plan in InspectionPlan.objects.select_related("site").order_by("pk"):
        anchor = plan.anchor_date.day if plan.anchor_date else 1
        for month in _months(today - timedelta(days=SPAN_DAYS), today):
            day = month.replace(day=min(anchor, 28))
            row = Inspection(
                plan=plan,
                site=plan.site,
                checklist_template_id=plan.checklist_template_id,
                scheduled_for=day,
                assignee_id=rnd.choice(engineers) if engineers else None,
                service_center_id=plan.site.service_center_id,
                status=Inspection.Status.SCHEDULED,
            )
            if day < today.replace(day=1):
                at = datetime.combine(day, time(10), zone) + timedelta(hours=rnd.randint(0, 72))
                if rnd.random() < 0.9:
                    row.status = Inspection.Status.COMPLETED
                    row.started_at, row.completed_at = at - timedelta(hours=2), at
                    row.completed_on = at.date()
                    row.findings = rnd.choice(("All items in order.", "设备运行正常。"))
                else:
                    row.status, row.missed_at = Inspection.Status.MISSED, at
            batch.append(row)
    created = Inspection.objects.bulk_create(batch, ignore_conflicts=True, batch_size=CHUNK)
    extras.inspections += len(created)


def _training(rnd: random.Random, extras: Extras, today: date) -> None:
    courses = list(Course.objects.order_by("pk"))
    trainers = list(User.objects.filter(role__in=User.FIELD_ROLES, is_active=True))
    if not courses or not trainers:
        return
    trainees: dict[int, list[int]] = {}
    for pk, org in User.objects.filter(
        role__in=User.CUSTOMER_ROLES, organization__isnull=False, is_active=True
    ).values_list("pk", "organization_id"):
        trainees.setdefault(org, []).append(pk)
    zone = timezone.get_current_timezone()
    existing = set(Session.objects.values_list("organization_id", "starts_at"))
    sessions = []
    for org, people in sorted(trainees.items()):
        for month in _months(today - timedelta(days=SPAN_DAYS), today):
            starts = datetime.combine(month.replace(day=rnd.randint(3, 25)), time(9), zone)
            if (org, starts) in existing:
                continue
            sessions.append(
                Session(
                    course=rnd.choice(courses),
                    organization_id=org,
                    trainer=rnd.choice(trainers),
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=3),
                    place=rnd.choice(("Training room 1", "一号培训室")),
                    capacity=max(len(people), 1) + 5,
                    enrolled_count=len(people),
                )
            )
    sessions = Session.objects.bulk_create(sessions, batch_size=CHUNK)
    extras.sessions += len(sessions)
    now = timezone.now()
    enrollments = []
    for session in sessions:
        held = session.ends_at < now
        for trainee in trainees[session.organization_id]:
            attended = held and rnd.random() < 0.85
            enrollments.append(
                Enrollment(
                    session=session,
                    trainee_id=trainee,
                    attended=attended,
                    passed=attended and rnd.random() < 0.9,
                    recorded_at=session.ends_at if held else None,
                )
            )
    extras.enrollments += len(Enrollment.objects.bulk_create(enrollments, batch_size=CHUNK))


def load_extras(*, seed: int = 1, log=None) -> Extras:
    """Parts used, inspections and training rows for the loaded tickets, in one
    transaction."""
    rnd = random.Random(seed)
    extras = Extras()
    today = timezone.localdate()
    with transaction.atomic():
        _parts_used(rnd, extras)
        _inspections(rnd, extras, today)
        _training(rnd, extras, today)
    if log:
        log(
            f"{extras.parts_used} parts used, {extras.inspections} inspections, "
            f"{extras.sessions} training sessions, {extras.enrollments} enrolments"
        )
    return extras
