import os

from celery import Celery

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
