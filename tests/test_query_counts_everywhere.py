"""Every API list and detail of the project costs a fixed number of queries (issue 15),
found by walking the URL configuration on the demo data, so routes added later are
covered too: a list costs the same at `page_size=1` as at `page_size=200`, and a
detail the same for two different rows. A N+1 (a query per row, or per nested row)
shows as a difference."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import EndpointEnumerator
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories.inspections import (
    ChecklistTemplateFactory,
    InspectionFactory,
    MaintenanceTaskFactory,
)
from tests.factories.sla import BusinessCalendarFactory, PolicyFactory

pytestmark = pytest.mark.django_db
ROLES = ["admin", "dispatcher", "manager", "customer_a", "engineer1"]
# Lists that are not collections of rows (figures, exports, feeds): nothing to page.
NOT_ROW_LISTS = re.compile(r"/(dashboard|kpis|export|schema|docs|me|summary|availability)/")


def get_paths() -> set[str]:
    return {
        path
        for path, _regex, method, _callback in EndpointEnumerator().get_api_endpoints()
        if method == "GET"
    }


def _count(user_pk: int, url: str):
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user_pk))  # no cached scope, as in production
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, len(captured.captured_queries)


def _results(response):
    data = response.json()
    return data.get("results") if isinstance(data, dict) else None


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", password="query-count-password-1")
    settings.DEBUG = False
    # Rows of the kinds the demo has fewer than two of (admins see them all).
    for factory in (
        InspectionFactory,
        MaintenanceTaskFactory,
        ChecklistTemplateFactory,
        BusinessCalendarFactory,
        PolicyFactory,
    ):
        factory.create_batch(2)


def test_every_api_list_and_detail_costs_a_fixed_number_of_queries(demo):
    paths = get_paths()
    lists = sorted(p for p in paths if "{" not in p and not NOT_ROW_LISTS.search(p))
    problems, lists_checked, details_checked = [], set(), set()
    for role in ROLES:
        user = User.objects.get(username=role)
        for path in lists:
            one, n_one = _count(user.pk, f"{path}?page_size=1")
            many, n_many = _count(user.pk, f"{path}?page_size=200")
            rows = _results(many) if many.status_code == 200 else None
            if not rows or len(rows) < 2:
                continue
            lists_checked.add(path)
            if n_one != n_many:
                problems.append(
                    f"{role} {path}: {n_one} queries for 1 row, {n_many} for {len(rows)}"
                )
            detail = next(
                (p for p in paths if re.fullmatch(re.escape(path) + r"\{\w+\}/", p)), None
            )
            ids = [row.get("id") for row in rows if isinstance(row, dict) and row.get("id")]
            if detail is None or len(ids) < 2:
                continue
            counts = {}
            for pk in (ids[0], ids[-1]):
                response, n = _count(user.pk, re.sub(r"\{\w+\}", str(pk), detail))
                if response.status_code == 200:
                    counts[pk] = n
            if len(counts) == 2:
                details_checked.add(detail)
                if len(set(counts.values())) > 1:
                    problems.append(f"{role} {detail}: {counts} queries by row")
    # The walk must have found real lists with rows, or it proves nothing.
    assert len(lists_checked) >= 25, sorted(lists_checked)
    assert len(details_checked) >= 20, sorted(details_checked)
    assert not problems, "\n".join(problems)
