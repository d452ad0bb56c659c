import functools
from functools import cached_property
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from servicedesk.db import compile_fixed, fetch_prepared
from servicedesk.models import TimeStampedModel

TIME_ZONE_CHOICES = sorted((tz, tz) for tz in available_timezones())


class Organization(TimeStampedModel):
    """A customer company."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class ServiceCenter(TimeStampedModel):
    class Kind(models.TextChoices):
        LOCAL = "local", _("local")
        REGIONAL = "regional", _("regional")

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.LOCAL)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("regional parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Shanghai"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        constraints = [
            # Only local centres hang under a regional one; regional centres are roots.
            models.CheckConstraint(
                condition=Q(kind="regional", parent__isnull=True) | Q(kind="local"),
                name="accounts_servicecenter_regional_has_no_parent",
            ),
        ]

    def __str__(self):
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        CUSTOMER = "customer", _("customer")
        CUSTOMER_ADMIN = "customer_admin", _("customer admin")
        DISPATCHER = "dispatcher", _("dispatcher")
        ENGINEER = "engineer", _("engineer")
        EXPERT = "expert", _("expert")
        MANAGER = "manager", _("manager")
        ADMIN = "admin", _("admin")

    CUSTOMER_ROLES = frozenset({Role.CUSTOMER, Role.CUSTOMER_ADMIN})
    STAFF_ROLES = frozenset({Role.DISPATCHER, Role.ENGINEER, Role.EXPERT, Role.MANAGER, Role.ADMIN})
    FIELD_ROLES = frozenset({Role.ENGINEER, Role.EXPERT})
    DISPATCH_ROLES = frozenset({Role.DISPATCHER, Role.MANAGER, Role.ADMIN})

    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.CUSTOMER, db_index=True
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    service_centers = models.ManyToManyField(
        ServiceCenter, verbose_name=_("service centres"), blank=True, related_name="staff"
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Shanghai"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    history = HistoricalRecords(
        excluded_fields=["password", "last_login"], m2m_fields=[service_centers]
    )

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Customers always belong to an organisation; staff never do.
            models.CheckConstraint(
                condition=(
                    Q(role__in=["customer", "customer_admin"], organization__isnull=False)
                    | (~Q(role__in=["customer", "customer_admin"]) & Q(organization__isnull=True))
                ),
                name="accounts_user_customer_has_organization",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # A new password (change or reset) or a deactivation ends every session on
        # the JWT side too: all refresh tokens are blacklisted (accounts.tokens).
        revoke = self.pk is not None and (self._password is not None or not self.is_active)
        super().save(*args, **kwargs)
        if revoke:
            from accounts.tokens import revoke_all

            revoke_all(self)

    @property
    def is_customer(self) -> bool:
        return self.role in self.CUSTOMER_ROLES

    @property
    def is_staff_role(self) -> bool:
        return self.role in self.STAFF_ROLES

    @property
    def is_admin_role(self) -> bool:
        return self.role == self.Role.ADMIN or self.is_superuser

    @property
    def is_dispatch_role(self) -> bool:
        """Dispatchers, managers and admins: who plans and hands out the work."""
        return self.role in self.DISPATCH_ROLES or self.is_superuser

    @cached_property
    def center_ids(self) -> frozenset[int] | None:
        """Service centres whose work this staff member sees, regional ones with their
        local children; None means no restriction (admins, and staff without centres)."""
        if self.is_admin_role or not self.pk:
            return None
        # One query, its text built once (a child's parent is one of the user's own
        # centres, so no rows means no own centre).
        using = self._state.db or "default"
        sql, slots = _centres_statement(using)
        ids = frozenset(pk for (pk,) in fetch_prepared(sql, [self.pk] * slots, using))
        return ids or None


def centres_of(user) -> models.QuerySet:
    """The service centres a user's work is scoped to: those they staff and their
    children. `user`: an id, or an expression naming one (`OuterRef(OuterRef("pk"))` in
    a subquery of users)."""
    own = User.service_centers.through.objects.filter(user_id=user).values("servicecenter_id")
    return ServiceCenter.objects.filter(Q(pk__in=own) | Q(parent__in=own)).order_by()


@functools.cache
def _centres_statement(using: str) -> tuple[str, int]:
    """User.center_ids' query compiled once; every value in it is the user's id
    (returned: how many times)."""
    sql, params = compile_fixed(centres_of(0).using(using).values_list("pk"))
    if any(value != 0 for value in params):
        raise AssertionError(f"unexpected parameters {params!r}")
    return sql, len(params)


class EngineerProfile(TimeStampedModel):
    class Tier(models.IntegerChoices):
        ENGINEER = 1, _("field engineer")
        EXPERT = 2, _("technical expert")
        VENDOR = 3, _("vendor support")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="engineer_profile")
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices, default=Tier.ENGINEER)
    skills = models.CharField(
        _("skills"), max_length=500, blank=True, help_text=_("Comma-separated.")
    )
    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("service centre"),
        on_delete=models.PROTECT,
        related_name="engineers",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("engineer profile")
        verbose_name_plural = _("engineer profiles")

    def __str__(self):
        return f"{self.user} ({self.get_tier_display()})"
