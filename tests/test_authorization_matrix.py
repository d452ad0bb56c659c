"""The authorisation matrix (issue 13), generated from the URL configuration: every API
route × method × role, on objects of the caller's own and of the other organisation
(the demo data), and anonymously. Never a 2xx outside scope, never a 5xx. Routes added
later are covered by the same walk.

The scope is worked out here independently of the selectors: an object belongs to the
organisation its foreign keys lead to (ticket → organisation, visit → ticket → …)."""

import re
from collections import deque

import pytest
from django.core.management import call_command
from django.db.models import Q
from drf_spectacular.generators import EndpointEnumerator
from rest_framework.test import APIClient

from accounts.models import Organization, User

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


def organization_paths(model) -> list[str]:
    """Every chain of forward foreign keys (up to MAX_DEPTH) from `model` to Organization."""
    if model is Organization:
        return ["pk"]
    paths, queue = [], deque([(model, "", {model})])
    while queue:
        current, prefix, seen = queue.popleft()
        if prefix.count("__") >= MAX_DEPTH:
            continue
        for field in current._meta.get_fields():
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                continue
            target, name = field.related_model, f"{prefix}{field.name}"
            if target is Organization:
                paths.append(name)
            elif target not in seen:
                queue.append((target, f"{name}__", seen | {target}))
    return paths


def objects_of(model, organization, other, limit=2):
    """Objects tied to `organization` by some chain and to `other` by none."""
    paths = organization_paths(model)
    if not paths:
        return []
    mine, theirs = Q(), Q()
    for path in paths:
        mine |= Q(**{path: organization.pk})
        theirs |= Q(**{path: other.pk})
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


def test_every_route_method_and_role_stays_in_scope(demo):
    routes = endpoints()
    assert len(routes) > 150  # the walk found the API
    orgs = {org.code: org for org in Organization.objects.all()}
    own_org = {"customer_a": orgs["org-a"], "customer_b": orgs["org-b"]}
    other_org = {"customer_a": orgs["org-b"], "customer_b": orgs["org-a"]}
    requests, leaks, errors, covered_models = 0, [], [], set()

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

    for username in OUT_OF_SCOPE_ROLES:
        client = APIClient()
        client.force_authenticate(User.objects.get(username=username))
        foreign_ids = {}
        for path, method, callback in routes:
            model = model_of(callback)
            if "{pk}" not in path or model is None or path in PUBLIC:
                continue
            foreign = foreign_ids.setdefault(
                model, objects_of(model, other_org[username], own_org[username])
            )
            if foreign:
                covered_models.add(model._meta.label)
            for pk in foreign:
                url = concrete(path, pk)
                check(call(client, method, url), username, method, url, foreign=True)
            if method == "GET":
                for pk in objects_of(model, own_org[username], other_org[username], limit=1):
                    url = concrete(path, pk)
                    check(call(client, method, url), username, method, url, foreign=False)
        # Lists: no row of the other organisation in any collection.
        for path, method, callback in routes:
            model = model_of(callback)
            if method != "GET" or "{" in path or model is None or path in PUBLIC:
                continue
            response = client.get(path, {"page_size": 200})
            check(response, username, method, path, foreign=False)
            rows = response.json().get("results", []) if response.status_code == 200 else []
            ids = {row.get("id") for row in rows if isinstance(row, dict)}
            foreign = set(objects_of(model, other_org[username], own_org[username], limit=10_000))
            if ids & foreign:
                leaks.append((username, "GET", path, sorted(ids & foreign)[:5]))

    print(
        f"authorisation matrix: {len(routes)} operations, {requests} requests, "
        f"{len(covered_models)} models with out-of-scope objects"
    )
    assert not errors, errors
    assert not leaks, leaks
    # The demo reaches the models that matter: tickets, visits, sites, inspections, training.
    for label in [
        "tickets.Ticket",
        "tickets.Visit",
        "assets.Site",
        "inspections.Inspection",
        "training.Enrollment",
        "accounts.User",
    ]:
        assert label in covered_models, label
