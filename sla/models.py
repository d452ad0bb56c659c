"""SLA configuration (business calendars, policies and their targets) and the clocks
that run per ticket and metric.

A clock copies its target (duration, clock kind, calendar, warning ratio) when it is
started or re-targeted, so editing a policy never moves the deadlines of tickets
already running; it only applies to clocks started or re-targeted afterwards."""

from datetime import time, timedelta
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import TIME_ZONE_CHOICES
from servicedesk.models import TimeStampedModel
from tickets.models import Ticket, Visit


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessCalendar(TimeStampedModel):
    """Working hours in a time zone, with public holidays and make-up working days."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Shanghai"
    )
    is_default = models.BooleanField(_("default"), default=False)
    country = models.CharField(
        _("holiday country"),
        max_length=10,
        blank=True,
        default="CN",
        help_text=_("ISO country code whose public holidays the import action reads (e.g. CN)."),
    )
    subdivision = models.CharField(_("holiday subdivision"), max_length=10, blank=True)
    covered_through = models.DateField(
        _("holidays known through"),
        null=True,
        blank=True,
        help_text=_(
            "The last date whose public holidays and make-up days the calendar holds. A business "
            "clock due after it is flagged: its due time may move once the holidays are known."
        ),
    )
    # The coverage end the managers were last warned about (90 days ahead), so the
    # scheduled check warns once per coverage end.
    coverage_notice_for = models.DateField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            # New policies and contracts without a calendar fall back to the one default.
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="sla_businesscalendar_one_default",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sla:calendar", args=[self.pk])


class WorkingWindow(models.Model):
    """One stretch of working time on a weekday; a lunch break is two windows.
    An end of 00:00 means midnight at the end of the day."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("working window")
        verbose_name_plural = _("working windows")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="sla_workingwindow_weekday"
            ),
            # A window ends after it starts (00:00 as the end is midnight).
            models.CheckConstraint(
                condition=Q(end__gt=F("start")) | Q(end=time(0)),
                name="sla_workingwindow_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class CalendarDay(models.Model):
    """A date that departs from the week: a public holiday, or a make-up working day
    (China's 调休: a weekend day worked in exchange for a longer holiday)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("holiday")
        WORKDAY = "workday", _("make-up working day")

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            # A date is either a holiday or a make-up day, never both.
            models.UniqueConstraint(
                fields=["calendar", "date"], name="sla_calendarday_unique_date"
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class Metric(models.TextChoices):
    TRIAGE = "triage", _("triage")
    RESPONSE = "response", _("response")
    DEPARTURE = "departure", _("departure")
    ARRIVAL = "arrival", _("on-site arrival")
    RESTORE = "restore", _("restore")
    FOLLOW_UP = "follow_up", _("follow-up")


class ClockKind(models.TextChoices):
    ALWAYS = "24x7", _("24x7 (calendar time)")
    BUSINESS = "business", _("business hours")


class Impact(models.TextChoices):
    DOWN = "down", _("down")
    DEGRADED = "degraded", _("degraded")
    NONE = "none", _("fully available")


class Policy(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(
        _("default"),
        default=False,
        help_text=_("Applies to tickets whose contract names no policy."),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("business calendar"),
        on_delete=models.PROTECT,
        related_name="policies",
        help_text=_("The working hours of the targets on a business clock."),
    )
    # What an open fault of each severity does to its unit's status and availability,
    # from report to resolution (assets.Downtime; docs/availability.md).
    major_impact = models.CharField(
        _("a major fault makes the unit"), max_length=10, choices=Impact.choices, default="down"
    )
    urgent_impact = models.CharField(
        _("an urgent fault makes the unit"),
        max_length=10,
        choices=Impact.choices,
        default="degraded",
    )
    general_impact = models.CharField(
        _("a general fault makes the unit"), max_length=10, choices=Impact.choices, default="none"
    )
    history = HistoricalRecords()

    def impact_of(self, severity: str) -> str:
        """The unit's impact of an open fault of `severity` ('' when none)."""
        impact = getattr(self, f"{severity}_impact", Impact.NONE) if severity else Impact.NONE
        return "" if impact == Impact.NONE else impact

    class Meta:
        ordering = ["name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            # Tickets without a contract policy use the one default policy.
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="sla_policy_one_default"
            ),
        ]

    def __str__(self):
        return self.name


class Target(TimeStampedModel):
    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="targets"
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Ticket.Severity.choices)
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    duration = models.DurationField(
        _("target"), help_text=_("e.g. 01:00:00 for one hour, 1 03:00:00 for 27 hours.")
    )
    clock = models.CharField(
        _("clock"), max_length=10, choices=ClockKind.choices, default=ClockKind.ALWAYS
    )
    warning_ratio = models.DecimalField(
        _("warning point"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
        help_text=_("Share of the target after which the dispatchers are warned (0.8 = 80%)."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["policy", "metric", "severity"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "severity", "metric"], name="sla_target_unique_metric"
            ),
            models.CheckConstraint(
                condition=Q(duration__gt=timedelta(0)), name="sla_target_positive_duration"
            ),
            # A warning after the due time (or at 0%) would be meaningless.
            models.CheckConstraint(
                condition=Q(warning_ratio__gt=0, warning_ratio__lt=1),
                name="sla_target_warning_ratio_range",
            ),
        ]

    def __str__(self):
        return f"{self.policy} · {self.get_metric_display()} · {self.get_severity_display()}"


class Clock(TimeStampedModel):
    """One SLA clock of a ticket. `due_at` and `warn_at` are where counted time (time on
    the clock's calendar, pauses left out) reaches the target and its warning point.
    `breached` is sticky: a clock met late, or met after its breach, stays breached."""

    class State(models.TextChoices):
        RUNNING = "running", _("running")
        PAUSED = "paused", _("paused")
        BREACHED = "breached", _("breached")  # still open, past due
        MET = "met", _("met")
        STOPPED = (
            "stopped",
            _("stopped"),
        )  # no longer applies (cancelled, closed, resolved without a visit)

    OPEN_STATES = (State.RUNNING, State.PAUSED, State.BREACHED)

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_clocks")
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    # Rounds of one metric on one ticket: each resolution starts a new follow-up round,
    # each dispatched visit its own departure (and, once the report's arrival clock is
    # decided, its own arrival) clock. Earlier rounds stay as they were decided.
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="sla_clocks"
    )
    policy = models.ForeignKey(
        Policy, null=True, blank=True, on_delete=models.SET_NULL, related_name="clocks"
    )
    severity = models.CharField(
        _("severity"),
        max_length=10,
        choices=Ticket.Severity.choices,
        blank=True,
        help_text=_("The severity whose target the clock runs on (empty before triage)."),
    )
    duration = models.DurationField(_("target"))
    clock_kind = models.CharField(_("clock"), max_length=10, choices=ClockKind.choices)
    calendar = models.ForeignKey(
        BusinessCalendar, null=True, blank=True, on_delete=models.PROTECT, related_name="clocks"
    )
    warning_ratio = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0.80"))
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    warn_at = models.DateTimeField(_("warning at"))
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_total = models.DurationField(
        _("paused"),
        default=timedelta,
        help_text=_("Clock time left out by pauses (business time on a business clock)."),
    )
    # Closed pauses as [[start, end], ...] ISO instants: due times are recomputed from
    # them exactly (a severity change, a resume, a reopen).
    pauses = models.JSONField(default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.RUNNING
    )
    breached = models.BooleanField(_("breached"), default=False)
    beyond_coverage = models.BooleanField(
        _("beyond holiday data"),
        default=False,
        help_text=_(
            "A business clock whose target runs past the dates its calendar has holidays for."
        ),
    )
    # Stage claims of the sweep: set once by a conditional UPDATE, so each stage is
    # notified exactly once.
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breach recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "metric", "round"], name="sla_clock_unique_round"
            ),
            models.CheckConstraint(
                condition=Q(warn_at__lte=F("due_at")), name="sla_clock_warning_before_due"
            ),
            # The met time is set exactly when the clock is met.
            models.CheckConstraint(
                condition=Q(state="met", met_at__isnull=False)
                | (~Q(state="met") & Q(met_at__isnull=True)),
                name="sla_clock_met_has_met_at",
            ),
            models.CheckConstraint(
                condition=Q(state="paused", paused_at__isnull=False)
                | (~Q(state="paused") & Q(paused_at__isnull=True)),
                name="sla_clock_paused_has_paused_at",
            ),
        ]
        indexes = [
            # The sweep's breach scan:
            #   SELECT id FROM sla_clock WHERE state = 'running' AND due_at <= now ORDER BY due_at
            # LIMIT 500
            # Running clocks only, so the index stays as small as the open work.
            models.Index(
                fields=["due_at"], condition=Q(state="running"), name="sla_clock_running_due_idx"
            ),
            # The sweep's warning scan:
            #   SELECT id FROM sla_clock WHERE state = 'running' AND warned_at IS NULL AND warn_at
            # <= now
            #   ORDER BY warn_at LIMIT 500
            models.Index(
                fields=["warn_at"],
                condition=Q(state="running", warned_at__isnull=True),
                name="sla_clock_running_warn_idx",
            ),
            # The dashboard's clock figures join the period's tickets to their clocks: the
            # columns they group by come from the index alone (index-only scans).
            models.Index(
                fields=["ticket"],
                include=["metric", "state", "breached"],
                name="sla_clock_ticket_cover_idx",
            ),
            # The dashboard's "clocks due past their calendar's holiday data" count:
            # open clocks flagged beyond coverage only (usually none), not all clocks.
            models.Index(
                fields=["ticket"],
                condition=Q(beyond_coverage=True, state__in=["running", "paused", "breached"]),
                name="sla_clock_beyond_coverage_idx",
            ),
        ]

    def __str__(self):
        suffix = f" #{self.round}" if self.round > 1 else ""
        return f"{self.ticket.number} · {self.get_metric_display()}{suffix}"

    def get_absolute_url(self):
        return reverse("tickets:detail", args=[self.ticket_id])

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class DailyFact(models.Model):
    """What the SLA dashboard counts, summed per local day (settings.TIME_ZONE) and the
    dimensions it filters and groups by, so a period costs its days, not its tickets
    (sla/facts.py keeps them, docs/sla.md "Daily facts"). Rows are added, never
    updated: a ticket's change appends the difference (`fresh`), and `facts.compact`
    folds a day's rows into one per key. The dashboard sums whatever is there."""

    class Fact(models.TextChoices):
        # Internal (never shown), so not translated.
        REPORTED = "reported"  # per ticket, on its report day
        RESOLVED = "resolved"  # per ticket, on its resolution day
        CLOCK = "clock"  # per clock, on its ticket's report day
        FAILURE = "failure"  # per fault not cancelled, for MTBF
        MISS = "miss"  # per breached clock, with the engineer (state: stopped or "")

    id = models.BigAutoField(primary_key=True)
    fact = models.CharField(max_length=8, choices=Fact.choices)
    day = models.DateField()
    resolved_day = models.DateField(null=True, blank=True)
    # No database constraints: a fact outlives nothing it names, and a deleted row
    # must not wait for the dashboard's table.
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    site = models.ForeignKey(
        "assets.Site", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    equipment = models.ForeignKey(
        "assets.Equipment",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    assignee = models.ForeignKey(
        "accounts.User",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    severity = models.CharField(max_length=10, blank=True)
    metric = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=10, blank=True)
    breached = models.BooleanField(default=False)
    n = models.IntegerField(default=0)
    triageable = models.IntegerField(default=0)
    triaged_fast = models.IntegerField(default=0)
    faults = models.IntegerField(default=0)
    remote = models.IntegerField(default=0)
    followed_up = models.IntegerField(default=0)
    repaired = models.IntegerField(default=0)
    # Sums of microseconds: report → resolution, and (failures) the report and
    # resolution instants since the epoch, from which MTBF's downtime is exact.
    repair_us = models.BigIntegerField(default=0)
    reported_us = models.BigIntegerField(default=0)
    resolved_us = models.BigIntegerField(default=0)
    fresh = models.BooleanField(default=True)
    # A row of the monthly roll-up (`facts.roll_up`): `day` is the month's first day and
    # the row sums the month's folded (not fresh) daily rows of its key. Kept by
    # `facts.compact`/`rebuild` only; the dashboard reads it for the whole months of a
    # period and the daily rows for the rest (docs/sla.md "Daily facts").
    monthly = models.BooleanField(default=False, db_default=False)

    class Meta:
        indexes = [
            # Every dashboard query: WHERE fact = … AND (monthly AND day in the whole
            # months OR NOT monthly AND day in the other days) (+ filters); compaction
            # and the roll-up name every fact to use it too.
            models.Index(fields=["fact", "monthly", "day"], name="sla_dailyfact_fact_span_idx"),
            # facts.compact: the days that have rows not folded yet.
            models.Index(fields=["day"], condition=Q(fresh=True), name="sla_dailyfact_fresh_idx"),
        ]

    def __str__(self):
        return f"{self.fact} {self.day} ×{self.n}"


class TicketFacts(models.Model):
    """What a ticket last added to the daily facts (sla/facts.py `Source`, as JSON): its
    next change subtracts exactly this, whatever changed in between."""

    ticket = models.OneToOneField(
        Ticket, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    source = models.JSONField()

    def __str__(self):
        return f"facts of ticket {self.ticket_id}"
