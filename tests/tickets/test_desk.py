"""The dispatcher's desk (issue 16): the queue's filters, sorting, SLA colours, saved
views and bulk actions; the assignment suggestion; the report form's file checks; the
ticket page's conversation, canned replies and @mentions; confirmations."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests.factories import EngineerProfileFactory, ServiceCenterFactory, UserFactory
from tests.factories.tickets import png_upload
from tickets import selectors, services
from tickets.models import CannedReply, SavedView, Ticket, TicketEvent, Visit

QUEUE = reverse("tickets:queue")


def _numbers(response) -> list[str]:
    return [t.number for t in response.context["page"].object_list]


# --- the queue ---------------------------------------------------------------------
def test_queue_filters_by_severity_status_assignee_and_sla_state(world, build, client):
    major = build.ticket("triaged", title="Major one")
    new = build.new(title="Still new")
    general = services.ticket_triage(
        ticket=build.new(title="General"), actor=world.dispatcher, severity="general"
    )
    client.force_login(world.dispatcher)
    assert _numbers(client.get(QUEUE, {"severity": "major"})) == [major.number]
    assert _numbers(client.get(QUEUE, {"status": "new"})) == [new.number]
    assert set(_numbers(client.get(QUEUE, {"assignee": "none"}))) == {new.number, general.number}
    assert _numbers(client.get(QUEUE, {"assignee": world.engineer1.pk})) == [major.number]
    assert _numbers(client.get(QUEUE, {"organization": world.org_b.pk})) == []
    # Two hours on: the major report's 1 h response clock is past due, the general
    # one's 2 h response clock is past its 80% warning point, the new one's triage
    # clock (15 min) is breached too.
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=40)):
        breached = client.get(QUEUE, {"sla": "breached"})
        warning = client.get(QUEUE, {"sla": "warning"})
    assert set(_numbers(breached)) == {major.number, new.number}
    assert _numbers(warning) == [general.number]
    row = breached.context["page"].object_list[0]
    assert row.sla_state == "breached" and row.countdown.startswith("−")
    assert b"sla-breached" in breached.content


def test_queue_sorts_by_any_column_both_ways(world, build, client):
    a = services.ticket_triage(
        ticket=build.new(title="A"), actor=world.dispatcher, severity="general"
    )
    b = services.ticket_triage(
        ticket=build.new(title="B"), actor=world.dispatcher, severity="major"
    )
    c = services.ticket_triage(
        ticket=build.new(title="C"), actor=world.dispatcher, severity="urgent"
    )
    client.force_login(world.dispatcher)
    assert _numbers(client.get(QUEUE, {"sort": "severity"})) == [b.number, c.number, a.number]
    assert _numbers(client.get(QUEUE, {"sort": "-severity"})) == [a.number, c.number, b.number]
    assert _numbers(client.get(QUEUE, {"sort": "title"})) == [a.number, b.number, c.number]
    assert _numbers(client.get(QUEUE, {"sort": "-number"})) == [c.number, b.number, a.number]
    # An unknown column falls back to the nearest due point, never a 500.
    assert client.get(QUEUE, {"sort": "password"}).status_code == 200


def test_queue_search_box_finds_by_number_and_words(world, build, client):
    pump = build.new(title="Pump vibrates")
    build.new(title="Screen dark")
    client.force_login(world.dispatcher)
    assert _numbers(client.get(QUEUE, {"q": pump.number})) == [pump.number]
    assert _numbers(client.get(QUEUE, {"q": "vibrates"})) == [pump.number]


def test_queue_is_for_dispatch_roles_only(world, client):
    for user in (world.customer_a, world.engineer1):
        client.force_login(user)
        assert client.get(QUEUE).status_code == 404


@pytest.mark.parametrize("rows", [3, 9])
def test_queue_query_count_does_not_grow_with_the_page(
    world, build, client, django_assert_num_queries, rows
):
    for i in range(rows):
        ticket = build.new(title=f"T{i}")
        if i % 2:
            services.ticket_triage(
                ticket=ticket, actor=world.dispatcher, severity="urgent", assignee=world.engineer2
            )
    SavedView.objects.create(owner=world.dispatcher, name="Mine", query="severity=major")
    client.force_login(world.dispatcher)
    client.get(QUEUE)  # warm the session and the content types
    # session + user (2), the page of tickets with the SLA EXISTS columns (1), filter
    # lists: organisations, sites, centres, engineers with their load (4), saved views
    # (1), the bulk form's engineers (none: rendered from the same fetched rows) and
    # the navigation's bell (1). No COUNT(*) of the table.
    with django_assert_num_queries(9) as captured:
        response = client.get(QUEUE, {"sort": "-reported"})
    assert len(response.context["page"].object_list) == rows
    assert not any("COUNT(*)" in q["sql"] and "tickets_ticket" in q["sql"] for q in captured)


# --- saved views -------------------------------------------------------------------
def test_saved_views_are_per_user_and_shared_ones_for_the_team(world, client):
    manager = world.manager
    client.force_login(world.dispatcher)
    client.post(
        reverse("tickets:view_save"),
        {"name": "Major breached", "query": "severity=major&sla=breached&page=3&evil=1"},
    )
    client.post(
        reverse("tickets:view_save"),
        {"name": "Team: unassigned", "query": "assignee=none", "shared": "on"},
    )
    own = SavedView.objects.get(name="Major breached")
    assert own.query == "severity=major&sla=breached"  # page and unknown keys dropped
    assert own.history.count() == 1
    response = client.get(QUEUE)
    assert {v.name for v in response.context["views"]} == {"Major breached", "Team: unassigned"}
    client.force_login(manager)
    response = client.get(QUEUE)
    assert [v.name for v in response.context["views"]] == ["Team: unassigned"]
    # Another user's private view cannot be deleted (nor seen): 404.
    assert client.post(reverse("tickets:view_delete", args=[own.pk])).status_code == 404
    assert SavedView.objects.filter(pk=own.pk).exists()


def test_saving_a_view_under_the_same_name_replaces_it(world):
    services.saved_view_save(owner=world.dispatcher, name="Mine", query="severity=major")
    services.saved_view_save(owner=world.dispatcher, name="Mine", query="severity=general")
    assert list(SavedView.objects.values_list("query", flat=True)) == ["severity=general"]


# --- bulk triage and assign --------------------------------------------------------
def test_bulk_assign_goes_through_the_service_per_ticket(world, build, client):
    first = build.ticket("triaged")
    second = build.ticket("triaged")
    client.force_login(world.dispatcher)
    response = client.post(
        reverse("tickets:queue_bulk"),
        {"action": "assign", "assignee": world.engineer2.pk, "tickets": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert ticket.assignee == world.engineer2
        assert ticket.events.filter(kind="assigned", actor=world.dispatcher).exists()
        assert ticket.history.first().assignee_id == world.engineer2.pk
    assert Notification.objects.filter(recipient=world.engineer2, event="ticket_assigned").count()


def test_bulk_triage_refuses_one_and_keeps_the_others(world, build, client):
    new = build.new()
    escalated = build.ticket("in_progress")
    services.ticket_escalate(ticket=escalated, actor=world.engineer1, reason="Needs an expert")
    client.force_login(world.dispatcher)
    client.post(
        reverse("tickets:queue_bulk"),
        {
            "action": "assign",
            "assignee": world.engineer2.pk,
            "tickets": [new.pk, escalated.pk],
        },
    )
    assert Ticket.objects.get(pk=new.pk).assignee == world.engineer2
    assert Ticket.objects.get(pk=escalated.pk).assignee != world.engineer2
    response = client.post(
        reverse("tickets:queue_bulk"), {"action": "triage", "tickets": [new.pk]}, follow=True
    )
    assert "Choose a severity" in response.content.decode()
    assert Ticket.objects.get(pk=new.pk).status == "new"


def test_bulk_cannot_touch_tickets_out_of_scope(world, build, client):
    ticket = build.new()
    other = ServiceCenterFactory(name="Far", code="far")
    outsider = UserFactory(username="far_dispatcher", role="dispatcher", service_centers=[other])
    client.force_login(outsider)
    client.post(
        reverse("tickets:queue_bulk"),
        {"action": "triage", "severity": "major", "tickets": [ticket.pk]},
    )
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


# --- assignment that helps ---------------------------------------------------------
def test_least_loaded_engineer_of_the_sites_centre_is_suggested(world, build):
    build.ticket("triaged")  # engineer1 has one open report
    outside = UserFactory(
        username="regional_engineer", role="engineer", service_centers=[world.local]
    )
    EngineerProfileFactory(user=outside, service_center=world.regional)
    engineers = list(selectors.engineer_workload(world.dispatcher))
    loads = {e.username: e.open_load for e in engineers}
    assert loads["engineer1"] == 1 and loads["engineer2"] == 0
    assert engineers[0].open_load == 0
    one = next(e for e in engineers if e.username == "engineer1")
    assert one.next_due_at is not None and one.engineer_profile.service_center == world.local
    ticket = build.new()
    assert selectors.suggest_assignee(engineers, ticket) == world.engineer2
    services.ticket_triage(
        ticket=build.new(), actor=world.dispatcher, severity="general", assignee=world.engineer2
    )
    services.ticket_triage(
        ticket=build.new(), actor=world.dispatcher, severity="general", assignee=world.engineer2
    )
    engineers = list(selectors.engineer_workload(world.dispatcher))
    assert selectors.suggest_assignee(engineers, ticket) == world.engineer1


def test_assign_dialog_shows_centre_load_and_preselects_the_suggestion(world, build, client):
    ticket = build.new()
    client.force_login(world.dispatcher)
    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "Local · 0 open" in html
    assert "Suggested:" in html


def test_assignees_api_marks_the_suggestion(world, build, api):
    build.ticket("triaged")
    ticket = build.new()
    url = f"/api/v1/tickets/{ticket.pk}/assignees/"
    rows = api.as_user(world.dispatcher).get(url).json()
    by_name = {r["username"]: r for r in rows}
    assert by_name["engineer2"]["suggested"] is True
    assert by_name["engineer1"]["open_load"] == 1
    assert by_name["engineer1"]["service_center"]["name"] == "Local"
    assert api.as_user(world.customer_a).get(url).status_code == 403
    assert api.as_user(world.customer_b).get(url).status_code in (403, 404)


# --- the report form ---------------------------------------------------------------
def _report(world, **extra):
    return {
        "site": world.site_a.pk,
        "kind": "fault",
        "title": "Pump alarm",
        "description": "It rings.",
        "urgency": "medium",
        **extra,
    }


def test_a_rejected_file_leaves_no_ticket_and_says_why(world, client):
    client.force_login(world.customer_a)
    bad = SimpleUploadedFile("photo.png", b"not an image", content_type="image/png")
    response = client.post(reverse("tickets:create"), _report(world, files=[png_upload(), bad]))
    assert response.status_code == 200
    assert "photo.png: The file is not a valid image." in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_report_files_several_photos_in_one_go(world, client):
    client.force_login(world.customer_a)
    files = [png_upload("one.png"), png_upload("two.png"), png_upload("three.png")]
    response = client.post(reverse("tickets:create"), _report(world, files=files))
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert sorted(ticket.attachments.values_list("original_name", flat=True)) == [
        "one.png",
        "three.png",
        "two.png",
    ]


def test_the_file_field_names_the_allowed_types(world, client):
    client.force_login(world.customer_a)
    html = client.get(reverse("tickets:create")).content.decode()
    assert "Allowed: " in html and "pdf" in html and "png" in html
    assert 'accept=".' in html and "multiple" in html


def test_phone_report_needs_a_valid_caller_who_shows_on_the_ticket(world, client):
    client.force_login(world.dispatcher)
    data = _report(world, organization=world.org_a.pk, contact_name="Wang Li")
    response = client.post(reverse("tickets:create"), {**data, "contact_phone": "call me"})
    assert "Enter a phone number" in response.content.decode()
    assert not Ticket.objects.exists()
    response = client.post(reverse("tickets:create"), {**data, "contact_phone": "+86 21 5555-0101"})
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.contact_phone) == ("phone", "+86 21 5555-0101")
    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "Wang Li" in html and 'href="tel:+86 21 5555-0101"' in html


def test_equipment_options_follow_the_site_and_the_scope(world, client):
    client.force_login(world.customer_a)
    url = reverse("tickets:equipment_options")
    html = client.get(url, {"site": world.site_a.pk}).content.decode()
    assert f'value="{world.equipment_a.pk}"' in html
    html = client.get(url, {"site": world.site_b.pk}).content.decode()
    assert f'value="{world.equipment_b.pk}"' not in html
    # A unit of another site is refused by the form, not filed.
    response = client.post(
        reverse("tickets:create"), _report(world, equipment=world.equipment_b.pk)
    )
    assert response.status_code == 200 and not Ticket.objects.exists()


# --- the conversation --------------------------------------------------------------
def test_conversation_is_one_stream_with_photos_inline(world, build, client):
    ticket = build.ticket("triaged")
    comment = services.comment_add(ticket=ticket, author=world.customer_a, body="Photo attached")
    services.attachment_add(
        ticket=ticket, uploaded_by=world.customer_a, file=png_upload("leak.png"), comment=comment
    )
    services.comment_add(ticket=ticket, author=world.engineer1, body="Note", internal=True)
    Notification.objects.filter(recipient=world.customer_a).update(emailed_at=timezone.now())
    stream = selectors.conversation(world.dispatcher, ticket)
    kinds = [e["kind"] for e in stream]
    assert kinds[0] == "event" and "comment" in kinds and "email-out" in kinds
    photo_entry = next(e for e in stream if e["photos"])
    assert photo_entry["item"] == comment
    assert [e for e in stream if e["internal"]]
    customer_stream = selectors.conversation(world.customer_a, ticket)
    assert not [e for e in customer_stream if e["internal"]]
    client.force_login(world.customer_a)
    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    preview = reverse("tickets:attachment_preview", args=[photo_entry["photos"][0].pk])
    assert f'src="{preview}"' in html
    response = client.get(preview)
    assert response["Content-Type"] == "image/png" and response["Content-Disposition"] == "inline"
    client.force_login(world.customer_b)
    assert client.get(preview).status_code == 404


def test_ticket_page_query_count_does_not_grow_with_the_conversation(
    world, build, client, django_assert_max_num_queries
):
    ticket = build.ticket("triaged")
    client.force_login(world.dispatcher)
    client.get(reverse("tickets:detail", args=[ticket.pk]))
    for i in range(6):
        services.comment_add(ticket=ticket, author=world.customer_a, body=f"Comment {i}")
        services.attachment_add(
            ticket=ticket, uploaded_by=world.customer_a, file=png_upload(f"p{i}.png")
        )
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("tickets:detail", args=[ticket.pk]))
    for i in range(6):
        services.comment_add(ticket=ticket, author=world.customer_a, body=f"More {i}")
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("tickets:detail", args=[ticket.pk]))


def test_mentions_notify_staff_who_see_the_ticket_once(world, build):
    ticket = build.ticket("triaged")
    far = ServiceCenterFactory(name="Far", code="far")
    UserFactory(username="far_dispatcher", role="dispatcher", service_centers=[far])
    services.comment_add(
        ticket=ticket,
        author=world.engineer1,
        body="@dispatcher please call back; @far_dispatcher FYI. mail me: a@engineer2.test",
    )
    mentioned = Notification.objects.filter(event="ticket_mentioned")
    assert [n.recipient.username for n in mentioned] == ["dispatcher"]
    # Customers cannot ping staff by name.
    services.comment_add(ticket=ticket, author=world.customer_a, body="@dispatcher hello")
    assert mentioned.count() == 1


def test_canned_replies_are_kept_by_managers_and_inserted_by_staff(world, build, client, api):
    client.force_login(world.dispatcher)
    assert client.get(reverse("tickets:canned_list")).status_code == 404
    client.force_login(world.manager)
    client.post(
        reverse("tickets:canned_list"),
        {
            "title": "Ask for the log",
            "body_en": "Please send the PLC log.",
            "body_zh_hans": "请发送 PLC 日志。",
            "active": "on",
        },
    )
    reply = CannedReply.objects.get()
    assert reply.history.count() == 1
    ticket = build.ticket("triaged")
    client.force_login(world.engineer1)
    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'data-body="Please send the PLC log."' in html
    world.engineer1.language = "zh-hans"
    world.engineer1.save(update_fields=["language"])
    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'data-body="请发送 PLC 日志。"' in html
    rows = api.as_user(world.engineer1).get("/api/v1/canned-replies/").json()["results"]
    assert [r["title"] for r in rows] == ["Ask for the log"]
    refused = api.as_user(world.dispatcher).post(
        "/api/v1/canned-replies/", {"title": "X", "body_en": "x", "body_zh_hans": "x"}
    )
    assert refused.status_code == 403
    assert api.as_user(world.customer_a).get("/api/v1/canned-replies/").status_code == 403
    changed = api.as_user(world.manager).patch(
        f"/api/v1/canned-replies/{reply.pk}/", {"active": False}, format="json"
    )
    assert changed.status_code == 200 and CannedReply.objects.get().active is False
    bad = api.as_user(world.manager).post(
        "/api/v1/canned-replies/", {"title": "Y", "body_en": "y", "body_zh_hans": " "}
    )
    assert bad.status_code == 400 and CannedReply.objects.count() == 1


# --- confirmations and error wording -----------------------------------------------
def test_visit_cancel_needs_the_box_ticked(world, build, client):
    ticket = build.ticket("in_progress")
    visit = services.ticket_dispatch(ticket=ticket, actor=world.engineer1, engineer=world.engineer1)
    client.force_login(world.dispatcher)
    url = reverse("tickets:visit_action", args=[visit.pk, "cancel"])
    response = client.post(url, {"cancel-reason": "Wrong site"}, follow=True)
    assert "Tick the box to confirm the cancellation." in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == "dispatched"
    client.post(url, {"cancel-reason": "Wrong site", "cancel-confirm": "on"})
    assert Visit.objects.get(pk=visit.pk).status == "cancelled"


def test_signature_error_has_no_raw_none(world, build, client):
    ticket = build.ticket("in_progress")
    visit = services.ticket_dispatch(ticket=ticket, actor=world.engineer1, engineer=world.engineer1)
    services.visit_depart(visit=visit, actor=world.engineer1)
    services.visit_check_in(visit=visit, actor=world.engineer1)
    client.force_login(world.engineer1)
    response = client.post(
        reverse("tickets:visit_action", args=[visit.pk, "sign"]),
        {"sign-signer_name": "Wang Li"},
        follow=True,
    )
    text = response.content.decode()
    assert "Draw the signature first." in text
    assert "None" not in text.split("<main")[1]
    assert not TicketEvent.objects.filter(kind="signed").exists()


def test_the_engineer_list_with_its_load_is_fetched_once_per_page(world, build, client):
    """The triage and assign forms (and their renderings) share one fetch of the
    engineers with their load and next deadline."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ticket = build.new(title="Pump")
    client.force_login(world.dispatcher)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(f"/tickets/{ticket.pk}/")
    assert page.status_code == 200
    assert page.content.decode().count('-assignee"') >= 2  # triage and assign
    workload = [
        q for q in captured if 'FROM "accounts_user"' in q["sql"] and "nearest_due_at" in q["sql"]
    ]
    assert len(workload) == 1, [q["sql"][:200] for q in workload]


@pytest.mark.service
def test_the_queue_colours_cannot_turn_into_a_scan_of_every_clock(world, build):
    """The colours are scalar subqueries, which PostgreSQL never hashes. As EXISTS, a
    plan could hash every matching clock before the page's first row (1.9 s at 1 M
    tickets); index scans off makes that plan the cheap one here, where a handful of
    tickets would not; a plain EXPLAIN shows which subplan was kept by its scans."""
    from django.db import connection, transaction

    from sla.selectors import annotate_queue_state, order_by_nearest_due

    assert connection.vendor == "postgresql"
    for _ in range(5):
        build.ticket("triaged")
    queue = order_by_nearest_due(annotate_queue_state(Ticket.objects.all(), now=timezone.now()))[
        :31
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        plan = queue.explain()
    # Each scan of the clocks is for one ticket (the hashed form scans them all, with
    # no condition on the ticket, and probes the hash afterwards).
    lines = plan.splitlines()
    scans = [i for i, line in enumerate(lines) if " on sla_clock " in line]
    assert len(scans) == 2, plan
    assert all("= tickets_ticket.id" in lines[i + 1] for i in scans), plan
