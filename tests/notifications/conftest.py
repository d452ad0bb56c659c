import pytest


@pytest.fixture(autouse=True)
def _eager_celery(eager_celery):
    """Tasks enqueued after commit run in-process in these tests."""


@pytest.fixture
def ticket_a(world):
    from tests.factories.tickets import TicketFactory

    return TicketFactory(
        site=world.site_a,
        equipment=world.equipment_a,
        title="PLC offline",
        contact_email="ops@org-a.test",
    )
