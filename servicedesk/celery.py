import os

from celery import Celery
from celery.signals import beat_init, worker_ready

from . import broker  # noqa: F401 - registers the embedded broker's sdfiles:// transport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")

app = Celery("servicedesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _ensure_filesystem_broker_folders(sender, **kwargs):
    # The file-system broker expects its folders to exist before the first message.
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)


# Idempotent periodic tasks that beat also sends once when it starts: an interval
# schedule first fires one interval after start, so without this a restarted (or
# freshly set up) service would wait up to an hour to generate today's inspections.
CATCH_UP_ON_START = (
    "sla-sweep",
    "inspections-generate",
    "inspections-mark-missed",
    "training-obligations",
    "spareparts-reorder",
    "notifications-deliver-outbox",  # issue 11: what waited in the outbox goes out at once
)


@beat_init.connect
def catch_up_on_start(sender, **kwargs):
    schedule = sender.app.conf.beat_schedule or {}
    for name in CATCH_UP_ON_START:
        if name in schedule:
            entry = schedule[name]
            sender.app.send_task(
                entry["task"], kwargs=entry.get("kwargs") or {}, **(entry.get("options") or {})
            )


# Heartbeats (servicedesk.heartbeats): the worker and beat each record that they are
# alive every HEARTBEAT_INTERVAL seconds; /healthz and the managers' banner read them.
@worker_ready.connect
def start_worker_heartbeat(sender, **kwargs):
    from servicedesk.heartbeats import start_thread

    start_thread("worker")


@beat_init.connect
def start_beat_heartbeat(sender, **kwargs):
    from servicedesk.heartbeats import start_thread

    start_thread("beat")
