"""Demo fault reports in every status, built through the services so their timelines,
visits, comments and the signed service confirmation are real. Idempotent: a ticket
is looked up by title and organisation before it is created."""

import io
import random
from contextlib import contextmanager
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from servicedesk import clock
from tickets import ports, services
from tickets.models import Ticket, Visit
from tickets.services.downtime import downtime_backfill

RESOLUTION = {
    "cause": "松动的电源端子 Loose power terminal on the I/O rack",
    "solution": "Re-tightened the terminal and replaced the damaged connector",
    "prevention": "Terminal torque check added to the monthly inspection",
}


def _signature() -> SimpleUploadedFile:
    image = Image.new("RGB", (300, 100), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(20, 70), (80, 30), (140, 75), (200, 25), (270, 60)], fill="navy", width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("signature.png", buffer.getvalue(), content_type="image/png")


def _report(ctx, title, description, *, equipment, customer=True, **extra):
    org = ctx["org_a"]
    existing = Ticket.objects.filter(title=title, organization=org).first()
    if existing is not None:
        return existing, False
    actor = ctx.users["customer_a"] if customer else ctx.users["dispatcher"]
    ticket = services.ticket_create(
        actor=actor,
        organization=org,
        site=equipment.site,
        equipment=equipment,
        title=title,
        description=description,
        channel="portal" if customer else "phone",
        contact_name="王芳",
        contact_phone="+86 512 6666 0001",
        **extra,
    )
    return ticket, True


def _visit_done(ctx, ticket, engineer):
    visit = services.ticket_dispatch(
        ticket=ticket, actor=ctx.users["dispatcher"], engineer=engineer
    )
    visit = services.visit_depart(visit=visit, actor=engineer)
    visit = services.visit_check_in(
        visit=visit, actor=engineer, latitude="31.299400", longitude="120.585300"
    )
    notes = {
        "diagnosis": "I/O 机架电源端子松动 Terminal X1 loose",
        "plan": "Power down rack 2, replace connector",
        "implementation": "Connector replaced, terminals torqued",
        "test": "24 h signal test passed",
        "acceptance": "Operator confirmed normal operation",
    }
    for phase in Visit.PHASE_ORDER:
        services.visit_record_phase(visit=visit, actor=engineer, phase=phase, notes=notes[phase])
    visit = services.visit_sign(
        visit=Visit.objects.get(pk=visit.pk),
        actor=ctx.users["customer_a"],
        signer_name="王芳",
        signature=_signature(),
    )
    return services.visit_complete(
        visit=visit, actor=engineer, work_summary="Connector replaced; system normal."
    )


def seed(ctx):
    users = ctx.users
    dispatcher, engineer1, engineer2 = users["dispatcher"], users["engineer1"], users["engineer2"]
    plc, ups = ctx["equipment:a-plc-001"], ctx["equipment:a-ups-001"]

    ticket, _ = _report(
        ctx,
        "信号控制器报警 Signalling PLC alarm",
        "PLC shows fault LED since 07:40.",
        equipment=plc,
        impact="Depot signalling",
        urgency="high",
    )
    ctx["ticket:new"] = ticket

    ticket, created = _report(
        ctx,
        "UPS battery warning",
        "UPS reports battery test failed.",
        equipment=ups,
        customer=False,
    )
    if created:
        ticket = services.ticket_triage(
            ticket=ticket, actor=dispatcher, severity="general", assignee=engineer2
        )
    ctx["ticket:triaged"] = ticket

    ticket, created = _report(
        ctx, "HMI screen frozen", "The operator HMI freezes every few hours.", equipment=plc
    )
    if created:
        ticket = services.ticket_triage(
            ticket=ticket, actor=dispatcher, severity="urgent", assignee=engineer1
        )
        ticket = services.ticket_respond(
            ticket=ticket, actor=engineer1, note="Remote session booked"
        )
        services.comment_add(
            ticket=ticket,
            author=engineer1,
            body="Log shows memory leak in HMI runtime",
            internal=True,
        )
        services.comment_add(
            ticket=ticket,
            author=engineer1,
            body="我们正在远程分析日志。Analysing the logs remotely.",
        )
    ctx["ticket:in_progress"] = ticket

    ticket, created = _report(
        ctx, "Network switch port flapping", "Port 12 goes up and down.", equipment=plc
    )
    if created:
        ticket = services.ticket_triage(
            ticket=ticket, actor=dispatcher, severity="general", assignee=engineer1
        )
        ticket = services.ticket_respond(ticket=ticket, actor=engineer1)
        ticket = services.ticket_wait_customer(
            ticket=ticket, actor=engineer1, reason="Please send a photo of port 12"
        )
    ctx["ticket:waiting_customer"] = ticket

    ticket, created = _report(
        ctx, "Cabinet fan noise", "Loud fan noise in cabinet 3.", equipment=plc
    )
    if created:
        ticket = services.ticket_triage(
            ticket=ticket, actor=dispatcher, severity="general", assignee=engineer2
        )
        ticket = services.ticket_respond(ticket=ticket, actor=engineer2)
        visit = services.ticket_dispatch(ticket=ticket, actor=dispatcher, engineer=engineer2)
        services.visit_depart(visit=visit, actor=engineer2)
    ctx["ticket:onsite"] = ticket

    ticket, created = _report(
        ctx, "Alarm e-mails not sent", "SCADA alarm e-mails stopped.", equipment=plc
    )
    if created:
        ticket = services.ticket_triage(
            ticket=ticket, actor=dispatcher, severity="general", assignee=engineer1
        )
        ticket = services.ticket_respond(ticket=ticket, actor=engineer1)
        ticket = services.ticket_resolve(
            ticket=ticket,
            actor=engineer1,
            resolution="remote",
            cause="Expired SMTP password",
            solution="Password renewed remotely",
            prevention="Password expiry reminder set",
        )
    ctx["ticket:resolved"] = ticket

    ticket, created = _report(
        ctx,
        "I/O 机架失电 I/O rack power loss",
        "Rack 2 lost power, trains held at depot.",
        equipment=plc,
        impact="Depot exit blocked",
        urgency="high",
    )
    if created:
        ticket = services.ticket_triage(
            ticket=ticket, actor=dispatcher, severity="major", assignee=engineer1
        )
        ticket = services.ticket_respond(
            ticket=ticket, actor=engineer1, note="Remote check: rack 2 unpowered"
        )
        _visit_done(ctx, ticket, engineer1)
        ticket = services.ticket_resolve(
            ticket=Ticket.objects.get(pk=ticket.pk),
            actor=engineer1,
            resolution="onsite",
            **RESOLUTION,
        )
        ticket = services.ticket_accept(ticket=ticket, actor=users["customer_a"])
        ticket = services.ticket_follow_up(
            ticket=ticket,
            actor=dispatcher,
            recurred=False,
            satisfaction=5,
            note="No recurrence; customer satisfied",
        )
    ctx["ticket:closed"] = ticket

    ticket, created = _report(
        ctx, "Duplicate: PLC alarm", "Reported twice by mistake.", equipment=plc
    )
    if created:
        ticket = services.ticket_cancel(
            ticket=ticket, actor=users["customer_a"], reason="Duplicate report"
        )
    ctx["ticket:cancelled"] = ticket
    seed_history(ctx)
    # A database seeded before the downtime spans existed gets them now (idempotent).
    downtime_backfill()


# --- Eight weeks of closed cases, so the SLA dashboard has trends to show -----------
HISTORY_WEEKS = 8
HISTORY_FAULTS = [
    ("Controller alarm E{n}", "The controller raised alarm E{n}; the line stopped."),
    ("Communication loss #{n}", "No data from the remote I/O since this morning."),
    ("UPS on battery #{n}", "The UPS switched to battery without a mains failure."),
    ("HMI unresponsive #{n}", "Operator screen stopped responding."),
]


def _minutes(rng, low, high):
    return timedelta(minutes=rng.randint(low, high))


@contextmanager
def _past(at):
    """Services run at `at`, after the sweep has recorded what its minute-by-minute
    runs would have by then (breaches of the clocks that ran late)."""
    with clock.at(at):
        ports.sla_sweep(now=at)
        yield


def _history_case(ctx, n, reported, unit, customer):
    """One fault through the real services at past instants: mostly on time, some
    late; three in four resolved remotely, the rest on site; followed up and closed."""
    rng = random.Random(n)  # per case: a case already there leaves the others' draws alone
    users = ctx.users
    dispatcher, engineer = users["dispatcher"], users[rng.choice(["engineer1", "engineer2"])]
    title, description = rng.choice(HISTORY_FAULTS)
    title = f"{title.format(n=n)} (history)"
    if Ticket.objects.filter(title=title, organization=unit.site.organization).exists():
        return
    at = reported
    with _past(at):
        ticket = services.ticket_create(
            actor=customer,
            organization=unit.site.organization,
            site=unit.site,
            equipment=unit,
            title=title,
            description=description.format(n=n),
            channel=rng.choice(["portal", "portal", "phone", "email"]),
        )
    at += _minutes(rng, 3, 12) if rng.random() < 0.85 else _minutes(rng, 18, 40)
    with _past(at):
        ticket = services.ticket_triage(
            ticket=ticket,
            actor=dispatcher,
            assignee=engineer,
            severity=rng.choices(["major", "urgent", "general"], [2, 3, 5])[0],
        )
    at += _minutes(rng, 8, 45) if rng.random() < 0.9 else _minutes(rng, 65, 110)
    with _past(at):
        ticket = services.ticket_respond(
            ticket=ticket, actor=engineer, note="Remote session opened"
        )
    if rng.random() < 0.75:
        at += _minutes(rng, 40, 20 * 60)
        resolution = "remote"
    else:
        resolution = "onsite"
        at += _minutes(rng, 10, 30)
        with _past(at):
            visit = services.ticket_dispatch(ticket=ticket, actor=dispatcher, engineer=engineer)
        at += _minutes(rng, 10, 40)
        with _past(at):
            visit = services.visit_depart(visit=visit, actor=engineer)
        at += _minutes(rng, 40, 200)
        with _past(at):
            visit = services.visit_check_in(visit=visit, actor=engineer)
        for phase in Visit.PHASE_ORDER:
            at += _minutes(rng, 10, 50)
            with _past(at):
                services.visit_record_phase(
                    visit=visit, actor=engineer, phase=phase, notes=f"{phase}: done"
                )
        at += _minutes(rng, 2, 10)
        with _past(at):
            visit = services.visit_sign(
                visit=Visit.objects.get(pk=visit.pk),
                actor=customer,
                signer_name=customer.get_full_name() or customer.username,
                signature=_signature(),
            )
            visit = services.visit_complete(
                visit=visit, actor=engineer, work_summary="Repaired and tested."
            )
        at += _minutes(rng, 5, 20)
    with _past(at):
        ticket = services.ticket_resolve(
            ticket=Ticket.objects.get(pk=ticket.pk),
            actor=engineer,
            resolution=resolution,
            cause="Worn component",
            solution="Replaced and tested",
            prevention="Added to the preventive maintenance checklist",
        )
    at += _minutes(rng, 60, 20 * 60) if rng.random() < 0.9 else _minutes(rng, 25 * 60, 30 * 60)
    with _past(at):
        services.ticket_follow_up(
            ticket=ticket,
            actor=dispatcher,
            recurred=False,
            satisfaction=rng.choice([4, 5, 5]),
            note="Customer confirmed normal operation",
        )


def seed_history(ctx):
    """Four or five faults a week for the last eight weeks, seeded so every run builds
    the same cases (and a second run none)."""
    rng = random.Random(20261124)
    units = [
        ctx["equipment:a-plc-001"],
        ctx["equipment:a-ups-001"],
        ctx["equipment:a-plc-002"],
        ctx["equipment:b-plc-001"],
        ctx["equipment:b-ups-001"],
    ]
    start = timezone.now() - timedelta(weeks=HISTORY_WEEKS, days=3)  # the last case closes days ago
    n = 0
    for week in range(HISTORY_WEEKS):
        for _ in range(rng.randint(4, 5)):
            n += 1
            reported = start + timedelta(weeks=week, minutes=rng.randint(0, 5 * 24 * 60))
            unit = rng.choice(units)
            customer = ctx.users[
                "customer_a" if unit.site.organization_id == ctx["org_a"].pk else "customer_b"
            ]
            _history_case(ctx, n, reported, unit, customer)
