"""Where the time of the SLA dashboard goes, in the process (no HTTP): `sla.kpis.dashboard`
for the demo manager, one organisation and global, a month and a year (and a year by
week), warm, several runs; the median and minimum of the whole call, the median of each
of its queries, and what is left for Python. With --explain, the EXPLAIN (ANALYZE,
BUFFERS) plan of every query of each case.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench1m \\
        .venv/bin/python bench/dashboard.py --runs 7 [--explain] [--only "org year"]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def cases():
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Organization
    from sla import kpis

    org = Organization.objects.order_by("pk").first().pk
    today = timezone.localdate()
    month, year = today.replace(day=1), today - timedelta(days=364)
    return [
        ("org month", kpis.filters_for(start=month, end=today, organization=org)),
        ("org year", kpis.filters_for(start=year, end=today, organization=org)),
        ("global month", kpis.filters_for(start=month, end=today)),
        ("global year", kpis.filters_for(start=year, end=today)),
        (
            "org year by week",
            kpis.filters_for(start=year, end=today, organization=org, bucket="week"),
        ),
        ("global year by week", kpis.filters_for(start=year, end=today, bucket="week")),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", default="", help="comma-separated case names")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench1m"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from sla import kpis

    manager = User.objects.get(username="manager")
    wanted = {n.strip() for n in args.only.split(",") if n.strip()}
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, f in cases():
        if wanted and name not in wanted:
            continue
        kpis.dashboard(manager, f)  # warm
        totals, per_query, sqls = [], None, []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                kpis.dashboard(manager, f)
                totals.append(time.perf_counter() - began)
            times = [float(q["time"]) for q in captured.captured_queries]
            sqls = [q["sql"] for q in captured.captured_queries]
            per_query = [[t] for t in times] if per_query is None else per_query
            for cell, t in zip(per_query, times, strict=True):
                cell.append(t)
        medians = [statistics.median(c) * 1000 for c in per_query]
        total = statistics.median(totals) * 1000
        print(
            f"\n{name}: median {total:.1f} ms, min {min(totals) * 1000:.1f} ms "
            f"({args.runs} runs, {len(sqls)} queries, SQL {sum(medians):.1f} ms, "
            f"the rest {total - sum(medians):.1f} ms)"
        )
        for i, (ms, sql) in enumerate(zip(medians, sqls, strict=True), 1):
            print(f"  {i:2}. {ms:7.1f} ms  {sql[:150]}")
        if args.explain:
            with connection.cursor() as cursor:
                for i, sql in enumerate(sqls, 1):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = "\n".join(r[0] for r in cursor.fetchall())
                    print(f"\n#### {name}, query {i}\n\n```\n{sql}\n\n{plan}\n```")
    print(f"\nload average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
