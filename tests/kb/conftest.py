import pytest

from tests.factories import EquipmentFactory
from tests.factories.kb import article
from tests.factories.tickets import TicketFactory
from tickets.models import Ticket


@pytest.fixture
def library(world):
    """A Chinese and an English article on unit A's model, one on unit B's model only,
    one general, and a draft."""
    engineer, model_a, model_b = (
        world.engineer1,
        world.equipment_a.equipment_model,
        world.equipment_b.equipment_model,
    )
    return {
        "zh": article(
            engineer,
            title="主轴轴承磨损的处理",
            language="zh-hans",
            equipment_models=[model_a],
            body="主轴异响，振动大。原因：**轴承**润滑不足导致磨损。处理：更换轴承并加注润滑脂。",
        ),
        "en": article(
            engineer,
            title="Replacing a worn spindle bearing",
            equipment_models=[model_a],
            body="Noise from the spindle means the **bearings** are worn. Replace them.",
        ),
        "b_only": article(
            engineer,
            title="Conveyor belt slipping",
            equipment_models=[model_b],
            body="Tension the belt; check the bearing of the drive roller.",
        ),
        "general": article(
            engineer,
            title="Resetting the HMI password",
            body="Hold F1 and F4 while powering up, then follow the prompts.",
        ),
        "draft": article(
            engineer,
            title="Bearing noise (draft)",
            body="Not checked yet: bearing.",
            status="draft",
            equipment_models=[model_a],
        ),
    }


@pytest.fixture
def resolved_ticket(world):
    return TicketFactory(
        site=world.site_a,
        equipment=world.equipment_a,
        status=Ticket.Status.RESOLVED,
        severity=Ticket.Severity.GENERAL,
        title="Spindle noise",
        resolution="remote",
        description="Loud noise from the spindle at high speed.",
        cause="Bearing worn out by missing lubrication.",
        solution="Replaced the bearing.",
        prevention="Grease the bearing every 500 hours.",
        assignee=world.engineer1,
    )


@pytest.fixture
def other_unit(world):
    return EquipmentFactory(site=world.site_a, equipment_model=world.equipment_a.equipment_model)
