"""What the web processes and the Celery workers count: requests by view and status
with their latency and database time, tasks by name and state with their latency.

With `PROMETHEUS_MULTIPROC_DIR` set (one directory per host, shared by the gunicorn
workers and the Celery worker processes on it) the counts of every process on the
host are summed at scrape time; without it each process reports its own."""

import logging
import os
import time

from celery.signals import task_postrun, task_prerun, worker_init
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector

from . import requestid

log = logging.getLogger("servicedesk.request")

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
TASK_BUCKETS = (0.05, 0.25, 1, 5, 15, 60, 120, 300)

REQUESTS = Counter(
    "servicedesk_http_requests",
    "HTTP requests answered, by view, method and status.",
    ["view", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "servicedesk_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["view", "method"],
    buckets=LATENCY_BUCKETS,
)
DATABASE_SECONDS = Histogram(
    "servicedesk_http_database_duration_seconds",
    "Time an HTTP request spent in database queries.",
    ["view"],
    buckets=LATENCY_BUCKETS,
)
DATABASE_QUERIES = Counter(
    "servicedesk_http_database_queries",
    "Database queries run while answering HTTP requests.",
    ["view"],
)
TASKS = Counter(
    "servicedesk_celery_tasks", "Celery tasks run, by task name and final state.", ["task", "state"]
)
TASK_SECONDS = Histogram(
    "servicedesk_celery_task_duration_seconds",
    "Time a Celery task ran.",
    ["task"],
    buckets=TASK_BUCKETS,
)


class _QueryTimer:
    """A database execute wrapper that adds up the time of the queries it sees."""

    def __init__(self):
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def view_label(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name or match.route or "unnamed") if match else "unresolved"


class RequestTelemetryMiddleware:
    """Gives each request its id and, once answered, counts it, times it and writes one
    access-log line (user id, method, path, status, duration, database time)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import connection

        token = requestid.current.set(requestid.from_header(request.headers.get(requestid.HEADER)))
        timer, started = _QueryTimer(), time.perf_counter()
        try:
            with connection.execute_wrapper(timer):
                response = self.get_response(request)
            response[requestid.HEADER] = requestid.current.get()
            self._record(request, response.status_code, time.perf_counter() - started, timer)
            return response
        finally:
            requestid.current.reset(token)

    @staticmethod
    def _record(request, status, seconds, timer):
        view = view_label(request)
        REQUESTS.labels(view, request.method, str(status)).inc()
        REQUEST_SECONDS.labels(view, request.method).observe(seconds)
        DATABASE_SECONDS.labels(view).observe(timer.seconds)
        DATABASE_QUERIES.labels(view).inc(timer.count)
        user = getattr(request, "user", None)
        log.info(
            "%s %s %s %.0f ms",
            request.method,
            request.path,
            status,
            seconds * 1000,
            extra={
                "method": request.method,
                "path": request.path,
                "status": status,
                "view": view,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "duration_ms": round(seconds * 1000, 1),
                "db_ms": round(timer.seconds * 1000, 1),
                "db_queries": timer.count,
            },
        )


task_log = logging.getLogger("servicedesk.task")


def _task_started(task=None, task_id=None, **kwargs):
    requestid.enter_task(task)
    task.request._operations_started = time.perf_counter()
    task_log.info("task %s started", task.name, extra={"task": task.name, "task_id": task_id})


def _task_finished(task=None, task_id=None, state=None, **kwargs):
    try:
        started = getattr(task.request, "_operations_started", None)
        seconds = time.perf_counter() - started if started is not None else None
        TASKS.labels(task.name, state or "UNKNOWN").inc()
        if seconds is not None:
            TASK_SECONDS.labels(task.name).observe(seconds)
        task_log.info(
            "task %s %s",
            task.name,
            state,
            extra={
                "task": task.name,
                "task_id": task_id,
                "state": state,
                "duration_ms": round(seconds * 1000, 1) if seconds is not None else None,
            },
        )
    finally:
        requestid.leave_task(task)


def process_registry():
    """The registry to expose: every process of this host (multiprocess mode) or this one."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _serve_worker_metrics(**kwargs):
    """The worker's own /metrics (task counts of all its pool processes) on
    WORKER_METRICS_PORT, for a Prometheus inside the same private network."""
    from django.conf import settings

    if settings.WORKER_METRICS_PORT:
        start_http_server(settings.WORKER_METRICS_PORT, registry=process_registry())


def connect_celery_signals():
    worker_init.connect(_serve_worker_metrics, weak=False, dispatch_uid="operations-worker-metrics")
    task_prerun.connect(_task_started, weak=False, dispatch_uid="operations-task-started")
    task_postrun.connect(_task_finished, weak=False, dispatch_uid="operations-task-finished")
