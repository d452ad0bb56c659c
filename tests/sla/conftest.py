from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


def cst(*args) -> datetime:
    """An instant given as China Standard Time wall-clock values."""
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def clocks_of():
    from sla.models import Clock

    def get(ticket):
        """The latest round of each metric."""
        return {
            c.metric: c for c in Clock.objects.filter(ticket=ticket).order_by("metric", "round")
        }

    return get
