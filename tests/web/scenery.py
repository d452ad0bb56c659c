"""A little of everything the pages show, made through the services (so that timelines,
notifications and history are real): for the page walks (zh-hans words, axe-core)."""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from inspections.services import inspection_plan_create
from spareparts.services import stock_create, stockroom_create
from tests.factories.inspections import standard_template
from tests.factories.spareparts import PartFactory
from tickets.services import (
    comment_add,
    ticket_assign,
    ticket_create,
    ticket_dispatch,
    ticket_respond,
    ticket_triage,
    visit_depart,
)
from training.catalogue import course_create, session_create


def build(world) -> SimpleNamespace:
    users = world.users
    ticket = ticket_create(
        actor=world.customer_a,
        organization=world.org_a,
        site=world.site_a,
        equipment=world.equipment_a,
        title="信号控制器报警",
        description="控制柜报警，设备无响应。",
        channel="portal",
    )
    ticket = ticket_triage(ticket=ticket, actor=users.dispatcher, severity="urgent")
    ticket = ticket_assign(ticket=ticket, actor=users.dispatcher, assignee=users.engineer1)
    ticket = ticket_respond(ticket=ticket, actor=users.engineer1, note="远程诊断中")
    comment_add(ticket=ticket, author=world.customer_a, body="请尽快处理。")
    visit = ticket_dispatch(ticket=ticket, actor=users.engineer1, engineer=users.engineer1)
    visit = visit_depart(visit=visit, actor=users.engineer1)
    other = ticket_create(
        actor=users.dispatcher,
        organization=world.org_b,
        site=world.site_b,
        title="水泵控制柜风扇噪音",
        description="风扇异响。",
        channel="phone",
    )
    today = timezone.localdate()
    plan = inspection_plan_create(
        actor=users.manager,
        name="月度巡检",
        site=world.site_a,
        contract=world.contract_a,
        recurrence="monthly",
        anchor_date=today,
        checklist_template=standard_template(),
        active_from=today,
    )
    room = stockroom_create(actor=users.manager, service_center=world.local, name="本地备件库")
    part = PartFactory(name="电源模块")
    stock = stock_create(actor=users.manager, part=part, stockroom=room, reorder_point=2)
    course = course_create(
        actor=users.manager, kind="operational", title="设备操作培训", duration_hours=4
    )
    start = timezone.now() + timedelta(days=7)
    session = session_create(
        actor=users.manager,
        course=course,
        organization=world.org_a,
        trainer=users.engineer1,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        place="一号会议室",
        capacity=10,
    )
    return SimpleNamespace(
        ticket=ticket,
        other=other,
        visit=visit,
        plan=plan,
        stock=stock,
        part=part,
        course=course,
        session=session,
    )
