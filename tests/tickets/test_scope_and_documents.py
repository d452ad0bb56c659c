"""Scope (customer_b never reaches organisation A's ticket or anything hanging off
it), the visit flow over the API, and the two PDFs."""

import base64
import io

import pytest
from pypdf import PdfReader

from tests.factories.tickets import png_bytes, png_upload
from tickets import services
from tickets.models import Comment, Ticket, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_case(world, build):
    """Organisation A's ticket, closed after a signed on-site visit, with an attachment
    and an internal comment."""
    ticket = build.ticket("in_progress", title="变频器故障 VFD fault")
    visit = services.ticket_dispatch(
        ticket=ticket, actor=world.dispatcher, engineer=world.engineer1
    )
    services.visit_check_in(visit=visit, actor=world.engineer1)
    build.run_phases(visit)
    services.visit_sign(
        visit=Visit.objects.get(pk=visit.pk),
        actor=world.customer_a,
        signer_name="王芳",
        signature=png_upload(),
    )
    services.visit_complete(visit=Visit.objects.get(pk=visit.pk), actor=world.engineer1)
    attachment = services.attachment_add(
        ticket=ticket, uploaded_by=world.customer_a, file=png_upload("p.png")
    )
    services.comment_add(
        ticket=ticket, author=world.engineer1, body="内部备注 internal only", internal=True
    )
    ticket = services.ticket_resolve(
        ticket=Ticket.objects.get(pk=ticket.pk),
        actor=world.engineer1,
        resolution="onsite",
        cause="变频器过热",
        solution="更换风扇",
        prevention="每季度清洁",
    )
    ticket = services.ticket_follow_up(
        ticket=ticket, actor=world.dispatcher, recurred=False, satisfaction=5
    )
    return ticket, Visit.objects.get(pk=visit.pk), attachment


def urls(ticket, visit, attachment):
    return [
        f"/api/v1/tickets/{ticket.pk}/",
        f"/api/v1/tickets/{ticket.pk}/timeline/",
        f"/api/v1/tickets/{ticket.pk}/comments/",
        f"/api/v1/tickets/{ticket.pk}/attachments/",
        f"/api/v1/tickets/{ticket.pk}/attachments/{attachment.pk}/download/",
        f"/api/v1/tickets/{ticket.pk}/report.pdf",
        f"/api/v1/visits/{visit.pk}/",
        f"/api/v1/visits/{visit.pk}/confirmation.pdf",
    ]


def test_customer_b_gets_404_on_everything_of_organisation_a(world, api, closed_case):
    ticket, visit, attachment = closed_case
    client = api.as_user(world.customer_b)
    for url in urls(*closed_case):
        assert client.get(url).status_code == 404, url
    for action in ("reopen", "accept", "cancel", "resume"):
        assert (
            client.post(f"/api/v1/tickets/{ticket.pk}/{action}/", {"reason": "x"}).status_code
            == 404
        )
    assert client.post(f"/api/v1/tickets/{ticket.pk}/comments/", {"body": "x"}).status_code == 404
    assert client.post(f"/api/v1/visits/{visit.pk}/sign/", {"signer_name": "x"}).status_code == 404
    assert client.patch(f"/api/v1/tickets/{ticket.pk}/", {"title": "x"}).status_code == 404
    assert client.get("/api/v1/tickets/").json()["results"] == []
    assert client.get("/api/v1/visits/").json()["results"] == []
    assert Comment.objects.filter(body="x").count() == 0


def test_customer_a_reaches_them_all(world, api, closed_case):
    client = api.as_user(world.customer_a)
    for url in urls(*closed_case):
        assert client.get(url).status_code == 200, url


def test_customer_never_sees_internal_comments_or_events(world, api, closed_case):
    ticket = closed_case[0]
    client = api.as_user(world.customer_a)
    comments = client.get(f"/api/v1/tickets/{ticket.pk}/comments/").json()["results"]
    events = client.get(f"/api/v1/tickets/{ticket.pk}/timeline/").json()["results"]
    assert comments == []
    assert all(not event["internal"] and "内部备注" not in event["note"] for event in events)
    assert {
        "reported",
        "triaged",
        "dispatched",
        "arrived",
        "phase",
        "signed",
        "resolved",
        "followed_up",
    } <= {event["kind"] for event in events}
    assert (
        api.as_user(world.engineer1).get(f"/api/v1/tickets/{ticket.pk}/comments/").json()["results"]
        != []
    )


def test_engineer_sees_only_assigned_or_visited_tickets(world, api, build):
    mine = build.ticket("triaged")  # assigned to engineer1
    other = build.new()
    ids = [
        row["id"] for row in api.as_user(world.engineer1).get("/api/v1/tickets/").json()["results"]
    ]
    assert ids == [mine.pk]
    assert api.as_user(world.engineer2).get(f"/api/v1/tickets/{other.pk}/").status_code == 404


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_service_confirmation_pdf(world, api, closed_case):
    ticket, visit, _attachment = closed_case
    response = api.as_user(world.customer_a).get(f"/api/v1/visits/{visit.pk}/confirmation.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert ticket.number in text and visit.number in text
    assert "王芳" in text and "diagnosis 完成" in text


def test_fault_handling_report_pdf_leaves_internal_notes_out(world, api, closed_case):
    ticket = closed_case[0]
    response = api.as_user(world.dispatcher).get(f"/api/v1/tickets/{ticket.pk}/report.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert ticket.number in text
    assert "变频器过热" in text and "更换风扇" in text and "每季度清洁" in text
    assert "内部备注" not in text


def test_visit_flow_over_the_api_with_multipart_signature(world, api, build):
    ticket = build.ticket("in_progress")
    client = api.as_user(world.engineer1)
    visit = client.post(
        f"/api/v1/tickets/{ticket.pk}/dispatch/", {"engineer": world.engineer1.pk}
    ).json()
    base = f"/api/v1/visits/{visit['id']}"
    assert client.post(f"{base}/depart/").status_code == 200
    assert client.post(f"{base}/check-in/", {"latitude": 95, "longitude": 10}).status_code == 400
    assert (
        client.post(f"{base}/check-in/", {"latitude": "31.3", "longitude": "120.6"}).status_code
        == 200
    )
    out_of_order = client.post(f"{base}/phase/", {"phase": "plan", "notes": "x"})
    assert out_of_order.status_code == 409 and "diagnosis" in out_of_order.json()["detail"]
    assert client.post(f"{base}/phase/", {"phase": "diagnosis", "notes": ""}).status_code == 400
    for phase in Visit.PHASE_ORDER[:3]:
        assert (
            client.post(f"{base}/phase/", {"phase": phase, "notes": f"{phase} ok"}).status_code
            == 200
        )
    early = client.post(f"{base}/complete/")
    assert early.status_code == 409
    for phase in Visit.PHASE_ORDER[3:]:
        assert (
            client.post(f"{base}/phase/", {"phase": phase, "notes": f"{phase} ok"}).status_code
            == 200
        )
    not_an_image = client.post(
        f"{base}/sign/", {"signer_name": "Wang", "signature": "data:image/png;base64,AAAA"}
    )
    assert not_an_image.status_code == 400
    signed = api.as_user(world.customer_a).post(
        f"{base}/sign/", {"signer_name": "Wang", "signature": png_upload()}, format="multipart"
    )
    assert signed.status_code == 200, signed.content
    assert signed.json()["signed"] is True
    done = api.as_user(world.engineer1).post(f"{base}/complete/", {"work_summary": "Fan replaced"})
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert done.json()["phases"][0]["phase"] == "diagnosis"


def test_signature_over_the_limit_is_413(world, api, build, settings):
    visit = build.visit("on_site")
    settings.MAX_UPLOAD_SIZE = 100
    data_url = "data:image/png;base64," + base64.b64encode(png_bytes() + b"\0" * 200).decode()
    response = api.as_user(world.engineer1).post(
        f"/api/v1/visits/{visit.pk}/sign/",
        {"signer_name": "Wang", "signature": data_url},
        format="json",
    )
    assert response.status_code == 413
    assert Visit.objects.get(pk=visit.pk).signed_at is None
