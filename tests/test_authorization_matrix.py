"""The authorisation matrix (issue 13), generated from the URL configuration: every API
route × method × role, on objects of the caller's own and of the other organisation
(the demo data, plus a second region for the staff), and anonymously: customer admins
by organisation, engineers by their tickets, dispatcher, manager and expert by the sites
of their service centres (admins see everything). Never a 2xx outside scope, never a
5xx. Routes added later are covered by the same walk.

The scope is worked out here independently of the selectors: an object belongs to the
organisation its foreign keys lead to (ticket → organisation, visit → ticket → …)."""

import re
from collections import deque

import pytest
from django.core.management import call_command
from django.db.models import Q
from drf_spectacular.generators import EndpointEnumerator
from rest_framework.test import APIClient

from accounts.models import Organization, ServiceCenter, User
from assets.models import Site
from tests.factories.accounts import ServiceCenterFactory, UserFactory
from tests.factories.assets import EquipmentFactory, SiteFactory
from tests.factories.tickets import VisitFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
PUBLIC = {"/api/v1/auth/token/", "/api/v1/auth/token/refresh/", "/api/v1/schema/", "/api/v1/docs/"}
OUT_OF_SCOPE_ROLES = ["customer_a", "customer_b"]  # customer admins of the two organisations
MAX_DEPTH = 4


def endpoints():
    return [
        (path, method, callback)
        for path, _regex, method, callback in EndpointEnumerator().get_api_endpoints()
    ]


def model_of(callback):
    view = getattr(callback, "cls", None)
    queryset = getattr(view, "queryset", None)
    return getattr(queryset, "model", None)


def organization_paths(model, target=Organization) -> list[str]:
    """Every chain of forward foreign keys (up to MAX_DEPTH) from `model` to `target`."""
    if model is target:
        return ["pk"]
    paths, queue = [], deque([(model, "", {model})])
    while queue:
        current, prefix, seen = queue.popleft()
        if prefix.count("__") >= MAX_DEPTH:
            continue
        for field in current._meta.get_fields():
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                continue
            related, name = field.related_model, f"{prefix}{field.name}"
            if related is target:
                paths.append(name)
            elif related not in seen:
                queue.append((related, f"{name}__", seen | {related}))
    return paths


def objects_of(model, target, included, excluded, limit=2):
    """Objects tied to a `target` row in `included` by some chain and to none in `excluded`."""
    paths = organization_paths(model, target)
    if not paths:
        return []
    mine, theirs = Q(), Q()
    for path in paths:
        mine |= Q(**{f"{path}__in": included})
        theirs |= Q(**{f"{path}__in": excluded})
    rows = model._base_manager.filter(mine).exclude(theirs).order_by("pk")
    return list(rows.values_list("pk", flat=True)[:limit])


def concrete(path, pk):
    return re.sub(r"{(\w+)}", lambda m: str(pk) if m.group(1) == "pk" else "1", path)


def call(client, method, url):
    kwargs = {} if method in ("GET", "DELETE", "HEAD", "OPTIONS") else {"data": {}}
    return getattr(client, method.lower())(url, format="json", **kwargs)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", password="matrix-password-1")
    settings.DEBUG = False
    # The demo's staff all work for the one region: a second region, with a site, a unit,
    # a ticket and a visit, is outside the scope of its dispatcher, manager and expert.
    west = ServiceCenterFactory(code="west", kind=ServiceCenter.Kind.REGIONAL)
    site = SiteFactory(organization=Organization.objects.get(code="org-b"), service_center=west)
    engineer = UserFactory(role=User.Role.ENGINEER, service_centers=[west])
    VisitFactory(
        ticket__site=site, ticket__equipment=EquipmentFactory(site=site), engineer=engineer
    )


def scopes():
    """(username, the model scope is decided on, rows in scope, rows out of scope)."""
    orgs = {org.code: org.pk for org in Organization.objects.all()}
    yield "customer_a", Organization, [orgs["org-a"]], [orgs["org-b"]]
    yield "customer_b", Organization, [orgs["org-b"]], [orgs["org-a"]]
    for username in ["engineer1", "engineer2"]:
        # Engineers work on the tickets assigned to them or with a visit of theirs.
        engineer = User.objects.get(username=username)
        own = Ticket.objects.filter(Q(assignee=engineer) | Q(visits__engineer=engineer))
        own_ids = list(own.values_list("pk", flat=True).distinct())
        yield (
            username,
            Ticket,
            own_ids,
            list(Ticket.objects.exclude(pk__in=own_ids).values_list("pk", flat=True)),
        )
    for username in ["dispatcher", "manager", "expert"]:
        # Staff work on the sites of their service centres (a region includes its locals).
        centres = User.objects.get(username=username).center_ids
        own = Site.objects.filter(service_center__in=centres)
        yield (
            username,
            Site,
            list(own.values_list("pk", flat=True)),
            list(Site.objects.exclude(pk__in=own).values_list("pk", flat=True)),
        )


def test_every_route_method_and_role_stays_in_scope(demo):
    routes = endpoints()
    assert len(routes) > 150  # the walk found the API
    requests, leaks, errors, covered = 0, [], [], set()

    def check(response, role, method, url, *, foreign):
        nonlocal requests
        requests += 1
        if response.status_code >= 500:
            errors.append((role, method, url, response.status_code))
        elif foreign and 200 <= response.status_code < 300:
            leaks.append((role, method, url, response.status_code))

    anonymous = APIClient()
    for path, method, _callback in routes:
        if path not in PUBLIC:
            check(
                call(anonymous, method, concrete(path, 1)), "anonymous", method, path, foreign=True
            )

    for username, target, own, other in scopes():
        assert own and other, username  # the demo has rows on both sides
        client = APIClient()
        client.force_authenticate(User.objects.get(username=username))
        foreign_ids = {}
        for path, method, callback in routes:
            model = model_of(callback)
            if "{pk}" not in path or model is None or path in PUBLIC:
                continue
            foreign = foreign_ids.setdefault(model, objects_of(model, target, other, own))
            if foreign:
                covered.add((username, model._meta.label))
            for pk in foreign:
                url = concrete(path, pk)
                check(call(client, method, url), username, method, url, foreign=True)
            if method == "GET":
                for pk in objects_of(model, target, own, other, limit=1):
                    url = concrete(path, pk)
                    check(call(client, method, url), username, method, url, foreign=False)
        # Lists: no row out of scope in any collection.
        for path, method, callback in routes:
            model = model_of(callback)
            if method != "GET" or "{" in path or model is None or path in PUBLIC:
                continue
            response = client.get(path, {"page_size": 200})
            check(response, username, method, path, foreign=False)
            body = response.json() if response.status_code == 200 else []
            rows = (
                body.get("results", []) if isinstance(body, dict) else body
            )  # unpaginated: a list
            ids = {row.get("id") for row in rows if isinstance(row, dict)}
            hidden = set(objects_of(model, target, other, own, limit=10_000))
            if ids & hidden:
                leaks.append((username, "GET", path, sorted(ids & hidden)[:5]))

    print(
        f"authorisation matrix: {len(routes)} operations, {requests} requests, "
        f"{len(covered)} (role, model) pairs with out-of-scope objects"
    )
    assert not errors, errors
    assert not leaks, leaks
    # The demo reaches the models that matter, for customers and for engineers.
    by_kind = {
        kind: {label for user, label in covered if user.startswith(kind)}
        for kind in ("customer", "engineer")
    }
    assert {
        "tickets.Ticket",
        "tickets.Visit",
        "assets.Site",
        "inspections.Inspection",
        "training.Enrollment",
        "accounts.User",
        "spareparts.Reservation",
    } <= by_kind["customer"]
    assert {"tickets.Ticket", "tickets.Visit", "spareparts.Reservation", "sla.Clock"} <= by_kind[
        "engineer"
    ]
    staff = {label for user, label in covered if user in ("dispatcher", "manager", "expert")}
    assert {"assets.Site", "assets.Equipment", "tickets.Ticket", "tickets.Visit"} <= staff
