"""The create request's one-query lookup of a report's organisation, site and unit
(tickets.api.places, issue 15) sees exactly what the scoped selectors let each user
see, and the create path's other merged reads give what the separate reads gave."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.selectors import organizations_visible_to
from assets.selectors import equipment_visible_to, sites_visible_to
from notifications.channels import routing
from notifications.models import ChannelEndpoint, ChannelPreference
from tests.factories import (
    EquipmentFactory,
    OrganizationFactory,
    ServiceCenterFactory,
    SiteFactory,
    UserFactory,
)
from tickets import services
from tickets.api.places import report_place
from tickets.models import Ticket
from tickets.services import _base as base

pytestmark = pytest.mark.django_db
R = User.Role


@pytest.fixture
def more(world):
    """A second region with its own site and unit, its dispatcher, and staff without
    centres (who see everything)."""
    region = ServiceCenterFactory(name="North", code="north", kind="regional")
    centre = ServiceCenterFactory(name="North local", code="north-local", parent=region)
    org_c = OrganizationFactory(name="Org C", code="org-c")
    site_c = SiteFactory(organization=org_c, service_center=centre, name="Site C")
    equipment_c = EquipmentFactory(site=site_c)
    users = [
        UserFactory(username="north_dispatcher", role=R.DISPATCHER, service_centers=[centre]),
        UserFactory(username="north_manager", role=R.MANAGER, service_centers=[region]),
        UserFactory(username="loose_dispatcher", role=R.DISPATCHER),
        UserFactory(username="customer_c", role=R.CUSTOMER, organization=org_c),
    ]
    return site_c, equipment_c, users


def _users(world, extra):
    u = world.users
    people = [
        u.admin,
        u.manager,
        u.dispatcher,
        u.engineer1,
        u.expert,
        u.customer_a,
        u.customer_a2,
        u.customer_b,
        *extra,
    ]
    return [User.objects.get(pk=p.pk) for p in people]


@pytest.mark.parametrize("centres_known", [False, True])
def test_report_place_sees_what_the_selectors_see(world, more, centres_known):
    site_c, equipment_c, extra = more
    sites = [world.site_a, world.site_b, site_c]
    units = [world.equipment_a, world.equipment_b, equipment_c]
    checked = 0
    for user in _users(world, extra):
        if centres_known:
            user.center_ids  # noqa: B018 - computed earlier in the request
        for site in sites:
            site_seen = sites_visible_to(user).filter(pk=site.pk).exists()
            found = report_place(user, site=str(site.pk))
            assert bool(found) == site_seen, (user.username, site.name)
            if found:
                assert found["site"] == site and found["organization"] == site.organization
                assert organizations_visible_to(user).filter(pk=site.organization_id).exists()
            for unit in units:
                found = report_place(user, site=site.pk, equipment=unit.pk)
                unit_seen = equipment_visible_to(user).filter(pk=unit.pk).exists()
                expected = unit.site_id == site.pk and unit_seen
                assert bool(found) == expected, (user.username, site.name, unit.pk)
                if found:
                    assert found["equipment"] == unit and found["site"] == site and site_seen
                    assert found["site"].service_center.pk == site.service_center_id
                checked += 1
    assert checked == len(_users(world, extra)) * 9


def test_report_place_is_one_query_and_ignores_what_is_not_an_id(world, django_assert_num_queries):
    user = User.objects.get(pk=world.dispatcher.pk)
    with django_assert_num_queries(1):
        found = report_place(user, site=world.site_a.pk, equipment=world.equipment_a.pk)
    with django_assert_num_queries(0):  # all read: nothing more for the service
        assert found["site"].service_center.parent_id == world.regional.pk
        assert found["organization"].name == "Org A"
    with django_assert_num_queries(0):
        assert report_place(user, site="x") == {}
        assert report_place(user, site=None) == {}
        assert report_place(user, site=world.site_a.pk, equipment=[1]) == {}
        assert report_place(user, site=True) == {}


def test_api_errors_stay_those_of_the_scoped_fields(world, more, api):
    site_c, equipment_c, _extra = more
    client = api.as_user(User.objects.get(pk=world.dispatcher.pk))
    body = {"title": "Pump", "description": "x", "channel": "phone"}
    outside = client.post(
        "/api/v1/tickets/",
        {**body, "organization": site_c.organization_id, "site": site_c.pk},
        format="json",
    )
    assert outside.status_code == 400
    assert "organization" in str(outside.json()) and "site" in str(outside.json())
    mismatch = client.post(
        "/api/v1/tickets/",
        {**body, "organization": world.org_b.pk, "site": world.site_a.pk},
        format="json",
    )
    assert mismatch.status_code == 400 and "site" in str(mismatch.json())
    other_unit = client.post(
        "/api/v1/tickets/",
        {
            **body,
            "organization": world.org_a.pk,
            "site": world.site_a.pk,
            "equipment": world.equipment_b.pk,
        },
        format="json",
    )
    assert other_unit.status_code == 400 and "equipment" in str(other_unit.json())
    hidden_unit = client.post(
        "/api/v1/tickets/",
        {
            **body,
            "organization": world.org_a.pk,
            "site": world.site_a.pk,
            "equipment": equipment_c.pk,
        },
        format="json",
    )
    assert hidden_unit.status_code == 400 and "equipment" in str(hidden_unit.json())
    assert not Ticket.objects.exists()


def test_a_customer_reports_for_their_own_organisation(world, api):
    client = api.as_user(User.objects.get(pk=world.users.customer_a2.pk))
    response = client.post(
        "/api/v1/tickets/",
        {
            "site": world.site_a.pk,
            "equipment": world.equipment_a.pk,
            "title": "T",
            "description": "d",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["organization"] == world.org_a.pk
    elsewhere = client.post(
        "/api/v1/tickets/",
        {"site": world.site_b.pk, "title": "T", "description": "d"},
        format="json",
    )
    assert elsewhere.status_code == 400 and "site" in str(elsewhere.json())


def test_the_ticket_is_inserted_with_its_nearest_due_and_never_updated(world):
    with CaptureQueriesContext(connection) as captured:
        ticket = services.ticket_create(
            actor=world.dispatcher,
            organization=world.org_a,
            site=world.site_a,
            title="Pump",
            description="x",
            channel="phone",
        )
    clocks = list(ticket.sla_clocks.all())
    assert len(clocks) == 2  # triage and response
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.nearest_due_at == min(c.due_at for c in clocks) == ticket.nearest_due_at
    sql = [q["sql"] for q in captured.captured_queries]
    assert not [q for q in sql if q.startswith('UPDATE "tickets_ticket"')]
    assert stored.history.count() == 1  # the history row of the INSERT, no other
    assert stored.history.first().history_type == "+"


@pytest.mark.parametrize("reporter", ["staff", "customer", "inactive customer"])
def test_report_recipients_are_the_two_separate_reads(world, reporter, django_assert_num_queries):
    UserFactory(username="north_cust_admin", role=R.CUSTOMER_ADMIN, organization=world.org_b)
    UserFactory(username="loose", role=R.DISPATCHER)
    UserFactory(username="gone", role=R.DISPATCHER, is_active=False)
    UserFactory(username="admin_a2", role=R.CUSTOMER_ADMIN, organization=world.org_a)
    customer = world.users.customer_a2
    if reporter == "inactive customer":
        User.objects.filter(pk=customer.pk).update(is_active=False)
        customer.refresh_from_db()
    ticket = Ticket.objects.create(
        number="FR-2026-999999",
        title="t",
        description="d",
        channel="phone",
        organization=world.org_a,
        site=world.site_a,
        reporter=None if reporter == "staff" else customer,
        reported_at=base.now(),
    )
    ticket = Ticket.objects.select_related("reporter", "site__service_center").get(pk=ticket.pk)
    separate = (base.dispatchers_for(ticket), base.customer_recipients(ticket))
    with django_assert_num_queries(1):
        merged = base.report_recipients(ticket)
    assert merged == separate
    assert merged[0][0] == world.dispatcher and [u.username for u in merged[0]][-1] == "loose"


def test_channels_for_reads_endpoints_and_preferences_together(world, django_assert_num_queries):
    hook = ChannelEndpoint.objects.create(
        name="Z hook",
        url="https://hooks.example.com/a",
        events=["ticket_reported"],
        service_center_id=world.local.pk,
        language="zh-hans",
    )
    robot = ChannelEndpoint.objects.create(
        name="A robot", kind="wecom", url="https://qyapi.example.com/r", events=["ticket_closed"]
    )
    ChannelEndpoint.objects.create(url="https://hooks.example.com/off", events=["x"], active=False)
    ChannelEndpoint.objects.create(url="https://hooks.example.com/none", events=[])
    ChannelPreference.objects.create(user=world.dispatcher, channel="email", enabled=False)
    ChannelPreference.objects.create(
        user=world.engineer1, channel="sms", enabled=True, events=["ticket_assigned"]
    )
    ChannelPreference.objects.create(user=world.manager, channel="sms", enabled=True)
    with django_assert_num_queries(1):
        endpoints, chosen = routing.channels_for({world.dispatcher.pk, world.engineer1.pk, None})
    assert [(e.pk, e.kind, e.events, e.service_center_id, e.language) for e in endpoints] == [
        (robot.pk, "wecom", ["ticket_closed"], None, robot.language),
        (hook.pk, "webhook", ["ticket_reported"], world.local.pk, "zh-hans"),
    ]
    assert set(chosen.choices) == {(world.dispatcher.pk, "email"), (world.engineer1.pk, "sms")}
    assert chosen.choices[(world.dispatcher.pk, "email")].enabled is False
    assert chosen.choices[(world.engineer1.pk, "sms")].events == ["ticket_assigned"]
    with django_assert_num_queries(1):
        endpoints, chosen = routing.channels_for(set())
    assert len(endpoints) == 2 and chosen.choices == {}
