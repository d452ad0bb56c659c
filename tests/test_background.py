"""Liveness and outages (issue 11), fast suite: heartbeats in /healthz and the
managers' banner; 503 with Retry-After instead of a 500 when the database is
unreachable; the Idempotency-Key stored in the write's transaction, with a lease."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from servicedesk import heartbeats
from servicedesk.models import Heartbeat, IdempotencyKey
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _age(name: str, seconds: float) -> None:
    Heartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now() - timedelta(seconds=seconds)}
    )


def test_healthz_names_a_stale_worker_and_a_missing_beat(client, settings):
    settings.HEARTBEAT_STALE_AFTER = 60
    _age("worker", 61)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["worker", "beat"]
    assert (body["worker"], body["beat"], body["database"]) == ("stale", "stale", "ok")
    assert body["heartbeat_age"]["worker"] >= 61 and body["heartbeat_age"]["beat"] is None
    _age("worker", 5)
    _age("beat", 59)
    assert client.get("/healthz").status_code == 200


def test_healthz_names_the_database_when_it_does_not_answer(client, monkeypatch):
    from servicedesk import views

    def down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(views, "_check_database", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"]
    assert (body["worker"], body["beat"]) == ("unknown", "unknown")


def test_the_heartbeat_thread_beats_until_stopped(settings, transactional_db):
    settings.HEARTBEAT_INTERVAL = 0.05
    thread = heartbeats.start_thread("worker")
    try:
        first = None
        for _ in range(100):
            row = Heartbeat.objects.filter(name="worker").first()
            if row and first is None:
                first = row.seen_at
            if row and first and row.seen_at > first:
                break
            thread.stop.wait(0.05)
        assert row is not None and row.seen_at > first  # it beat at least twice
    finally:
        thread.stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()


@pytest.mark.parametrize("page", ["/sla/", "/tickets/queue/"])
def test_managers_see_a_banner_when_background_work_stopped(client, world, settings, page):
    settings.HEARTBEAT_STALE_AFTER = 60
    _age("worker", 600)
    _age("beat", 5)
    client.force_login(world.manager)
    html = client.get(page).content.decode()
    assert 'data-testid="background-stopped"' in html
    assert "Background work stopped at" in html
    client.force_login(world.dispatcher)
    assert 'data-testid="background-stopped"' not in client.get(page).content.decode()
    client.force_login(world.manager)
    _age("worker", 5)
    assert 'data-testid="background-stopped"' not in client.get(page).content.decode()


def _report(world) -> dict:
    return {
        "organization": world.org_a.pk,
        "site": world.site_a.pk,
        "title": "Pump noisy",
        "description": "Since the morning.",
    }


def _break_ticket_creation(monkeypatch):
    from tickets import services

    def down(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "ticket_create", down)


def test_an_unreachable_database_is_a_json_503_with_retry_after(world, api, monkeypatch):
    _break_ticket_creation(monkeypatch)
    api.raise_request_exception = False
    response = api.as_user(world.customer_a).post("/api/v1/tickets/", _report(world), format="json")
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert response["Retry-After"] == "30"


def test_a_page_during_an_outage_is_a_plain_503(world, monkeypatch):
    from accounts import models

    client = Client(raise_request_exception=False)
    client.force_login(world.customer_a)

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(models.User.objects, "get", down)  # the session's user lookup
    response = client.get("/tickets/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "Service briefly unavailable" in response.content.decode()
    assert response["Retry-After"] == "30"


def test_any_other_error_stays_a_500(world, monkeypatch):
    from tickets import services

    def broken(**kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(services, "ticket_create", broken)
    client = Client(raise_request_exception=False)
    client.force_login(world.customer_a)
    response = client.post("/api/v1/tickets/", _report(world), content_type="application/json")
    assert response.status_code == 500


# --- Idempotency-Key -----------------------------------------------------------------
def test_a_failed_request_keeps_nothing_and_its_key_is_free_again(world, api, monkeypatch):
    client = api.as_token_user(world.customer_a)
    client.raise_request_exception = False
    with monkeypatch.context() as patch:
        _break_ticket_creation(patch)
        assert (
            client.post(
                "/api/v1/tickets/", _report(world), format="json", HTTP_IDEMPOTENCY_KEY="k-503"
            ).status_code
            == 503
        )
    assert not IdempotencyKey.objects.filter(key="k-503").exists()
    response = client.post(
        "/api/v1/tickets/", _report(world), format="json", HTTP_IDEMPOTENCY_KEY="k-503"
    )
    assert response.status_code == 201
    assert Ticket.objects.count() == 1


def test_the_stored_response_commits_with_the_write(world, api, monkeypatch):
    """If the request's transaction rolls back after the view (here: storing the
    response fails), neither the ticket nor a response is kept."""
    client = api.as_token_user(world.customer_a)
    client.raise_request_exception = False
    from rest_framework.response import Response

    real_render = Response.render

    def render_then_fail(self):
        real_render(self)
        raise OperationalError("connection lost before commit")

    monkeypatch.setattr(Response, "render", render_then_fail)
    response = client.post(
        "/api/v1/tickets/", _report(world), format="json", HTTP_IDEMPOTENCY_KEY="k-x"
    )
    assert response.status_code == 503
    assert Ticket.objects.count() == 0
    assert not IdempotencyKey.objects.filter(key="k-x").exists()


def test_a_key_in_progress_is_409_until_its_lease_expires(world, api):
    client = api.as_token_user(world.customer_a)
    first = client.post(
        "/api/v1/tickets/", _report(world), format="json", HTTP_IDEMPOTENCY_KEY="k-dead"
    )
    record = IdempotencyKey.objects.get(key="k-dead")
    assert first.status_code == 201 and record.lease_until is None and record.response_status == 201
    # as a process killed mid-request leaves it: claimed, no response, lease running
    IdempotencyKey.objects.filter(pk=record.pk).update(
        response_status=None, response_body=b"", lease_until=timezone.now() + timedelta(seconds=40)
    )
    again = client.post(
        "/api/v1/tickets/", _report(world), format="json", HTTP_IDEMPOTENCY_KEY="k-dead"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "idempotency_in_progress"
    assert 30 <= int(again["Retry-After"]) <= 41
    IdempotencyKey.objects.filter(pk=record.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    taken_over = client.post(
        "/api/v1/tickets/", _report(world), format="json", HTTP_IDEMPOTENCY_KEY="k-dead"
    )
    assert taken_over.status_code == 201
    replay = client.post(
        "/api/v1/tickets/", _report(world), format="json", HTTP_IDEMPOTENCY_KEY="k-dead"
    )
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json()["number"] == taken_over.json()["number"]
    assert Ticket.objects.count() == 2
