"""Profile one API request in this process, through the WSGI application as gunicorn
calls it (middleware included, DEBUG off).

    BENCH_DATABASE_URL=postgres://… .venv/bin/python bench/profile_request.py \\
        "/api/v1/tickets/?page_size=30" --repeat 200 [--profile]

Prints the mean and median wall time per request after two warm-up requests; with
--profile, a pyinstrument (if installed) or cProfile report of the repeated requests."""

import argparse
import io
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--user", default="dispatcher")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ.update(
        {
            "DATABASE_URL": os.environ.get(
                "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench1m"
            ),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        }
    )
    os.environ.pop("REDIS_URL", None)
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    import logging

    logging.getLogger("servicedesk.request").setLevel(logging.WARNING)  # one line per request
    from django.contrib.auth import get_user_model

    from accounts.tokens import TokenObtainPairSerializer

    user = get_user_model().objects.get(username=args.user)
    token = str(TokenObtainPairSerializer.get_token(user).access_token)
    path, _, query = args.path.partition("?")

    def call():
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "HTTP_ACCEPT": "application/json",
            "HTTP_X_FORWARDED_PROTO": "https",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
        status = []
        body = b"".join(application(environ, lambda s, h, e=None: status.append(s)))
        if not status[0].startswith("200"):
            raise SystemExit(f"{status[0]}: {body[:300]!r}")
        return body

    for _ in range(2):
        body = call()
    print(f"{len(body)} bytes", file=sys.stderr)
    times = []
    profiler = None
    if args.profile:
        try:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
        except ImportError:
            import cProfile

            profiler = cProfile.Profile()
        profiler.start() if hasattr(profiler, "start") else profiler.enable()
    from django.db import connection

    spent = {"queries": 0, "query_ms": 0.0}

    def timed(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["queries"] += 1
            spent["query_ms"] += (time.perf_counter() - began) * 1000

    cpu_started = time.process_time()
    with connection.execute_wrapper(timed):
        for _ in range(args.repeat):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu_started) * 1000 / args.repeat
    if profiler is not None:
        if hasattr(profiler, "stop"):
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        else:
            import pstats

            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative"))
            stats.print_stats(int(os.environ.get("PROFILE_LINES", 40)))
    print(
        f"{args.path}: mean {statistics.mean(times):.2f} ms, median "
        f"{statistics.median(times):.2f} ms, min {min(times):.2f} ms over {args.repeat}; "
        f"per request: this process's CPU {cpu_ms:.2f} ms, {spent['queries'] / args.repeat:.1f} "
        f"queries waited on for {spent['query_ms'] / args.repeat:.2f} ms (cursor execute to "
        "return, rows fetched included)"
    )


if __name__ == "__main__":
    main()
