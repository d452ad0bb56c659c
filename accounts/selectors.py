"""Every read of accounts data, scoped to the caller in one place per model."""

import functools

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections, router
from django.db.models import OuterRef, QuerySet

from servicedesk.db import compile_fixed, fetch_prepared

from .models import Organization, ServiceCenter, User, centres_of


@functools.cache
def _request_user_statement(using: str) -> tuple[str, list[str]]:
    """`request_user`'s query on PostgreSQL, compiled once: the user by id and the ids
    of `User.center_ids` as an array in the same row."""
    users = User.objects.using(using).filter(pk=0)
    users = users.annotate(
        centre_ids=ArraySubquery(centres_of(OuterRef(OuterRef("pk"))).values("pk"))
    )
    sql, params = compile_fixed(users)
    if list(params) != [0]:  # the id must be the statement's only value
        raise AssertionError(f"unexpected parameters {params!r}")
    return sql, [field.attname for field in User._meta.concrete_fields]


def request_user(pk: int) -> User | None:
    """The user a request's credentials name, with the service centres their work is
    scoped to (what every scoped read asks next) in the same prepared query on
    PostgreSQL: what the API's token authentication calls (accounts.tokens)."""
    using = router.db_for_read(User)
    if connections[using].vendor != "postgresql":
        return User.objects.using(using).filter(pk=pk).first()
    sql, names = _request_user_statement(using)
    rows = fetch_prepared(sql, [pk], using)
    if not rows:
        return None
    values = rows[0]
    user = User.from_db(using, names, values[: len(names)])
    ids = values[len(names)]
    user.__dict__["center_ids"] = None if user.is_admin_role else frozenset(ids) or None
    return user


def organizations_visible_to(user: User) -> QuerySet[Organization]:
    qs = Organization.objects.all()
    if user.is_customer:
        return qs.filter(pk=user.organization_id)
    if user.center_ids is None:
        return qs
    # The organisations with a site one of the user's centres serves (`sites` is the
    # reverse of assets' Site.organization: read here without importing assets).
    covered = Organization.objects.filter(sites__service_center_id__in=user.center_ids)
    return qs.filter(pk__in=covered.values("pk"))


def service_centers_visible_to(user: User) -> QuerySet[ServiceCenter]:
    # Customers may see which centre serves them; the list is not sensitive.
    return ServiceCenter.objects.select_related("parent")


def users_visible_to(user: User) -> QuerySet[User]:
    qs = User.objects.select_related("organization", "engineer_profile").prefetch_related(
        "service_centers"
    )
    if user.is_admin_role:
        return qs
    if user.is_customer:
        if user.role == User.Role.CUSTOMER_ADMIN:
            return qs.filter(organization_id=user.organization_id)
        return qs.filter(pk=user.pk)
    # Staff see their colleagues and the customers of the organisations they serve.
    customers = qs.filter(organization__in=organizations_visible_to(user))
    return qs.filter(role__in=User.STAFF_ROLES) | customers


def engineers_of(user: User) -> QuerySet[User]:
    """Field staff the caller may assign work to."""
    qs = User.objects.filter(role__in=User.FIELD_ROLES, is_active=True)
    if user.center_ids is not None:
        qs = qs.filter(service_centers__in=user.center_ids).distinct()
    return qs


def endpoint_scope_choices() -> dict:
    """What an admin may limit a webhook or group robot to (notifications.ports): every
    service centre and customer organisation, by name (two queries)."""
    return {
        "centres": list(ServiceCenter.objects.order_by("name").values_list("pk", "name")),
        "organizations": list(Organization.objects.order_by("name").values_list("pk", "name")),
    }
