"""Upgrade assessments (issue 18): drafted by staff, proposed, approved or declined by
the customer online; approval plans the upgrade as a maintenance task. API and PDF."""

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from inspections import services
from inspections.models import MaintenanceTask, UpgradeAssessment
from notifications.models import Notification, OutboxMessage
from servicedesk.errors import InvalidTransition, PermissionDenied, ServiceError
from tests.factories.tickets import TicketFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
URL = "/api/v1/upgrade-assessments/"
FIELDS = {
    "current_configuration": "Redundant pair, 2 I/O racks",
    "target_version": "4.2.1",
    "proposal": "Upgrade the controller firmware to 4.2.1",
    "risks": "Rollback takes an hour",
    "downtime_estimate": timedelta(hours=3),
    "planned_for": date(2027, 3, 1),
}
LINES = [
    {
        "description": "Firmware licence",
        "quantity": "1",
        "unit_price": "12000.00",
        "currency": "CNY",
    },
    {"description": "Engineer on site", "quantity": "2", "unit_price": "1500", "currency": "CNY"},
    {"description": "Vendor support", "quantity": "1", "unit_price": "300", "currency": "USD"},
]


@pytest.fixture
def upgrade_ticket(world):
    return TicketFactory(
        site=world.site_a,
        kind=Ticket.Kind.UPGRADE,
        equipment=world.equipment_a,
        assignee=world.engineer1,
        reporter=world.customer_a2,
        status=Ticket.Status.TRIAGED,
        severity=Ticket.Severity.GENERAL,
    )


@pytest.fixture
def draft(world, upgrade_ticket):
    world.equipment_a.firmware_version = "3.9"
    world.equipment_a.save()
    return services.assessment_create(
        actor=world.engineer1, ticket=upgrade_ticket, fields=dict(FIELDS), lines=LINES
    )


@pytest.fixture
def proposed(world, draft):
    return services.assessment_propose(actor=world.engineer1, assessment=draft)


def test_draft_takes_the_units_version_and_totals_per_currency(draft):
    assert draft.current_version == "3.9"
    assert draft.equipment is not None
    assert {k: str(v) for k, v in draft.totals().items()} == {"CNY": "15000.00", "USD": "300.00"}


def test_only_upgrade_and_consultation_tickets_carry_an_assessment(world):
    fault = TicketFactory(site=world.site_a, kind=Ticket.Kind.FAULT)
    with pytest.raises(ServiceError):
        services.assessment_create(
            actor=world.engineer1, ticket=fault, fields=dict(FIELDS), lines=[]
        )


@pytest.mark.parametrize(
    "line",
    [
        {"description": "", "unit_price": "1"},
        {"description": "x", "unit_price": "-1"},
        {"description": "x", "unit_price": "1", "quantity": "0"},
        {"description": "x", "unit_price": "1", "currency": "yuan"},
        {"description": "x", "unit_price": "NaN"},
    ],
)
def test_bad_quote_lines_are_refused(world, upgrade_ticket, line):
    with pytest.raises(ServiceError):
        services.assessment_create(
            actor=world.engineer1, ticket=upgrade_ticket, fields=dict(FIELDS), lines=[line]
        )
    assert not UpgradeAssessment.objects.exists()


def test_approval_plans_the_upgrade_and_tells_staff_in_one_transaction(world, proposed):
    customer_told = Notification.objects.filter(
        recipient=world.customer_a2, event="assessment_proposed"
    )
    assert customer_told.exists()
    emails_before = OutboxMessage.objects.count()
    approved = services.assessment_approve(actor=world.customer_a2, assessment=proposed, note="OK")
    task = approved.maintenance_task
    assert approved.status == UpgradeAssessment.Status.APPROVED
    assert approved.decided_by == world.customer_a2
    assert task.due_on == date(2027, 3, 1) and task.status == MaintenanceTask.Status.DUE
    assert task.task_kind == "firmware_update" and task.assignee == world.engineer1
    assert task.plan.active is False  # a one-off: never generated again
    assert Notification.objects.filter(
        recipient=world.engineer1, event="assessment_approved"
    ).exists()
    assert OutboxMessage.objects.count() > emails_before  # the e-mails, in the same transaction
    assert approved.history.count() >= 3  # draft, proposed, approved


def test_a_second_decision_is_refused(world, proposed):
    services.assessment_decline(actor=world.customer_a, assessment=proposed, reason="Too dear")
    with pytest.raises(InvalidTransition):
        services.assessment_approve(actor=world.customer_a2, assessment=proposed)
    assert not MaintenanceTask.objects.exists()


def test_other_organisation_and_staff_cannot_decide(world, proposed):
    with pytest.raises(PermissionDenied):
        services.assessment_approve(actor=world.customer_b, assessment=proposed)
    with pytest.raises(PermissionDenied):
        services.assessment_approve(actor=world.engineer1, assessment=proposed)


def test_a_declined_assessment_can_be_revised_and_proposed_again(world, proposed):
    services.assessment_decline(actor=world.customer_a, assessment=proposed, reason="Later")
    revised = services.assessment_revise(actor=world.engineer1, assessment=proposed)
    services.assessment_update(
        actor=world.engineer1, assessment=revised, fields={"planned_for": date(2027, 6, 1)}
    )
    again = services.assessment_propose(actor=world.engineer1, assessment=revised)
    assert again.status == "proposed" and again.planned_for == date(2027, 6, 1)


@pytest.mark.parametrize(
    ("language", "words"), [("en", "Upgrade assessment"), ("zh-hans", "升级评估")]
)
def test_pdf_in_the_readers_language(proposed, language, words):
    content = services.render_assessment(proposed, language=language)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert words in text
    assert "15000.00 CNY" in text and "300.00 USD" in text


# --- API ---------------------------------------------------------------------------
def test_api_create_propose_and_approve(api, world, upgrade_ticket):
    body = {
        "ticket": upgrade_ticket.pk,
        "proposal": "Upgrade to 4.2.1",
        "target_version": "4.2.1",
        "downtime_estimate": "02:30:00",
        "planned_for": "2027-03-01",
        "lines": [{"description": "Licence", "unit_price": "100.00", "currency": "EUR"}],
    }
    created = api.as_user(world.engineer1).post(URL, body, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["totals"] == [{"currency": "EUR", "total": "100.00"}]
    assert api.post(f"{URL}{pk}/propose/").status_code == 200
    answer = api.as_user(world.customer_a).post(f"{URL}{pk}/approve/", {}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "approved" and answer.json()["maintenance_task"]
    pdf = api.get(f"{URL}{pk}/assessment.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_api_customers_see_only_their_own_and_no_drafts(api, world, draft, upgrade_ticket):
    assert api.as_user(world.customer_a).get(f"{URL}{draft.pk}/").status_code == 404
    services.assessment_propose(actor=world.engineer1, assessment=draft)
    assert api.get(f"{URL}{draft.pk}/").status_code == 200
    other = api.as_user(world.customer_b)
    assert other.get(f"{URL}{draft.pk}/").status_code == 404
    assert other.get(f"{URL}{draft.pk}/assessment.pdf").status_code == 404
    assert other.post(f"{URL}{draft.pk}/approve/", {}, format="json").status_code == 404
    assert other.get(URL).json()["results"] == []


def test_api_bad_input_is_400_and_changes_nothing(api, world, upgrade_ticket, proposed):
    client = api.as_user(world.engineer1)
    bad = client.post(
        URL,
        {"ticket": upgrade_ticket.pk, "proposal": "x", "downtime_estimate": "soon"},
        format="json",
    )
    assert bad.status_code == 400 and "downtime_estimate" in bad.json()
    fault = TicketFactory(site=world.site_a)
    body = {
        "ticket": fault.pk,
        "proposal": "x",
        "downtime_estimate": "1:00:00",
        "planned_for": "2027-01-01",
    }
    assert client.post(URL, body, format="json").status_code == 400
    line = {"description": "x", "unit_price": "-5"}
    assert (
        client.post(
            URL, {**body, "ticket": upgrade_ticket.pk, "lines": [line]}, format="json"
        ).status_code
        == 400
    )
    decline = api.as_user(world.customer_a).post(f"{URL}{proposed.pk}/decline/", {}, format="json")
    assert decline.status_code == 400
    assert UpgradeAssessment.objects.get().status == "proposed"


def test_api_roles(api, world, proposed):
    assert api.as_user(world.customer_a).post(f"{URL}{proposed.pk}/propose/").status_code in (
        403,
        409,
    )
    assert api.as_user(world.engineer1).post(f"{URL}{proposed.pk}/approve/").status_code == 403


def test_api_list_query_count(api, world, django_assert_num_queries):
    for _n in range(3):
        ticket = TicketFactory(
            site=world.site_a, kind=Ticket.Kind.UPGRADE, equipment=world.equipment_a
        )
        services.assessment_create(
            actor=world.manager, ticket=ticket, fields=dict(FIELDS), lines=LINES
        )
    client = api.as_user(world.manager)
    # the user's centres, the page of assessments (joined), their quote lines
    with django_assert_num_queries(3):
        response = client.get(URL)
    assert len(response.json()["results"]) == 3


def test_customer_link_before_the_proposal_says_it_is_being_prepared(client, world, draft):
    client.force_login(world.customer_a)
    page = client.get(f"/inspections/assessments/ticket/{draft.ticket_id}/")
    assert page.status_code == 200 and b"assessment-pending" in page.content
    assert client.get(f"/inspections/assessments/{draft.pk}/").status_code == 404
    client.force_login(world.customer_b)
    assert client.get(f"/inspections/assessments/ticket/{draft.ticket_id}/").status_code == 404
