import pytest

from servicedesk.celery import app as celery_app


@pytest.fixture(autouse=True)
def _eager_celery():
    """The e-mail task enqueued after commit runs in-process in these tests."""
    # The app reads Django settings with the CELERY_ namespace, so the prefixed key wins.
    previous = celery_app.conf.task_always_eager
    celery_app.conf.update(CELERY_TASK_ALWAYS_EAGER=True)
    yield
    celery_app.conf.update(CELERY_TASK_ALWAYS_EAGER=previous)


@pytest.fixture
def ticket_a(world):
    from tests.factories.tickets import TicketFactory

    return TicketFactory(site=world.site_a, equipment=world.equipment_a, title="PLC offline",
                         contact_email="ops@org-a.test")
