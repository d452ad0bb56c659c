"""Tasks only the service tests' workers load (`celery worker --include tests.broker_tasks`)."""

import os

from celery import shared_task


@shared_task(name="tests.broker_tasks.record")
def record(folder: str, token: str, padding: str = "") -> None:
    """The effect of one task: a file named by its token. A second run of the same
    token is written down in `duplicates` (the test wants none). `padding` only makes
    the message bigger."""
    try:
        os.close(os.open(os.path.join(folder, token), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        with open(os.path.join(folder, "duplicates"), "a") as handle:
            handle.write(token + "\n")
