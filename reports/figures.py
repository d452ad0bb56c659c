"""The figures of an operation report: one function per section, each over the
organisation's rows in [start, end) (every app's own definitions: sla.kpis for
compliance and remote resolution, assets.availability for availability, MTBF and
MTTR), and the recommendations drawn from them. docs/reports.md lists the sections."""

from collections import Counter
from datetime import datetime

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from accounts.models import Organization
from assets.models import Equipment
from assets.selectors import availability_summary
from inspections.models import Inspection, MaintenancePlan, MaintenanceTask
from sla import kpis
from spareparts.models import Movement
from tickets.models import Ticket
from training.models import Enrollment, TrainingObligation

# A unit with this many faults in the period is a repeated fault.
REPEATED_FAULTS = 2
# Below this availability a unit is named in the recommendations.
AVAILABILITY_GOAL = 0.99


def tickets_section(org: Organization, start: datetime, end: datetime) -> dict:
    tickets = Ticket.objects.filter(organization=org)
    f = kpis.Filters(start=start, end=end, organization=org.pk)
    reported = tickets.filter(reported_at__gte=start, reported_at__lt=end)
    by_severity = dict(
        reported.exclude(severity="").values_list("severity").annotate(n=Count("pk")).order_by()
    )
    figures = kpis.ticket_figures(tickets, f)
    clocks = kpis.clock_figures(kpis.period_clocks(tickets, f))
    labels = dict(Ticket.Severity.choices)
    return {
        "reported": figures["tickets_reported"],
        "by_severity": [
            {"severity": labels[s], "count": by_severity.get(s, 0)} for s in Ticket.Severity.values
        ],
        "untriaged": reported.filter(severity="").count(),
        "remote": figures["remote_resolution"],
        "ticket_mttr_hours": figures["mttr_hours"],
        "compliance": clocks["compliance"],
        "compliance_by_metric": [
            {**row, "label": str(dict(kpis.Metric.choices)[row["metric"]])}
            for row in clocks["compliance_by_metric"]
            if row["total"]
        ],
    }


def availability_section(org: Organization, start: datetime, end: datetime) -> dict:
    units = Equipment.objects.filter(site__organization=org)
    return availability_summary(units, start, end)


def inspections_section(org: Organization, start: datetime, end: datetime) -> dict:
    planned = Inspection.objects.filter(
        site__organization=org, scheduled_for__gte=start.date(), scheduled_for__lt=end.date()
    ).select_related("site")
    done = [i for i in planned if i.status == Inspection.Status.COMPLETED]
    return {
        "planned": len(planned),
        "done": len(done),
        "findings": [
            {
                "site": i.site.name,
                "date": i.scheduled_for,
                "findings": i.findings,
                "recommendations": i.recommendations,
            }
            for i in done
            if i.findings.strip() or i.recommendations.strip()
        ],
    }


def maintenance_section(org: Organization, start: datetime, end: datetime) -> dict:
    tasks = MaintenanceTask.objects.filter(
        equipment__site__organization=org,
        status=MaintenanceTask.Status.DONE,
        done_at__gte=start,
        done_at__lt=end,
    ).select_related("equipment")
    due = MaintenanceTask.objects.filter(
        equipment__site__organization=org, due_on__gte=start.date(), due_on__lt=end.date()
    ).count()
    counts = Counter(t.task_kind for t in tasks)
    labels = dict(MaintenancePlan.TaskKind.choices)
    return {
        "due": due,
        "done": len(tasks),
        "by_kind": [{"kind": labels[k], "count": counts.get(k, 0)} for k in labels],
        "tasks": [
            {
                "unit": t.equipment.name,
                "kind": t.get_task_kind_display(),
                "done_at": t.done_at,
                "version": t.new_firmware_version,
            }
            for t in tasks
        ],
    }


def parts_section(org: Organization, start: datetime, end: datetime) -> list[dict]:
    rows = (
        Movement.objects.filter(
            kind=Movement.Kind.ISSUE,
            ticket__organization=org,
            created_at__gte=start,
            created_at__lt=end,
        )
        .values("part__sku", "part__name", "part__unit")
        .annotate(quantity=Sum("quantity"))
        .order_by("part__sku")
    )
    return [
        {
            "sku": r["part__sku"],
            "name": r["part__name"],
            "unit": r["part__unit"],
            "quantity": r["quantity"],
        }
        for r in rows
    ]


def training_section(org: Organization, start: datetime, end: datetime) -> dict:
    obligations = TrainingObligation.objects.filter(organization=org).exclude(
        status=TrainingObligation.Status.CANCELLED
    )
    enrolments = Enrollment.objects.filter(
        session__organization=org, session__starts_at__gte=start, session__starts_at__lt=end
    )
    return {
        "obligations": [
            {"due_on": o.due_on, "status": o.get_status_display(), "open": o.status != "fulfilled"}
            for o in obligations.order_by("due_on")
        ],
        "enrolled": enrolments.exclude(status=Enrollment.Status.CANCELLED).count(),
        "attended": enrolments.filter(attended=True).count(),
    }


def recommendations(data: dict) -> list[str]:
    """Drawn from repeated faults, low availability, SLA misses, the remote rate,
    inspection findings, missed inspections and open training."""
    out = []
    for row in data["availability"]["units"]:
        if row["failures"] >= REPEATED_FAULTS:
            out.append(
                _(
                    "%(unit)s failed %(n)s times: analyse the root cause and consider "
                    "preventive replacement of the affected modules."
                )
                % {"unit": row["unit"].name, "n": row["failures"]}
            )
        availability = row["figures"].availability
        if availability is not None and availability < AVAILABILITY_GOAL:
            out.append(
                _(
                    "%(unit)s was available %(pct)s %% of the scheduled time: "
                    "review its spares and maintenance."
                )
                % {"unit": row["unit"].name, "pct": row["availability_pct"]}
            )
    tickets = data["tickets"]
    rate = tickets["compliance"]["rate"]
    if rate is not None and rate < 1:
        out.append(_("Some SLA targets were missed: review the escalations and on-site staffing."))
    remote = tickets["remote"]["rate"]
    if remote is not None and remote < kpis.REMOTE_GOAL:
        out.append(
            _(
                "Less than 80 percent of the faults were resolved remotely: "
                "extend remote access and operator training."
            )
        )
    inspections = data["inspections"]
    if inspections["done"] < inspections["planned"]:
        out.append(_("Not every planned inspection was carried out: catch up on the missed ones."))
    for finding in inspections["findings"]:
        if finding["recommendations"].strip():
            text = finding["recommendations"].strip()
            out.append(f"{finding['site']} ({finding['date']:%Y-%m-%d}): {text}")
    if any(o["open"] for o in data["training"]["obligations"]):
        out.append(_("Operator training is still open: book a session."))
    return out or [_("No action needed: keep the current maintenance plan.")]


SECTIONS = [
    ("tickets", tickets_section),
    ("availability", availability_section),
    ("inspections", inspections_section),
    ("maintenance", maintenance_section),
    ("parts", parts_section),
    ("training", training_section),
]
