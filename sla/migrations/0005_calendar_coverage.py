"""Calendar coverage: the last date each calendar has holiday data for (the last year
of its days that the holidays package knows officially, so China's 2027 without its
notice does not count), and a flag on business clocks due past it."""

import datetime

from django.db import migrations, models


def set_coverage(apps, schema_editor):
    from sla.calendar import package_knows

    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    for calendar in BusinessCalendar.objects.all():
        years = sorted(set(calendar.days.values_list("date__year", flat=True)))
        covered = None
        for year in years:
            try:
                known = bool(calendar.country) and package_knows(calendar.country, year,
                                                                 calendar.subdivision or None)
            except ValueError:
                known = False
            if not known or (covered is not None and year != covered + 1):
                break
            covered = year
        if covered is not None:
            calendar.covered_through = datetime.date(covered, 12, 31)
            calendar.save(update_fields=["covered_through"])


class Migration(migrations.Migration):

    dependencies = [
        ("sla", "0004_clock_rounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="businesscalendar",
            name="covered_through",
            field=models.DateField(blank=True, help_text="The last date whose public holidays and make-up days the calendar holds. A business clock due after it is flagged: its due time may move once the holidays are known.", null=True, verbose_name="holidays known through"),
        ),
        migrations.AddField(
            model_name="businesscalendar",
            name="coverage_notice_for",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalbusinesscalendar",
            name="covered_through",
            field=models.DateField(blank=True, help_text="The last date whose public holidays and make-up days the calendar holds. A business clock due after it is flagged: its due time may move once the holidays are known.", null=True, verbose_name="holidays known through"),
        ),
        migrations.AddField(
            model_name="historicalbusinesscalendar",
            name="coverage_notice_for",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="clock",
            name="beyond_coverage",
            field=models.BooleanField(default=False, help_text="A business clock whose target runs past the dates its calendar has holidays for.", verbose_name="beyond holiday data"),
        ),
        migrations.RunPython(set_coverage, migrations.RunPython.noop),
    ]
