from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import TIME_ZONE_CHOICES, Organization, ServiceCenter
from servicedesk.models import TimeStampedModel


class Site(TimeStampedModel):
    """A customer's project location, covered by one responsible service centre."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="sites"
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    address = models.TextField(_("address"), blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("responsible service centre"),
        on_delete=models.PROTECT,
        related_name="sites",
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Shanghai"
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization__name", "name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="assets_site_unique_name_per_org"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="assets_site_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="assets_site_longitude_range",
            ),
        ]

    def __str__(self):
        return self.name


class EquipmentModel(TimeStampedModel):
    manufacturer = models.CharField(_("manufacturer"), max_length=200)
    model_number = models.CharField(_("model number"), max_length=100)
    category = models.CharField(_("category"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    vendor_name = models.CharField(_("vendor support"), max_length=200, blank=True)
    vendor_contact = models.CharField(_("vendor support contact"), max_length=300, blank=True)
    vendor_email = models.EmailField(_("vendor support e-mail"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["manufacturer", "model_number"]
        verbose_name = _("equipment model")
        verbose_name_plural = _("equipment models")
        constraints = [
            models.UniqueConstraint(
                fields=["manufacturer", "model_number"], name="assets_equipmentmodel_unique_number"
            ),
        ]

    def __str__(self):
        return f"{self.manufacturer} {self.model_number}"


class Equipment(TimeStampedModel):
    """An installed unit at a site."""

    class Status(models.TextChoices):
        OPERATIONAL = "operational", _("operational")
        DEGRADED = "degraded", _("degraded")
        DOWN = "down", _("down")

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="equipment"
    )
    equipment_model = models.ForeignKey(
        EquipmentModel, verbose_name=_("model"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("name"), max_length=200)
    serial_number = models.CharField(_("serial number"), max_length=100, unique=True)
    firmware_version = models.CharField(_("firmware version"), max_length=100, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    warranty_end = models.DateField(_("warranty ends"), null=True, blank=True)
    critical = models.BooleanField(
        _("critical"),
        default=False,
        help_text=_("Key equipment or core module: preventive maintenance applies."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPERATIONAL
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["site__name", "name"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")

    def __str__(self):
        return f"{self.name} ({self.serial_number})"


class ServiceContract(TimeStampedModel):
    class InspectionFrequency(models.TextChoices):
        NONE = "none", _("none")
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    number = models.CharField(_("contract number"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    sites = models.ManyToManyField(
        Site, verbose_name=_("covered sites"), related_name="contracts", blank=True
    )
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"))
    delivery_date = models.DateField(
        _("delivery date"),
        null=True,
        blank=True,
        help_text=_("Project hand-over; training falls due a month later."),
    )
    inspection_frequency = models.CharField(
        _("inspection frequency"),
        max_length=20,
        choices=InspectionFrequency.choices,
        default=InspectionFrequency.QUARTERLY,
    )
    training_entitlement = models.PositiveIntegerField(
        _("training entitlement"), default=0, help_text=_("Operator training places included.")
    )
    notes = models.TextField(_("notes"), blank=True)
    sla_policy = models.ForeignKey(
        "sla.Policy",
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
        help_text=_("Empty: the default SLA policy applies."),
    )
    history = HistoricalRecords(m2m_fields=[sites])

    class Meta:
        ordering = ["-starts_on", "number"]
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="assets_contract_valid_period"
            ),
        ]

    def __str__(self):
        return self.number


class ServiceTeam(TimeStampedModel):
    """The dedicated team of a contract (service plan: five or more, led by a senior
    engineer). Its members are the customer's contacts and come first when a fault
    report of a covered site is assigned or escalated."""

    contract = models.OneToOneField(
        ServiceContract,
        verbose_name=_("service contract"),
        on_delete=models.CASCADE,
        related_name="team",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service team")
        verbose_name_plural = _("service teams")

    def __str__(self):
        return self.name or str(self.contract)


class ServiceTeamMember(TimeStampedModel):
    class Role(models.TextChoices):
        LEAD = "lead", _("team lead")
        MEMBER = "member", _("member")

    team = models.ForeignKey(
        ServiceTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="team_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    history = HistoricalRecords()

    class Meta:
        ordering = ["team", "role", "user__username"]  # "lead" sorts before "member"
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="assets_teammember_unique_user"),
            # A team has at most one lead (the warnings flag a team without one).
            models.UniqueConstraint(
                fields=["team"], condition=Q(role="lead"), name="assets_teammember_one_lead"
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class Downtime(TimeStampedModel):
    """A span in which a unit was not fully available: unplanned (a fault, from its
    report to its resolution; written by the ticket services in the ticket's
    transaction) or planned (a maintenance window). An open span has no `ended_at`.
    Availability, MTBF and MTTR are computed from these rows (assets.availability)."""

    class Kind(models.TextChoices):
        UNPLANNED = "unplanned", _("unplanned")
        PLANNED = "planned", _("planned")

    class Impact(models.TextChoices):
        DOWN = "down", _("down")
        DEGRADED = "degraded", _("degraded")

    equipment = models.ForeignKey(
        Equipment, verbose_name=_("equipment"), on_delete=models.CASCADE, related_name="downtimes"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    impact = models.CharField(_("impact"), max_length=10, choices=Impact.choices)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # The fault report behind an unplanned span: tickets sit above assets, so an id and
    # the human number rather than a foreign key (docs/architecture.md).
    ticket_id = models.PositiveIntegerField(_("fault report id"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=50, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("downtime")
        verbose_name_plural = _("downtimes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="assets_downtime_ends_after_start",
            ),
            # A planned window has an end; only a fault may still be open.
            models.CheckConstraint(
                condition=Q(kind="unplanned") | Q(ended_at__isnull=False),
                name="assets_downtime_planned_has_end",
            ),
        ]
        indexes = [
            # availability(): a unit's spans overlapping a period.
            models.Index(fields=["equipment", "started_at"], name="assets_downtime_unit_start"),
            # The ticket services find the spans of one fault report.
            models.Index(fields=["ticket_id"], name="assets_downtime_ticket"),
        ]

    def __str__(self):
        return f"{self.equipment} · {self.get_kind_display()} · {self.started_at:%Y-%m-%d %H:%M}"
