"""The project's settings with the no-database view as the only URL (bench/nodb.py)."""

from servicedesk.settings import *  # noqa: F403

ROOT_URLCONF = "bench.nodb"
