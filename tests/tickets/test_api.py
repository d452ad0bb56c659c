"""The Tickets part of API.md: create, read, scope, edit before triage, nested
timeline/comments/attachments, visits, query counts, idempotency."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from tests.factories.documents import pdf_bytes
from tests.factories.tickets import png_bytes
from tickets import services
from tickets.models import Attachment, Comment, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def report(world, **extra):
    return {
        "title": "Pump station alarm",
        "description": "泵站报警，无法复位",
        "impact": "Line 2",
        "urgency": "high",
        "site": world.site_a.pk,
        "equipment": world.equipment_a.pk,
        **extra,
    }


def test_customer_reports_a_fault(world, api):
    response = api.as_user(world.customer_a).post("/api/v1/tickets/", report(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("FR-") and len(body["number"]) == len("FR-2026-000001")
    assert (body["status"], body["channel"], body["organization"]) == (
        "new",
        "portal",
        world.org_a.pk,
    )
    assert body["sla"] == [] or isinstance(body["sla"], list)
    ticket = Ticket.objects.get(pk=body["id"])
    assert ticket.reporter == world.customer_a
    assert list(ticket.events.values_list("kind", flat=True)) == ["reported"]


def test_customer_cannot_set_status_severity_assignee_organization_or_channel(world, api):
    body = report(
        world,
        status="closed",
        severity="major",
        assignee=world.engineer1.pk,
        organization=world.org_b.pk,
        channel="phone",
        tier=3,
    )
    response = api.as_user(world.customer_a).post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert (
        ticket.status,
        ticket.severity,
        ticket.assignee,
        ticket.organization,
        ticket.channel,
        ticket.tier,
    ) == ("new", "", None, world.org_a, "portal", 1)


@pytest.mark.parametrize("field", ["site", "equipment"])
def test_foreign_site_or_equipment_is_400_and_writes_nothing(world, api, field):
    foreign = {"site": world.site_b.pk, "equipment": world.equipment_b.pk}[field]
    response = api.as_user(world.customer_a).post(
        "/api/v1/tickets/", report(world, **{field: foreign}), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Ticket.objects.exists()


def test_bad_input_is_400_with_field_errors_and_writes_nothing(world, api):
    response = api.as_user(world.customer_a).post(
        "/api/v1/tickets/", {"title": "", "urgency": "whenever", "kind": "party"}, format="json"
    )
    assert response.status_code == 400
    assert {"title", "description", "urgency", "kind", "site"} <= set(response.json())
    assert not Ticket.objects.exists() and not TicketEvent.objects.exists()


def test_staff_registers_a_phone_report_and_must_name_the_organisation(world, api):
    client = api.as_user(world.dispatcher)
    missing = client.post("/api/v1/tickets/", report(world), format="json")
    assert missing.status_code == 400 and "organization" in missing.json()
    mismatch = client.post(
        "/api/v1/tickets/", report(world, organization=world.org_b.pk), format="json"
    )
    assert mismatch.status_code == 400 and "site" in mismatch.json()
    response = client.post(
        "/api/v1/tickets/",
        report(world, organization=world.org_a.pk, contact_email=world.customer_a.email),
        format="json",
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert (ticket.channel, ticket.reporter) == ("phone", world.customer_a)


def test_idempotency_key_on_create_makes_one_ticket(world, api):
    client = api.as_token_user(world.customer_a)
    first = client.post(
        "/api/v1/tickets/", report(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    second = client.post(
        "/api/v1/tickets/", report(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["number"] == second.json()["number"]
    assert Ticket.objects.count() == 1


def test_patch_before_triage_only_by_reporter_or_staff(world, api, build):
    ticket = build.new()
    assert (
        api.as_user(world.customer_a2)
        .patch(f"/api/v1/tickets/{ticket.pk}/", {"title": "x"})
        .status_code
        == 403
    )
    response = api.as_user(world.customer_a).patch(
        f"/api/v1/tickets/{ticket.pk}/", {"title": "Renamed", "severity": "major"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Renamed" and response.json()["severity"] == ""
    assert response.has_header("ETag")
    services.ticket_triage(
        ticket=Ticket.objects.get(pk=ticket.pk), actor=world.dispatcher, severity="general"
    )
    late = api.as_user(world.dispatcher).patch(
        f"/api/v1/tickets/{ticket.pk}/", {"title": "Too late"}
    )
    assert late.status_code == 409 and late.json()["code"] == "invalid_transition"
    assert Ticket.objects.get(pk=ticket.pk).title == "Renamed"


def test_patch_with_stale_if_match_is_412(world, api, build):
    ticket = build.new()
    client = api.as_user(world.customer_a)
    etag = client.get(f"/api/v1/tickets/{ticket.pk}/")["ETag"]
    assert (
        client.patch(
            f"/api/v1/tickets/{ticket.pk}/", {"title": "A"}, HTTP_IF_MATCH=etag
        ).status_code
        == 200
    )
    assert (
        client.patch(
            f"/api/v1/tickets/{ticket.pk}/", {"title": "B"}, HTTP_IF_MATCH=etag
        ).status_code
        == 412
    )


def test_put_and_delete_are_not_offered(world, api, build):
    ticket = build.new()
    client = api.as_user(world.admin)
    assert client.put(f"/api/v1/tickets/{ticket.pk}/", report(world)).status_code == 405
    assert client.delete(f"/api/v1/tickets/{ticket.pk}/").status_code == 405


def test_role_without_the_action_is_403_and_nothing_changes(world, api, build):
    ticket = build.new()
    response = api.as_user(world.customer_a).post(
        f"/api/v1/tickets/{ticket.pk}/triage/", {"severity": "major"}
    )
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert (ticket.status, ticket.severity) == ("new", "")


def test_customer_cancels_only_while_new(world, api, build):
    triaged = build.ticket("triaged")
    response = api.as_user(world.customer_a).post(
        f"/api/v1/tickets/{triaged.pk}/cancel/", {"reason": "x"}
    )
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    new = build.new()
    assert (
        api.as_user(world.customer_a)
        .post(f"/api/v1/tickets/{new.pk}/cancel/", {"reason": "x"})
        .status_code
        == 200
    )


def test_only_the_assignee_or_dispatch_may_work_the_ticket(world, api, build):
    ticket = build.ticket("triaged")  # assigned to engineer1
    assert (
        api.as_user(world.engineer2).post(f"/api/v1/tickets/{ticket.pk}/respond/").status_code
        == 404
    )
    services.ticket_dispatch(ticket=ticket, actor=world.dispatcher, engineer=world.engineer2)
    # engineer2 now sees it (a visit of theirs) but is not its assignee
    assert (
        api.as_user(world.engineer2)
        .post(
            f"/api/v1/tickets/{ticket.pk}/resolve/",
            {"resolution": "remote", "cause": "c", "solution": "s", "prevention": "p"},
        )
        .status_code
        == 403
    )


def test_resolve_needs_cause_solution_prevention_and_onsite_needs_a_completed_visit(
    world, api, build
):
    ticket = build.ticket("in_progress")
    client = api.as_user(world.engineer1)
    missing = client.post(
        f"/api/v1/tickets/{ticket.pk}/resolve/", {"resolution": "remote", "cause": "c"}
    )
    assert missing.status_code == 400 and {"solution", "prevention"} <= set(missing.json())
    onsite = client.post(
        f"/api/v1/tickets/{ticket.pk}/resolve/",
        {"resolution": "onsite", "cause": "c", "solution": "s", "prevention": "p"},
    )
    assert onsite.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).status == "in_progress"


def test_escalation_through_three_tiers(world, api, build):
    world.equipment_a.equipment_model.vendor_name = "ACME Support"
    world.equipment_a.equipment_model.vendor_contact = "+49 30 1234"
    world.equipment_a.equipment_model.save()
    ticket = build.ticket("in_progress")
    client = api.as_user(world.engineer1)
    first = client.post(f"/api/v1/tickets/{ticket.pk}/escalate/", {"reason": "Beyond tier 1"})
    assert first.status_code == 200, first.content
    assert (first.json()["tier"], first.json()["assignee"]) == (2, world.expert.pk)
    second = api.as_user(world.expert).post(
        f"/api/v1/tickets/{ticket.pk}/escalate/",
        {"reason": "Firmware bug", "vendor_case": "ACME-777"},
    )
    assert second.status_code == 200, second.content
    body = second.json()
    assert (body["tier"], body["assignee"], body["status"]) == (3, world.expert.pk, "in_progress")
    assert (body["vendor_name"], body["vendor_case"], body["vendor_contact"]) == (
        "ACME Support",
        "ACME-777",
        "+49 30 1234",
    )
    third = api.as_user(world.expert).post(
        f"/api/v1/tickets/{ticket.pk}/escalate/", {"reason": "More"}
    )
    assert third.status_code == 409 and third.json()["code"] == "invalid_transition"


def test_follow_up_with_recurrence_reopens(world, api, build):
    ticket = build.ticket("resolved")
    response = api.as_user(world.dispatcher).post(
        f"/api/v1/tickets/{ticket.pk}/follow-up/",
        {"recurred": True, "note": "Alarm is back"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    assert ticket.events.filter(kind="reopened").exists()
    bad = api.as_user(world.dispatcher).post(
        f"/api/v1/tickets/{ticket.pk}/follow-up/", {"recurred": False, "satisfaction": 9}
    )
    assert bad.status_code == 400


def test_triage_again_is_a_severity_change(world, build):
    ticket = build.ticket("in_progress")
    services.ticket_triage(ticket=ticket, actor=world.dispatcher, severity="general")
    event = ticket.events.filter(kind="triaged").last()
    assert event.data["old_severity"] == "major"
    assert Ticket.objects.get(pk=ticket.pk).status == "in_progress"


def test_ticket_list_is_a_fixed_number_of_queries(world, api, build, django_assert_max_num_queries):
    from tests.factories.tickets import TicketFactory

    def client():  # a fresh user object per request, as in production (no cached centre ids)
        return api.as_user(User.objects.get(pk=world.dispatcher.pk))

    TicketFactory.create_batch(
        3, site=world.site_a, assignee=world.engineer1, equipment=world.equipment_a
    )
    with django_assert_max_num_queries(5) as small:
        assert len(client().get("/api/v1/tickets/").json()["results"]) == 3
    TicketFactory.create_batch(
        30, site=world.site_a, assignee=world.engineer2, equipment=world.equipment_a
    )
    with django_assert_max_num_queries(5) as large:
        assert len(client().get("/api/v1/tickets/?page_size=100").json()["results"]) == 33
    assert len(large.captured_queries) == len(small.captured_queries)


def test_ticket_detail_is_at_most_ten_queries(world, api, build, django_assert_max_num_queries):
    ticket = build.ticket("onsite")
    with django_assert_max_num_queries(10):
        client = api.as_user(User.objects.get(pk=world.dispatcher.pk))
        assert client.get(f"/api/v1/tickets/{ticket.pk}/").status_code == 200


def test_list_filters_and_search(world, api, build):
    new, triaged = build.new(title="Chiller noise"), build.ticket("triaged", title="Boiler fault")
    client = api.as_user(world.dispatcher)

    def ids(query):
        return [row["id"] for row in client.get(f"/api/v1/tickets/?{query}").json()["results"]]

    assert ids("status=new") == [new.pk]
    assert ids("severity=major") == [triaged.pk]
    assert ids(f"assignee={world.engineer1.pk}") == [triaged.pk]
    assert ids("search=Chiller") == [new.pk]
    assert ids(f"search={triaged.number}") == [triaged.pk]
    assert set(ids("ordering=reported_at")) == {new.pk, triaged.pk}


def test_comments_internal_only_for_staff(world, api, build):
    ticket = build.ticket("triaged")
    url = f"/api/v1/tickets/{ticket.pk}/comments/"
    staff = lambda: api.as_user(world.engineer1)  # noqa: E731 (one client, re-authenticated per call)
    customer = lambda: api.as_user(world.customer_a)  # noqa: E731
    assert staff().post(url, {"body": "Suspect PSU", "internal": True}).status_code == 201
    assert staff().post(url, {"body": "We are on it"}).status_code == 201
    response = customer().post(url, {"body": "Thanks", "internal": True})
    assert response.status_code == 201 and response.json()["internal"] is False
    assert [row["body"] for row in customer().get(url).json()["results"]] == [
        "We are on it",
        "Thanks",
    ]
    assert len(staff().get(url).json()["results"]) == 3
    timeline = f"/api/v1/tickets/{ticket.pk}/timeline/"
    notes = [row["note"] for row in customer().get(timeline).json()["results"]]
    assert "Suspect PSU" not in notes and "We are on it" in notes
    assert "Suspect PSU" in [row["note"] for row in staff().get(timeline).json()["results"]]
    assert customer().post(url, {"body": ""}).status_code == 400
    assert Comment.objects.count() == 3


def upload(name="photo.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(
        name, content if content is not None else png_bytes(), content_type=content_type
    )


def test_attachments_upload_list_download(world, api, build):
    ticket = build.new()
    customer = api.as_user(world.customer_a)
    response = customer.post(
        f"/api/v1/tickets/{ticket.pk}/attachments/", {"file": upload()}, format="multipart"
    )
    assert response.status_code == 201, response.content
    row = response.json()
    assert (row["original_name"], row["content_type"]) == ("photo.png", "image/png")
    listed = customer.get(f"/api/v1/tickets/{ticket.pk}/attachments/").json()["results"]
    assert [item["id"] for item in listed] == [row["id"]]
    download = customer.get(row["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == png_bytes()


def test_attachment_over_the_limit_is_413(world, api, build, settings):
    settings.MAX_UPLOAD_SIZE = 1000
    ticket = build.new()
    response = api.as_user(world.customer_a).post(
        f"/api/v1/tickets/{ticket.pk}/attachments/",
        {"file": upload("big.txt", b"x" * 2000, "text/plain")},
        format="multipart",
    )
    assert response.status_code == 413
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("tool.exe", b"MZ\x90\x00", "application/x-msdownload"),
        ("photo.png", b"not really a png", "image/png"),
        ("notes.txt", png_bytes(), "image/png"),
        ("manual.pdf", b"%PDF-1.4 not really", "application/pdf"),  # issue 13: parsed
        ("manual.pdf", png_bytes(), "application/pdf"),
    ],
)
def test_attachment_of_a_bad_type_is_400(world, api, build, name, content, content_type):
    ticket = build.new()
    response = api.as_user(world.customer_a).post(
        f"/api/v1/tickets/{ticket.pk}/attachments/",
        {"file": upload(name, content, content_type)},
        format="multipart",
    )
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_a_pdf_that_parses_is_accepted(world, api, build):
    ticket = build.new()
    response = api.as_user(world.customer_a).post(
        f"/api/v1/tickets/{ticket.pk}/attachments/",
        {"file": upload("manual.pdf", pdf_bytes(), "application/pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "application/pdf"


def test_internal_attachment_hidden_from_customers(world, api, build):
    ticket = build.ticket("triaged")
    staff = api.as_user(world.engineer1)
    internal = staff.post(
        f"/api/v1/tickets/{ticket.pk}/attachments/",
        {"file": upload("log.txt", b"secret log", "text/plain"), "internal": True},
        format="multipart",
    ).json()
    customer = api.as_user(world.customer_a)
    assert customer.get(f"/api/v1/tickets/{ticket.pk}/attachments/").json()["results"] == []
    assert customer.get(internal["download_url"]).status_code == 404


def test_a_second_triage_from_a_stale_copy_is_409(world, build):
    """What two dispatchers triaging at once see (the PostgreSQL test runs it in threads)."""
    from servicedesk.errors import InvalidTransition

    first, second = build.new(), None
    second = Ticket.objects.get(pk=first.pk)
    services.ticket_triage(ticket=first, actor=world.dispatcher, severity="major")
    with pytest.raises(InvalidTransition):
        services.ticket_triage(ticket=second, actor=world.manager, severity="general")
    assert Ticket.objects.get(pk=first.pk).severity == "major"


def test_escalate_to_the_vendor_needs_no_vendor_name_when_the_model_has_none(world, api, build):
    """API.md: `escalate {reason, vendor_case?}`; a model without vendor support is no 400."""
    model = world.equipment_a.equipment_model
    model.vendor_name = model.vendor_contact = model.vendor_email = ""
    model.save()
    ticket = build.ticket("in_progress")
    assert (
        api.as_user(world.engineer1)
        .post(f"/api/v1/tickets/{ticket.pk}/escalate/", {"reason": "Beyond tier 1"})
        .status_code
        == 200
    )
    third = api.as_user(world.expert).post(
        f"/api/v1/tickets/{ticket.pk}/escalate/",
        {"reason": "Firmware bug", "vendor_case": "V-1"},
        format="json",
    )
    assert third.status_code == 200, third.content
    assert (third.json()["tier"], third.json()["vendor_name"], third.json()["vendor_case"]) == (
        3,
        "",
        "V-1",
    )
