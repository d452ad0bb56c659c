"""EXPLAIN (ANALYZE, BUFFERS) of the queue, dashboard and search queries, built by the
same code the views run (bench/run.py --explain, or on its own):

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench1m .venv/bin/python bench/plans.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _plans():
    from datetime import timedelta

    from django.db.models import F, Sum
    from django.utils import timezone

    from accounts.models import Organization, User
    from servicedesk.db import AnyOf
    from sla import dashboard_facts, kpis
    from sla.models import DailyFact
    from sla.selectors import annotate_queue_state, order_by_nearest_due
    from tickets import search
    from tickets.api import serializers
    from tickets.models import Ticket
    from tickets.selectors import tickets_in_scope, tickets_visible_to

    dispatcher = User.objects.get(username="dispatcher")
    manager = User.objects.get(username="manager")
    org = Organization.objects.order_by("pk").first()
    today = timezone.localdate()
    number = Ticket.objects.order_by("-pk").values_list("number", flat=True).first()
    # What the list API runs (tickets.api.views.TicketViewSet.list): the page's keys
    # from the scoped, filtered queryset, then the page's rows by id with each
    # ticket's clocks as a JSON array (the statement PostgreSQL keeps prepared).
    scoped = tickets_in_scope(dispatcher)
    newest = ("-reported_at", "-id")
    page_ids = list(
        serializers.list_keys(scoped).order_by(*newest)[:30].values_list("id", flat=True)
    )
    rows = tickets_visible_to(dispatcher).select_related(None).select_related("site", "assignee")
    yield (
        "queue page (open tickets, nearest due first)",
        order_by_nearest_due(
            annotate_queue_state(rows.filter(status__in=Ticket.OPEN_STATUSES), now=timezone.now())
        )[:31],
    )
    yield (
        "list API (newest first): the page's keys",
        serializers.list_keys(scoped).order_by(*newest)[:31],
    )
    yield (
        "list API: the page's rows by id",
        serializers.list_values(Ticket.objects.filter(AnyOf(F("pk"), page_ids)).order_by()),
    )
    for label, query in (
        (f"search by number ({number})", number),
        ("search word en (compressor)", "compressor"),
        ("search word zh (漏水)", "漏水"),
    ):
        yield label, serializers.list_keys(search.search(scoped, query)).order_by(*newest)[:31]
    for label, start, organization in (
        ("one organisation, a month", today.replace(day=1), org.pk),
        ("global, a year", today - timedelta(days=364), None),
    ):
        f = kpis.filters_for(start=start, end=today, organization=organization)
        facts = dashboard_facts.facts_in_scope(manager, f)
        yield (
            f"dashboard {label}: clock figures (daily facts)",
            facts.filter(fact=DailyFact.Fact.CLOCK)
            .values("metric", "severity", "state", "breached")
            .annotate(count=Sum("n"))
            .order_by(),
        )
        yield (
            f"dashboard {label}: ticket figures (daily facts)",
            facts.filter(fact__in=["reported", "resolved"])
            .values("fact")
            .annotate(n=Sum("n"), faults=Sum("faults"), repair_us=Sum("repair_us"))
            .order_by(),
        )


def print_plans():
    for label, queryset in _plans():
        print(f"\n### {label}\n\n```")
        print(queryset.explain(analyze=True, buffers=True))
        print("```")


if __name__ == "__main__":
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench1m"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    print_plans()
