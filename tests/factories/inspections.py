import datetime
from decimal import Decimal

import factory

from inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionPlan,
    MaintenancePlan,
    MaintenanceTask,
)

from .assets import EquipmentFactory, ServiceContractFactory, SiteFactory


class ChecklistTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistTemplate

    name = factory.Sequence(lambda n: f"Checklist {n}")


class ChecklistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistItem

    template = factory.SubFactory(ChecklistTemplateFactory)
    order = factory.Sequence(lambda n: n + 1)
    kind = ChecklistItem.Kind.PASS_WARN_FAIL
    label = factory.Sequence(lambda n: f"Item {n}")


def standard_template() -> ChecklistTemplate:
    """pass/warn/fail, a number with limits (UPS battery 12.0–14.4 V), text, photo."""
    template = ChecklistTemplateFactory()
    ChecklistItemFactory(
        template=template, order=1, label="System running", section="System running state"
    )
    ChecklistItemFactory(
        template=template,
        order=2,
        kind=ChecklistItem.Kind.NUMBER,
        label="UPS battery voltage",
        unit="V",
        min_value=Decimal("12.0"),
        max_value=Decimal("14.4"),
        section="Equipment performance",
    )
    ChecklistItemFactory(
        template=template,
        order=3,
        kind=ChecklistItem.Kind.TEXT,
        label="Backup notes",
        section="Data security",
    )
    ChecklistItemFactory(
        template=template,
        order=4,
        kind=ChecklistItem.Kind.PHOTO,
        label="Cabinet photo",
        required=False,
    )
    return template


class InspectionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionPlan

    name = factory.Sequence(lambda n: f"Plan {n}")
    site = factory.SubFactory(SiteFactory)
    contract = factory.LazyAttribute(
        lambda plan: ServiceContractFactory(organization=plan.site.organization, sites=[plan.site])
    )
    recurrence = InspectionPlan.Recurrence.MONTHLY
    anchor_date = datetime.date(2026, 1, 15)
    active_from = factory.SelfAttribute("anchor_date")
    checklist_template = factory.LazyFunction(standard_template)


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    plan = factory.SubFactory(InspectionPlanFactory)
    site = factory.SelfAttribute("plan.site")
    checklist_template = factory.SelfAttribute("plan.checklist_template")
    service_center = factory.SelfAttribute("site.service_center")
    scheduled_for = factory.Sequence(
        lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n)
    )


class MaintenancePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaintenancePlan

    equipment = factory.SubFactory(EquipmentFactory, critical=True)
    task_kind = MaintenancePlan.TaskKind.FIRMWARE_UPDATE
    interval_count = 6
    interval_unit = MaintenancePlan.IntervalUnit.MONTHS
    start_date = datetime.date(2026, 1, 1)


class MaintenanceTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaintenanceTask

    plan = factory.SubFactory(MaintenancePlanFactory)
    equipment = factory.SelfAttribute("plan.equipment")
    task_kind = factory.SelfAttribute("plan.task_kind")
    due_on = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
