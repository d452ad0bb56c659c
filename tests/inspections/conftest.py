import pytest

from tests.factories.inspections import InspectionFactory, InspectionPlanFactory


@pytest.fixture(autouse=True)
def _eager_celery(eager_celery):
    """Tasks enqueued after commit run in-process in these tests."""


@pytest.fixture
def plan_a(world):
    return InspectionPlanFactory(
        site=world.site_a, contract=world.contract_a, default_engineer=world.engineer1
    )


@pytest.fixture
def plan_b(world):
    return InspectionPlanFactory(
        site=world.site_b, contract=world.contract_b, default_engineer=world.engineer2
    )


@pytest.fixture
def inspection_a(plan_a, world):
    return InspectionFactory(plan=plan_a, assignee=world.engineer1)


@pytest.fixture
def inspection_b(plan_b, world):
    return InspectionFactory(plan=plan_b, assignee=world.engineer2)


def items(inspection):
    return {item.order: item for item in inspection.checklist_template.items.all()}


def fill_required(inspection, actor, *, voltage="13.2"):
    """Record every required item (and start the inspection first if needed)."""
    from inspections import services

    if inspection.status == "scheduled":
        inspection = services.inspection_start(inspection=inspection, actor=actor)
    by_order = items(inspection)
    services.inspection_record_results(
        inspection=inspection,
        actor=actor,
        results=[
            {"item": by_order[1].pk, "outcome": "ok"},
            {"item": by_order[2].pk, "value": voltage},
            {"item": by_order[3].pk, "text": "Backups verified"},
        ],
    )
    inspection.refresh_from_db()
    return inspection
