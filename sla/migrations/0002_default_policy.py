"""The default business calendar (Mon–Fri 09:00–18:00 Asia/Shanghai, China's public
holidays and make-up working days 2025–2027 from the `holidays` package) and the
default SLA policy of DESIGN.md section 4.

"3 working days" for restoring a general fault is 27 business hours on that calendar
(3 × 9 h): a fault reported on Friday 17:00 is due the next Wednesday 17:00. Every
other target runs on the 24x7 clock (the hotline is 7×24). Idempotent: existing rows
are left as they are."""

from datetime import time, timedelta

from django.db import migrations

HOUR = timedelta(hours=1)
# metric -> {severity: (duration, clock)}
DEFAULT_TARGETS = {
    "triage": {s: (timedelta(minutes=15), "24x7") for s in ("major", "urgent", "general")},
    "response": {"major": (HOUR, "24x7"), "urgent": (HOUR, "24x7"), "general": (2 * HOUR, "24x7")},
    "departure": {"major": (2 * HOUR, "24x7"), "urgent": (2 * HOUR, "24x7"), "general": (4 * HOUR, "24x7")},
    "arrival": {"major": (2 * HOUR, "24x7"), "urgent": (4 * HOUR, "24x7"), "general": (8 * HOUR, "24x7")},
    "restore": {"major": (24 * HOUR, "24x7"), "urgent": (48 * HOUR, "24x7"), "general": (27 * HOUR, "business")},
    "follow_up": {s: (24 * HOUR, "24x7") for s in ("major", "urgent", "general")},
}
DEFAULT_CALENDAR = "China office hours"
DEFAULT_POLICY = "Default service plan"


def import_cn_days(calendar, CalendarDay, years=(2025, 2026, 2027)):
    import holidays

    from sla.calendar import holidays_from_package

    holiday_dates, workdays = holidays_from_package("CN", years)
    names = holidays.country_holidays("CN", years=list(years))
    for day in sorted(holiday_dates):
        CalendarDay.objects.get_or_create(calendar=calendar, date=day,
                                          defaults={"kind": "holiday", "name": names.get(day) or ""})
    for day in sorted(workdays):
        CalendarDay.objects.get_or_create(calendar=calendar, date=day,
                                          defaults={"kind": "workday", "name": "Make-up working day"})


def create_defaults(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    WorkingWindow = apps.get_model("sla", "WorkingWindow")
    CalendarDay = apps.get_model("sla", "CalendarDay")
    Policy = apps.get_model("sla", "Policy")
    Target = apps.get_model("sla", "Target")

    calendar = BusinessCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        calendar, created = BusinessCalendar.objects.get_or_create(
            name=DEFAULT_CALENDAR, defaults={"time_zone": "Asia/Shanghai", "is_default": True, "country": "CN"})
        if created:
            for weekday in range(5):
                WorkingWindow.objects.create(calendar=calendar, weekday=weekday, start=time(9), end=time(18))
            import_cn_days(calendar, CalendarDay)
    if Policy.objects.filter(is_default=True).exists():
        return
    policy, created = Policy.objects.get_or_create(
        name=DEFAULT_POLICY, defaults={"is_default": True, "calendar": calendar,
                                       "description": "Targets of the service plan (DESIGN.md section 4)."})
    if created:
        for metric, by_severity in DEFAULT_TARGETS.items():
            for severity, (duration, clock) in by_severity.items():
                Target.objects.create(policy=policy, metric=metric, severity=severity, duration=duration, clock=clock)


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
