"""Service teams (issue 18): the plan's rule as warnings, the customer's contacts, the
team first in assignment suggestions and escalation; and the hotline: caller lookup by
phone number, register and triage in one transaction."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from assets import services as asset_services
from assets.selectors import team_warnings
from servicedesk.errors import PermissionDenied, ServiceError
from tests.factories import (
    EngineerProfileFactory,
    ServiceCenterFactory,
    SiteFactory,
    UserFactory,
)
from tests.factories.tickets import TicketFactory
from tickets import selectors, services
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
R = User.Role


@pytest.fixture
def team_people(world):
    """Two more engineers of the local centre, one of whom carries open work, and a
    second expert; the team is engineer2, a newcomer and expert2 (the lead)."""
    newcomer = UserFactory(username="newcomer", role=R.ENGINEER, service_centers=[world.local])
    busy = UserFactory(username="busy", role=R.ENGINEER, service_centers=[world.local])
    expert2 = UserFactory(username="expert2", role=R.EXPERT, service_centers=[world.regional])
    EngineerProfileFactory(user=expert2, service_center=world.regional, tier=2)
    for _n in range(2):
        TicketFactory(
            site=world.site_a, assignee=world.engineer2, status="triaged", severity="general"
        )
    return {"newcomer": newcomer, "busy": busy, "expert2": expert2}


@pytest.fixture
def team(world, team_people):
    return asset_services.contract_team_set(
        contract=world.contract_a,
        actor=world.manager,
        lead=team_people["expert2"],
        members=[world.engineer2, team_people["newcomer"]],
        name="Team A",
    )


def names(users):
    return [u.username for u in users]


# --- the rule and the contacts -------------------------------------------------------
def test_a_team_below_five_is_saved_with_a_warning(team):
    warnings = team_warnings(team)
    assert len(warnings) == 1 and "3" in warnings[0] and "5" in warnings[0]


def test_a_full_team_with_a_senior_lead_has_no_warning(world, team_people):
    extra = [UserFactory(role=R.ENGINEER, service_centers=[world.local]) for _n in range(3)]
    team = asset_services.contract_team_set(
        contract=world.contract_a,
        actor=world.manager,
        lead=world.expert,
        members=extra + [world.engineer1],
    )
    assert team_warnings(team) == []
    team = asset_services.contract_team_set(
        contract=world.contract_a,
        actor=world.manager,
        lead=world.engineer1,
        members=extra + [world.expert],
    )
    assert team_warnings(team) == ["The team lead is not a senior engineer."]
    assert team.members.filter(role="lead").get().user == world.engineer1
    assert team.members.count() == 5


def test_only_managers_set_teams_and_only_staff_join(world):
    with pytest.raises(PermissionDenied):
        asset_services.contract_team_set(
            contract=world.contract_a, actor=world.dispatcher, lead=world.expert, members=[]
        )
    with pytest.raises(ServiceError):
        asset_services.contract_team_set(
            contract=world.contract_a,
            actor=world.manager,
            lead=world.expert,
            members=[world.customer_a],
        )


def test_api_team_customers_see_their_contacts_only(api, world, team):
    url = f"/api/v1/contracts/{world.contract_a.pk}/team/"
    mine = api.as_user(world.customer_a).get(url)
    assert mine.status_code == 200
    assert [m["team_role"] for m in mine.json()["members"]][0] == "lead"
    assert mine.json()["warnings"] == []  # the shortfall is the provider's business
    assert api.as_user(world.customer_b).get(url).status_code == 404
    staff = api.as_user(world.manager).get(url).json()
    assert len(staff["warnings"]) == 1


def test_api_team_put(api, world, team_people):
    url = f"/api/v1/contracts/{world.contract_a.pk}/team/"
    body = {"lead": world.expert.pk, "members": [world.engineer1.pk, world.engineer2.pk]}
    assert api.as_user(world.dispatcher).put(url, body, format="json").status_code == 403
    client = api.as_user(world.manager)
    assert (
        client.put(url, {"lead": world.customer_a.pk, "members": []}, format="json").status_code
        == 400
    )
    assert client.put(url, {"members": []}, format="json").status_code == 400
    response = client.put(url, body, format="json")
    assert response.status_code == 200
    assert sorted(m["user"] for m in response.json()["members"]) == sorted(
        [world.expert.pk, world.engineer1.pk, world.engineer2.pk]
    )


def test_customer_home_page_lists_the_team_as_contacts(client, world, team):
    world.engineer2.phone = "+86 10 5555 0101"
    world.engineer2.save()
    client.force_login(world.customer_a)
    page = client.get("/").content.decode()
    assert 'data-testid="service-team"' in page and "+86 10 5555 0101" in page
    client.force_login(world.customer_b)
    assert "+86 10 5555 0101" not in client.get("/").content.decode()


def test_workload_page_shows_each_members_open_reports(client, world, team):
    client.force_login(world.dispatcher)
    page = client.get("/tickets/teams/").content.decode()
    assert 'data-testid="load-engineer2">2<' in page
    assert 'data-testid="team-warning"' in page
    client.force_login(world.customer_a)
    assert client.get("/tickets/teams/").status_code == 404


# --- team-first suggestions and escalation ------------------------------------------
def test_suggestions_put_the_team_first_then_the_least_loaded(world, team, team_people):
    ticket = TicketFactory(site=world.site_a)
    suggested = selectors.suggest_engineers(ticket, limit=10)
    # Team (least loaded first; engineer2 has two open reports), then the centre's
    # others least loaded first.
    assert names(suggested) == ["expert2", "newcomer", "engineer2", "busy", "engineer1", "expert"]
    assert [u.in_team for u in suggested[:3]] == [True, True, True]
    assert suggested[3].in_team is False


def test_without_a_team_the_least_loaded_of_the_centre_come_first(world, team_people):
    ticket = TicketFactory(site=world.site_a)
    assert names(selectors.suggest_engineers(ticket, limit=3)) == ["busy", "engineer1", "expert"]


def test_a_team_of_an_expired_contract_or_another_site_is_not_first(world, team):
    world.contract_a.ends_on = timezone.localdate() - timedelta(days=1)
    world.contract_a.save()
    assert selectors.suggest_engineers(TicketFactory(site=world.site_a))[0].username == "busy"
    other_site = SiteFactory(organization=world.org_a, service_center=world.local)
    assert selectors.suggest_engineers(TicketFactory(site=other_site))[0].username == "busy"


def test_team_first_combines_with_any_candidate_list(world, team):
    ticket = TicketFactory(site=world.site_a)
    ranked = selectors.team_first(ticket, [world.engineer1, world.engineer2])
    assert names(ranked)[:3] == ["expert2", "newcomer", "engineer2"]
    assert names(ranked)[-1] == "engineer1"


def test_suggestions_respect_the_dispatchers_centres_and_the_tier(world, team):
    ticket = TicketFactory(site=world.site_a, tier=Ticket.Tier.EXPERT)
    assert {u.role for u in selectors.suggest_engineers(ticket)} == {R.EXPERT}
    # The dispatcher of the local centre may not hand work to the regional experts.
    mine = selectors.suggest_engineers(TicketFactory(site=world.site_a), actor=world.dispatcher)
    assert "expert2" not in names(mine) and names(mine)[0] == "newcomer"


def test_escalation_goes_to_the_teams_expert_first(build, world, team):
    ticket = build.ticket("in_progress")
    services.ticket_escalate(ticket=ticket, actor=world.engineer1, reason="Beyond tier 1")
    assert Ticket.objects.get(pk=ticket.pk).assignee.username == "expert2"


def test_escalation_without_a_team_stays_least_loaded(build, world):
    ticket = build.ticket("in_progress")
    services.ticket_escalate(ticket=ticket, actor=world.engineer1, reason="Beyond tier 1")
    assert Ticket.objects.get(pk=ticket.pk).assignee == world.expert


# --- hotline --------------------------------------------------------------------------
@pytest.fixture
def caller(world):
    world.customer_a2.phone = "+86 (21) 6123-4567"
    world.customer_a2.save()
    return world.customer_a2


def test_lookup_finds_the_caller_whatever_the_punctuation(world, caller):
    TicketFactory(site=world.site_a, reporter=caller, title="Earlier fault")
    TicketFactory(site=world.site_b, title="Not theirs")
    found = selectors.caller_lookup(world.dispatcher, "021 61234567")
    assert found["people"] == [caller]
    assert found["organizations"] == [world.org_a]
    assert found["sites"] == [world.site_a]
    assert found["equipment"] == [world.equipment_a]
    assert [t.title for t in found["recent"]] == ["Earlier fault"]


def test_lookup_by_site_contact_and_unknown_numbers(world):
    world.site_b.contact_phone = "0755-8888 1234"
    world.site_b.save()
    assert selectors.caller_lookup(world.dispatcher, "075588881234")["organizations"] == [
        world.org_b
    ]
    assert selectors.caller_lookup(world.dispatcher, "13900000000")["organizations"] == []
    assert selectors.caller_lookup(world.dispatcher, "12") is None


def test_lookup_stays_in_the_dispatchers_scope(world, caller):
    other_centre = ServiceCenterFactory()
    elsewhere = UserFactory(role=R.DISPATCHER, service_centers=[other_centre])
    found = selectors.caller_lookup(elsewhere, "61234567")
    assert found["organizations"] == [] and found["people"] == [] and found["recent"] == []


def test_register_call_creates_and_triages_in_one_go(world, caller):
    started = timezone.now() - timedelta(minutes=3)
    ticket = services.ticket_register_call(
        actor=world.dispatcher,
        site=world.site_a,
        equipment=world.equipment_a,
        title="Line stopped",
        description="Conveyor PLC down",
        severity="major",
        assignee=world.engineer1,
        contact_name="A2",
        contact_phone=caller.phone,
        call_started=started,
    )
    assert ticket.status == "triaged" and ticket.channel == "phone"
    assert ticket.reported_at == started and ticket.assignee == world.engineer1
    assert ticket.triaged_at - ticket.reported_at < timedelta(minutes=15)
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds[:2] == ["reported", "triaged"]


def test_register_call_rolls_back_whole_on_a_bad_triage(world):
    with pytest.raises(ServiceError):
        services.ticket_register_call(
            actor=world.dispatcher,
            site=world.site_a,
            title="x",
            description="y",
            severity="catastrophic",
        )
    assert not Ticket.objects.exists()


def test_implausible_call_start_is_replaced_by_now(world):
    ticket = services.ticket_register_call(
        actor=world.dispatcher,
        site=world.site_a,
        title="x",
        description="y",
        severity="general",
        call_started=timezone.now() - timedelta(days=2),
    )
    assert timezone.now() - ticket.reported_at < timedelta(minutes=1)


def test_customers_and_engineers_cannot_use_the_hotline(client, world):
    for user in (world.customer_a, world.engineer1):
        client.force_login(user)
        assert client.get("/tickets/hotline/").status_code == 404
        assert client.get("/tickets/hotline/lookup/?contact_phone=123456").status_code == 404
    with pytest.raises(PermissionDenied):
        services.ticket_register_call(
            actor=world.engineer1, site=world.site_a, title="x", description="y", severity="general"
        )


def test_hotline_page_registers_through_the_form(client, world, caller):
    client.force_login(world.dispatcher)
    fragment = client.get("/tickets/hotline/lookup/?contact_phone=61234567").content.decode()
    assert "Org A" in fragment and 'data-testid="caller-person"' in fragment
    response = client.post(
        "/tickets/hotline/",
        {
            "contact_phone": "61234567",
            "site": world.site_a.pk,
            "kind": "fault",
            "title": "Pump alarm",
            "description": "Alarm 42",
            "urgency": "high",
            "severity": "urgent",
            "assignee": world.engineer2.pk,
            "call_started": (timezone.now() - timedelta(minutes=2)).isoformat(),
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/"
    assert ticket.severity == "urgent" and ticket.assignee == world.engineer2
