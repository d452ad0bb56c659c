"""The request benchmark: the app served by gunicorn as in production (DEBUG off, sync
workers), next to a no-database DRF view served the same way, measured in one
interleaved run at concurrency 1 and 8.

    .venv/bin/python bench/run.py                      # the database in BENCH_DATABASE_URL
    .venv/bin/python bench/run.py --requests 5 --smoke # CI: every case answers, quickly

The database must hold the demo and a volume (`manage.py load_volume`). Everything
listens on and talks to 127.0.0.1 only; every loop is bounded by --requests; gunicorn
is stopped on exit. Prints one table (p50/p95/p99 in ms, requests per second, the ratio
of requests per second to the no-database view, the target and whether it holds) and,
with --explain, the EXPLAIN (ANALYZE, BUFFERS) plans of the queue, dashboard and
search queries."""

import argparse
import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench1m"
HOST = "127.0.0.1"


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> tuple[float, int, str]:
    """(CPU seconds, parent pid, command name) of one process, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return 0.0, 0, ""
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICK, int(fields[1]), name


def cpu_split(server_pid: int) -> dict[str, float]:
    """CPU seconds so far of the gunicorn at `server_pid` (master and workers), of every
    PostgreSQL process on this machine and of this process (the client): where a
    request's time goes when the cores are the limit."""
    out = {"server": 0.0, "postgres": 0.0, "client": _cpu_of(os.getpid())[0]}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            cpu, parent, name = _cpu_of(int(entry))
            if int(entry) == server_pid or parent == server_pid:
                out["server"] += cpu
            elif name == "postgres":
                out["postgres"] += cpu
    return out


def percentile(values, q):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


class Server:
    """One gunicorn, as the Dockerfile runs it (sync workers), on 127.0.0.1:port."""

    def __init__(self, app: str, port: int, env: dict, workers: int):
        self.port = port
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                app,
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--timeout",
                "300",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )

    def wait(self, path: str, headers: dict) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _body, _t = request(self.port, "GET", path, headers)
                # Any answer means the workers serve; /healthz is 503 here by design
                # (no Celery worker or beat heartbeats during a benchmark).
                if status:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn on {self.port} exited with {self.proc.returncode}")
            time.sleep(0.3)
        raise SystemExit(f"gunicorn on {self.port} did not answer within 60 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def request(port, method, path, headers, body=None):
    connection = http.client.HTTPConnection(HOST, port, timeout=300)
    started = time.perf_counter()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return response.status, data, elapsed


def run_batch(port, make_request, n: int, concurrency: int):
    """`n` requests over `concurrency` threads; returns (latencies, wall seconds, errors)."""
    latencies, errors, lock = [], [], threading.Lock()
    counter = iter(range(n))

    def worker():
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            method, path, headers, body, expect = make_request(i)
            try:
                status, data, elapsed = request(port, method, path, headers, body)
            except OSError as error:
                with lock:
                    errors.append(f"{path}: {error}")
                continue
            with lock:
                if status != expect:
                    errors.append(f"{method} {path}: {status} {data[:200]!r}")
                latencies.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - started, errors


def setup_django(env):
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    import django

    django.setup()


def credentials():
    """A JWT for the API and a session cookie for the pages, per demo user (made in
    this process against the same database and secret key as the server)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.tokens import TokenObtainPairSerializer

    out = {}
    for username in ("dispatcher", "manager", "admin"):
        user = get_user_model().objects.get(username=username)
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        out[username] = {
            "api": {
                "Authorization": f"Bearer {TokenObtainPairSerializer.get_token(user).access_token}",
                "X-Forwarded-Proto": "https",
                "Accept": "application/json",
            },
            "page": {
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}",
                "X-Forwarded-Proto": "https",
            },
        }
    return out


def cases(creds):
    """(name, target p95 ms at c=1, request maker) for every measured case."""
    from django.db.models import Max, Min

    from accounts.models import Organization
    from assets.models import Site
    from tickets.models import Ticket

    dispatcher, manager = creds["dispatcher"], creds["manager"]
    bounds = Ticket.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    lo, hi = bounds["lo"], bounds["hi"]
    span = max(hi - lo, 1)
    ids = [lo + (i * 7919) % span for i in range(64)]
    numbers = list(Ticket.objects.filter(pk__in=ids).values_list("number", flat=True)) or [
        "FR-2026-000001"
    ]
    org = Organization.objects.order_by("pk").first()
    site = Site.objects.filter(organization=org).order_by("pk").first()
    today = date.today()
    month = (today.replace(day=1).isoformat(), today.isoformat())
    year = ((today - timedelta(days=364)).isoformat(), today.isoformat())

    def get(path, headers):
        return lambda i: ("GET", path(i) if callable(path) else path, headers, None, 200)

    def create(i):
        body = json.dumps(
            {
                "organization": org.pk,
                "site": site.pk,
                "title": f"Bench pump alarm {i}",
                "description": "Alarm sounds every few minutes.",
                "channel": "phone",
            }
        )
        return (
            "POST",
            "/api/v1/tickets/",
            {**dispatcher["api"], "Content-Type": "application/json"},
            body,
            201,
        )

    dash = "/api/v1/sla/dashboard/?from={}&to={}"
    return [
        ("list API", 50, get("/api/v1/tickets/?page_size=30", dispatcher["api"])),
        ("queue page", 100, get("/tickets/queue/", dispatcher["page"])),
        (
            "detail API",
            50,
            get(lambda i: f"/api/v1/tickets/{ids[i % len(ids)]}/", dispatcher["api"]),
        ),
        ("detail page", 100, get(lambda i: f"/tickets/{ids[i % len(ids)]}/", dispatcher["page"])),
        ("create API", 60, create),
        (
            "dashboard org month",
            150,
            get(dash.format(*month) + f"&organization={org.pk}", manager["api"]),
        ),
        (
            "dashboard org year",
            150,
            get(dash.format(*year) + f"&organization={org.pk}", manager["api"]),
        ),
        ("dashboard global month", 500, get(dash.format(*month), manager["api"])),
        ("dashboard global year", 500, get(dash.format(*year), manager["api"])),
        (
            "search number",
            20,
            get(
                lambda i: f"/api/v1/tickets/?search={numbers[i % len(numbers)]}", dispatcher["api"]
            ),
        ),
        ("search word en", 100, get("/api/v1/tickets/?search=compressor", dispatcher["api"])),
        (
            "search word zh",
            100,
            get("/api/v1/tickets/?search=%E6%BC%8F%E6%B0%B4", dispatcher["api"]),
        ),  # 漏水
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=40, help="requests per case and concurrency"
    )
    parser.add_argument("--concurrency", default="1,8")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8150)))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="comma-separated case names (default: all)")
    parser.add_argument(
        "--smoke", action="store_true", help="exit 0 when every case answers (no targets)"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the EXPLAIN plans after the table"
    )
    args = parser.parse_args()
    # A TERM (timeout, Ctrl-C from a wrapper) still stops both gunicorns (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    database = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    secret = secrets.token_urlsafe(40)
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secret,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    setup_django(
        {
            "DATABASE_URL": database,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secret,
            "DJANGO_ALLOWED_HOSTS": HOST,
        }
    )
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    creds = credentials()
    selected = cases(creds)
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        selected = [c for c in selected if c[0] in wanted]
    nodb_env = {**env, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    app, nodb = Server("servicedesk.wsgi:application", args.port, env, args.workers), None
    try:
        nodb = Server("bench.nodb:application", args.port + 1, nodb_env, args.workers)
        app.wait("/healthz", {"X-Forwarded-Proto": "https"})
        nodb.wait("/nodb/", {})
        reference = ("GET", "/nodb/", {"X-Forwarded-Proto": "https"}, None, 200)
        levels = [int(c) for c in args.concurrency.split(",")]
        rows, failures = [], []
        for name, target, make in selected:
            # Warm the workers (imports, caches): two requests per worker, as many at once
            # as there are workers so that each gets its first ones here (one at a time,
            # one worker could take both and the other's cold first request be measured).
            # The smoke run only needs every case to answer.
            if args.smoke:
                warm, _wall, _errors = run_batch(app.port, make, 1, 1)
            else:
                warm, _wall, _errors = run_batch(app.port, make, 2 * args.workers, args.workers)
            slow = (
                bool(warm) and max(warm) > 2.0
            )  # seconds: a few requests tell enough, keep the run bounded
            for c in levels:
                app_lat, nodb_lat, app_wall, nodb_wall = [], [], 0.0, 0.0
                # Interleave in rounds so drifting load on the shared machine hits both alike.
                wanted = min(args.requests, max(3, c)) if slow else args.requests
                rounds = max(1, min(4, wanted // max(c, 1)))
                per_round = max(c, wanted // rounds)
                spent = dict.fromkeys(("server", "postgres", "client"), 0.0)
                spent_nodb = dict(spent)
                for _ in range(rounds):
                    before = cpu_split(app.proc.pid)
                    lat, wall, errors = run_batch(app.port, make, per_round, c)
                    after = cpu_split(app.proc.pid)
                    for part in spent:
                        spent[part] += after[part] - before[part]
                    app_lat += lat
                    app_wall += wall
                    failures += [f"{name}: {e}" for e in errors[:3]]
                    before = cpu_split(nodb.proc.pid)
                    lat, wall, errors = run_batch(nodb.port, lambda i: reference, per_round, c)
                    after = cpu_split(nodb.proc.pid)
                    for part in spent_nodb:
                        spent_nodb[part] += after[part] - before[part]
                    nodb_lat += lat
                    nodb_wall += wall
                    failures += [f"no-database view: {e}" for e in errors[:3]]
                rps = len(app_lat) / app_wall if app_wall else 0
                nodb_rps = len(nodb_lat) / nodb_wall if nodb_wall else 0
                p95 = percentile(app_lat, 95) * 1000
                rows.append(
                    (
                        name,
                        c,
                        percentile(app_lat, 50) * 1000,
                        p95,
                        percentile(app_lat, 99) * 1000,
                        rps,
                        nodb_rps,
                        percentile(nodb_lat, 50) * 1000,
                        target if c == 1 else None,
                    )
                )
                print(
                    f"  {name} c={c}: p95 {p95:.0f} ms, {rps:.1f} req/s",
                    file=sys.stderr,
                    flush=True,
                )
                print_row(rows[-1], file=sys.stderr)
                # CPU per request, in ms (/proc; 10 ms ticks over the batch).
                for label, used, count in (
                    ("", spent, len(app_lat)),
                    ("no-db ", spent_nodb, len(nodb_lat)),
                ):
                    share = {part: used[part] / max(count, 1) * 1000 for part in used}
                    print(
                        f"    {label}CPU per request: gunicorn {share['server']:.2f} ms, "
                        f"PostgreSQL {share['postgres']:.2f} ms, client {share['client']:.2f} ms",
                        file=sys.stderr,
                        flush=True,
                    )
    finally:
        app.stop()
        if nodb is not None:
            nodb.stop()
    print_table(rows)
    if args.explain:
        from bench.plans import print_plans

        print_plans()
    if failures:
        print("\nFailed requests:\n" + "\n".join(failures[:30]))
        return 1
    if args.smoke:
        return 0
    return 0


def print_table(rows):
    print(
        "\n| case | c | p50 ms | p95 ms | p99 ms | req/s | no-db req/s | ratio to no-db | target "
        "p95 | met |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print_row(row)


def print_row(row, file=None):
    name, c, p50, p95, p99, rps, nodb_rps, _nodb_p50, target = row
    ratio = f"{rps / nodb_rps:.1%}" if nodb_rps else "—"
    if target is not None:
        goal, met = f"≤ {target} ms", "yes" if p95 <= target else "no"
    elif name == "list API":
        goal, met = "≥ 25 % of no-db", "yes" if nodb_rps and rps / nodb_rps >= 0.25 else "no"
    else:
        goal, met = "—", "—"
    print(
        f"| {name} | {c} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {rps:.1f} | {nodb_rps:.1f} | "
        f"{ratio} | {goal} "
        f"| {met} |",
        file=file or sys.stdout,
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
