"""Spare parts: the catalogue, a stockroom per service centre, stock levels and the
append-only movement ledger every level is the sum of (DESIGN.md section 6).

Levels are only ever changed by spareparts.services, with a conditional UPDATE
whose WHERE clause states the rule (never read-modify-write in Python), in the same
transaction as the Movement row that explains the change. The CheckConstraints below
are the last line of defence under concurrent requests."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import ServiceCenter
from assets.models import EquipmentModel
from servicedesk.models import TimeStampedModel


class Part(TimeStampedModel):
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(
        _("unit"), max_length=20, default="pcs", help_text=_("pcs, m, kg, set…")
    )
    compatible_models = models.ManyToManyField(
        EquipmentModel,
        verbose_name=_("compatible equipment models"),
        blank=True,
        related_name="compatible_parts",
    )
    critical = models.BooleanField(
        _("critical"), default=False, help_text=_("Keep in stock: a repair waits on it.")
    )
    vendor = models.CharField(_("vendor"), max_length=200, blank=True)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=12, decimal_places=2, default=0)
    lead_time_days = models.PositiveSmallIntegerField(
        _("lead time (days)"),
        default=14,
        help_text=_("Sets the expected date of a procurement request."),
    )
    history = HistoricalRecords(m2m_fields=[compatible_models])

    class Meta:
        ordering = ["sku"]
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0), name="spareparts_part_unit_cost_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.sku} {self.name}"


class Stockroom(TimeStampedModel):
    """The warehouse of one service centre."""

    service_center = models.OneToOneField(
        ServiceCenter,
        verbose_name=_("service centre"),
        on_delete=models.PROTECT,
        related_name="stockroom",
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("stockroom")
        verbose_name_plural = _("stockrooms")

    def __str__(self):
        return self.name


class Stock(TimeStampedModel):
    """The level of one part in one stockroom. `on_hand` counts what is on the shelf,
    `reserved` the part of it promised to tickets and visits."""

    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="stock"
    )
    stockroom = models.ForeignKey(
        Stockroom, verbose_name=_("stockroom"), on_delete=models.PROTECT, related_name="stock"
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    minimum = models.PositiveIntegerField(_("minimum"), default=0)
    reorder_point = models.PositiveIntegerField(
        _("reorder point"),
        default=0,
        help_text=_("A procurement request is raised when availability falls under it."),
    )
    reorder_quantity = models.PositiveIntegerField(_("reorder quantity"), default=0)
    # The thresholds' changes (the levels move by conditional UPDATE: their history is
    # the movement ledger).
    history = HistoricalRecords(excluded_fields=["on_hand", "reserved"])

    class Meta:
        ordering = ["stockroom__name", "part__sku"]
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        constraints = [
            # One level per part and stockroom: the ledger sums per this pair.
            models.UniqueConstraint(
                fields=["part", "stockroom"], name="spareparts_stock_unique_part_stockroom"
            ),
            # Stock is never negative and never promises more than is on the shelf,
            # whatever the services get wrong under concurrency.
            models.CheckConstraint(
                condition=Q(on_hand__gte=0), name="spareparts_stock_on_hand_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="spareparts_stock_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")),
                name="spareparts_stock_reserved_within_on_hand",
            ),
        ]

    def __str__(self):
        return f"{self.part_id}@{self.stockroom_id}: {self.on_hand}/{self.reserved}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def below_reorder_point(self) -> bool:
        return self.available < self.reorder_point

    @property
    def below_minimum(self) -> bool:
        return self.on_hand < self.minimum


class MovementQuerySet(models.QuerySet):
    """The ledger is append-only: bulk updates and deletes are refused too."""

    def update(self, **kwargs):
        raise TypeError("The movement ledger is append-only.")

    def delete(self):
        raise TypeError("The movement ledger is append-only.")


class Movement(models.Model):
    """One row of the append-only stock ledger. For every (part, stockroom) the sums
    of `on_hand_delta` and `reserved_delta` equal the Stock row's levels."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("receipt")
        RESERVATION = "reservation", _("reservation")
        RELEASE = "release", _("release")
        ISSUE = "issue", _("issue to a visit")
        RETURN = "return", _("return")
        TRANSFER_OUT = "transfer_out", _("transfer out")
        TRANSFER_IN = "transfer_in", _("transfer in")
        ADJUSTMENT = "adjustment", _("adjustment")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="movements"
    )
    stockroom = models.ForeignKey(
        Stockroom, verbose_name=_("stockroom"), on_delete=models.PROTECT, related_name="movements"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    on_hand_delta = models.IntegerField(_("on hand change"))
    reserved_delta = models.IntegerField(_("reserved change"))
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("fault report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="part_movements",
    )
    visit = models.ForeignKey(
        "tickets.Visit",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="part_movements",
    )
    reservation = models.ForeignKey(
        "Reservation", null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    transfer = models.ForeignKey(
        "Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    procurement = models.ForeignKey(
        "ProcurementRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    objects = MovementQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        indexes = [
            # A part's movement history and the ledger sums per (part, stockroom).
            models.Index(fields=["part", "stockroom", "-id"], name="spareparts_mv_part_room_idx"),
            # Parts used on a visit (confirmation PDF, archive).
            models.Index(fields=["visit", "kind"], name="spareparts_mv_visit_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="spareparts_movement_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity} × {self.part_id} @ {self.stockroom_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The movement ledger is append-only: a movement cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The movement ledger is append-only: a movement cannot be deleted.")


class Reservation(TimeStampedModel):
    """Parts promised to a ticket (and its visit) from one stockroom. `quantity` was
    reserved; `used` has been issued and `released` given back; the rest is still held."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        USED = "used", _("used")
        RELEASED = "released", _("released")

    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="reservations"
    )
    stockroom = models.ForeignKey(
        Stockroom,
        verbose_name=_("stockroom"),
        on_delete=models.PROTECT,
        related_name="reservations",
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    used = models.PositiveIntegerField(_("used"), default=0)
    released = models.PositiveIntegerField(_("released"), default=0)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("fault report"),
        on_delete=models.PROTECT,
        related_name="part_reservations",
    )
    visit = models.ForeignKey(
        "tickets.Visit",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="part_reservations",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    served_from_own_centre = models.BooleanField(
        _("served from the site's own centre"),
        default=False,
        help_text=_("Counts towards the parts fill rate."),
    )
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reserved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [
            # parts_fill_rate(): reservations created in a period.
            models.Index(fields=["created_at"], name="spareparts_res_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="spareparts_reservation_quantity_positive"
            ),
            # What is used and released never exceeds what was reserved.
            models.CheckConstraint(
                condition=Q(quantity__gte=F("used") + F("released")),
                name="spareparts_reservation_within_quantity",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.part_id} @ {self.stockroom_id}"

    @property
    def outstanding(self) -> int:
        return self.quantity - self.used - self.released


class Transfer(TimeStampedModel):
    """Parts shipped from one stockroom to another; in transit until received."""

    class Status(models.TextChoices):
        SHIPPED = "shipped", _("in transit")
        RECEIVED = "received", _("received")
        CANCELLED = "cancelled", _("cancelled")

    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_stockroom = models.ForeignKey(
        Stockroom, verbose_name=_("from"), on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_stockroom = models.ForeignKey(
        Stockroom, verbose_name=_("to"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SHIPPED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shipped by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    shipped_at = models.DateTimeField(_("shipped at"), default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        ordering = ["-shipped_at", "-id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="spareparts_transfer_quantity_positive"
            ),
            models.CheckConstraint(
                condition=~Q(from_stockroom=F("to_stockroom")),
                name="spareparts_transfer_between_two_stockrooms",
            ),
        ]

    def __str__(self):
        return (
            f"{self.quantity} × {self.part_id}: {self.from_stockroom_id} → {self.to_stockroom_id}"
        )


class ProcurementRequest(TimeStampedModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ORDERED = "ordered", _("ordered")
        RECEIVED = "received", _("received")
        CANCELLED = "cancelled", _("cancelled")

    class Priority(models.TextChoices):
        HIGH = "high", _("high priority")
        MEDIUM = "medium", _("medium priority")
        LOW = "low", _("low priority")

    class Source(models.TextChoices):
        REORDER = "reorder", _("under the reorder point")
        SHORTAGE = "shortage", _("needed, not in stock")
        MANUAL = "manual", _("by hand")

    OPEN_STATUSES = (Status.REQUESTED, Status.ORDERED)

    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="procurement_requests"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    vendor = models.CharField(_("vendor"), max_length=200, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    source = models.CharField(
        _("raised"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("fault report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procurement_requests",
    )
    stockroom = models.ForeignKey(
        Stockroom,
        verbose_name=_("receive into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procurement_requests",
    )
    note = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ordered_at = models.DateTimeField(_("ordered at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("procurement request")
        verbose_name_plural = _("procurement requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="spareparts_procurement_quantity_positive"
            ),
            # Falling under the reorder point raises one request, not one per movement
            # or per sweep: while an automatic request for a part and stockroom is open,
            # the database refuses a second one (the services catch the IntegrityError).
            models.UniqueConstraint(
                fields=["part", "stockroom"],
                condition=Q(source="reorder", status__in=["requested", "ordered"]),
                name="spareparts_procurement_one_open_reorder",
            ),
            # Likewise one open shortage request per ticket and part, however many
            # reservations it refused.
            models.UniqueConstraint(
                fields=["part", "ticket"],
                condition=Q(source="shortage", status__in=["requested", "ordered"]),
                name="spareparts_procurement_one_open_shortage",
            ),
        ]

    def __str__(self):
        return f"PR-{self.pk} {self.quantity} × {self.part_id}"

    @property
    def auto_raised(self) -> bool:
        return self.source != self.Source.MANUAL

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
