"""Demo inspections: a checklist, a monthly plan for site A, a quarterly plan for site B,
one completed inspection with results and report for site A, and maintenance plans on
the critical PLC (firmware every 6 months, calibration every 3). Idempotent."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from assets.models import Downtime
from assets.services import planned_downtime_record

from .models import (
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionPlan,
    InspectionResult,
    MaintenancePlan,
)

Kind = ChecklistItem.Kind
PWF = Kind.PASS_WARN_FAIL
RUNNING, PERFORMANCE, SECURITY = (
    "System running state 系统运行状态",
    "Equipment performance 设备性能",
    "Data security 数据安全",
)
ITEMS = [
    # (order, section, kind, label, unit, min, max, required)
    (10, RUNNING, PWF, "Control system running normally 控制系统运行正常", "", None, None, True),
    (20, RUNNING, PWF, "Alarm log reviewed 告警日志已检查", "", None, None, True),
    (30, PERFORMANCE, Kind.NUMBER, "UPS battery voltage UPS电池电压", "V", "12.0", "14.4", True),
    (40, PERFORMANCE, Kind.NUMBER, "Cabinet temperature 机柜温度", "°C", "5", "40", True),
    (50, PERFORMANCE, PWF, "Fans and filters clean 风扇滤网清洁", "", None, None, True),
    (60, SECURITY, PWF, "Backups complete and restorable 备份完整可恢复", "", None, None, True),
    (70, SECURITY, PWF, "Accounts and passwords reviewed 账号口令已审查", "", None, None, True),
    (80, SECURITY, Kind.TEXT, "Software versions 软件版本", "", None, None, False),
    (
        90,
        "General 综合",
        Kind.PHOTO,
        "Photo of the control cabinet 控制柜照片",
        "",
        None,
        None,
        False,
    ),
]


def _template():
    template, _ = ChecklistTemplate.objects.get_or_create(
        name="Standard site inspection 标准现场巡检",
        defaults={"description": "System running state, equipment performance, data security."},
    )
    for order, section, kind, label, unit, low, high, required in ITEMS:
        ChecklistItem.objects.get_or_create(
            template=template,
            order=order,
            defaults={
                "section": section,
                "kind": kind,
                "label": label,
                "unit": unit,
                "required": required,
                "min_value": Decimal(low) if low else None,
                "max_value": Decimal(high) if high else None,
            },
        )
    return template


def _plan(name, *, site, contract, recurrence, anchor, engineer, template):
    plan, _ = InspectionPlan.objects.get_or_create(
        name=name,
        site=site,
        defaults={
            "contract": contract,
            "recurrence": recurrence,
            "anchor_date": anchor,
            "active_from": anchor,
            "default_engineer": engineer,
            "checklist_template": template,
        },
    )
    return plan


def _completed_inspection(plan, engineer, template):
    day = date(2026, 1, 15)
    inspection, created = Inspection.objects.get_or_create(
        plan=plan,
        scheduled_for=day,
        defaults={
            "site": plan.site,
            "checklist_template": template,
            "assignee": engineer,
            "service_center": plan.site.service_center,
            "status": Inspection.Status.COMPLETED,
            "findings": "UPS battery voltage slightly low. 电池电压偏低。",
            "recommendations": (
                "Replace the UPS battery string within a month. 建议一个月内更换电池组。"
            ),
        },
    )
    if not created:
        return inspection
    at = timezone.make_aware(timezone.datetime(2026, 1, 15, 15, 30))
    Inspection.objects.filter(pk=inspection.pk).update(
        started_at=at - timedelta(hours=2), completed_at=at, completed_on=day, report_sent_at=at
    )
    values = {30: Decimal("11.800"), 40: Decimal("27.000")}
    for item in template.items.all():
        value = values.get(item.order)
        out = item.is_out_of_limit(value)
        InspectionResult.objects.get_or_create(
            inspection=inspection,
            item=item,
            defaults={
                "outcome": InspectionResult.Outcome.WARNING if out else InspectionResult.Outcome.OK,
                "value": value,
                "out_of_limit": out,
                "recorded_by": engineer,
                "text": "PLC V2.9.1, SCADA 5.2" if item.kind == Kind.TEXT else "",
            },
        )
    return inspection


def _maintenance_window(unit):
    """One planned window (a calibration, ten days ago, two hours), so the availability
    figures show planned downtime; once."""
    if Downtime.objects.filter(equipment=unit, kind=Downtime.Kind.PLANNED).exists():
        return
    zone = ZoneInfo(unit.site.time_zone)
    day = timezone.localdate() - timedelta(days=10)
    start = datetime.combine(day, time(2), tzinfo=zone)
    planned_downtime_record(
        equipment=unit,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        actor=None,
        note="Calibration 参数校准",
    )


def seed(ctx):
    template = _template()
    engineer = ctx.users["engineer1"]
    monthly = _plan(
        "Site A monthly inspection 月度巡检",
        site=ctx["site_a"],
        contract=ctx["contract_a"],
        recurrence=InspectionPlan.Recurrence.MONTHLY,
        anchor=date(2026, 1, 15),
        engineer=engineer,
        template=template,
    )
    _plan(
        "Site B quarterly inspection 季度巡检",
        site=ctx["site_b"],
        contract=ctx["contract_b"],
        recurrence=InspectionPlan.Recurrence.QUARTERLY,
        anchor=date(2026, 2, 10),
        engineer=ctx.users["engineer2"],
        template=template,
    )
    ctx["inspection_plan_a"] = monthly
    ctx["inspection_a_completed"] = _completed_inspection(monthly, engineer, template)
    plc = ctx["equipment:a-plc-001"]
    _maintenance_window(plc)
    for kind, count, start in [
        (MaintenancePlan.TaskKind.FIRMWARE_UPDATE, 6, date(2026, 4, 1)),
        (MaintenancePlan.TaskKind.CALIBRATION, 3, date(2026, 3, 1)),
    ]:
        MaintenancePlan.objects.get_or_create(
            equipment=plc,
            task_kind=kind,
            defaults={
                "interval_count": count,
                "interval_unit": MaintenancePlan.IntervalUnit.MONTHS,
                "start_date": start,
                "assignee": engineer,
            },
        )
