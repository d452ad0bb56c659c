"""Issue 13: guessers are locked out (429 + Retry-After), tokens are revocable,
customer admins cannot set staff-only fields, denied requests are logged."""

import json
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def token(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post(TOKEN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def bearer(access):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def audit_records(caplog, event):
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "servicedesk.audit"]
    return [line for line in lines if line["event"] == event]


def test_token_endpoint_locks_the_account_out_after_five_failures(world, client, caplog):
    caplog.set_level("INFO", logger="servicedesk.audit")
    answers = [
        token(client, "dispatcher", "wrong", ip=f"10.0.0.{i}").status_code for i in range(1, 7)
    ]
    assert answers[:4] == [401] * 4
    assert answers[4:] == [429, 429]
    # From yet another address, with the right password: still locked (per account).
    right = token(client, "dispatcher", ip="10.0.9.9")
    assert right.status_code == 429
    assert right.json()["code"] == "throttled"
    assert 0 < int(right["Retry-After"]) <= 15 * 60
    lockouts = audit_records(caplog, "lockout")
    assert lockouts and lockouts[0]["user"] == "dispatcher"
    assert {"ip", "method", "path"} <= set(lockouts[0])


def test_token_endpoint_locks_the_client_address_out_across_accounts(world, client):
    for name in ["a", "b", "c", "d", "e"]:
        token(client, name, "wrong", ip="10.1.1.1")
    assert token(client, "manager", ip="10.1.1.1").status_code == 429
    assert token(client, "manager", ip="10.1.1.2").status_code == 200


def test_lockout_message_does_not_reveal_whether_the_account_exists(world, client):
    for i in range(6):
        token(client, "dispatcher", "wrong", ip=f"10.2.0.{i}")
        token(client, "nobody-here", "wrong", ip=f"10.3.0.{i}")
    real, ghost = (
        token(client, "dispatcher", "x", ip="10.4.0.1"),
        token(client, "nobody-here", "x", ip="10.4.0.2"),
    )
    assert real.status_code == ghost.status_code == 429
    assert real.json() == ghost.json()


def test_forged_forwarded_for_does_not_give_fresh_addresses(world, client):
    for i in range(5):
        client.post(
            TOKEN,
            {"username": f"u{i}", "password": "x"},
            REMOTE_ADDR="10.5.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
        )
    assert token(client, "manager", ip="10.5.0.1").status_code == 429


def test_page_login_locks_out_with_429_and_retry_after(world, client):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "customer_a", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "customer_a", "password": PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_an_admin_unlocks_a_locked_out_account(world, client):
    for _ in range(5):
        token(client, "engineer1", "wrong")
    assert token(client, "engineer1").status_code == 429
    admin = APIClient()
    admin.force_login(world.admin)
    listed = admin.get("/admin/axes/accessattempt/")
    assert listed.status_code == 200 and "engineer1" in listed.content.decode()
    assert AccessAttempt.objects.filter(username="engineer1").exists()
    call_command("axes_reset_username", "engineer1")
    assert token(client, "engineer1").status_code == 200


def test_password_reset_is_rate_limited_per_email(world, client):
    world.customer_a.email = "a@example.test"
    world.customer_a.save()
    codes = [
        client.post(
            "/accounts/password_reset/", {"email": "a@example.test"}, REMOTE_ADDR=f"10.6.0.{i}"
        ).status_code
        for i in range(5)
    ]
    assert codes == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    # An address no account has is limited the same way (nothing to learn from it).
    ghost = [
        client.post(
            "/accounts/password_reset/", {"email": "ghost@example.test"}, REMOTE_ADDR=f"10.7.0.{i}"
        ).status_code
        for i in range(4)
    ]
    assert ghost == [302, 302, 302, 429]


def test_access_tokens_live_at_most_15_minutes(world, client):
    from rest_framework_simplejwt.tokens import AccessToken

    access = AccessToken(token(client, "manager").json()["access"])
    assert access["exp"] - access["iat"] <= 15 * 60


def test_refresh_tokens_rotate_and_a_used_one_is_refused(world, client):
    pair = token(client, "manager").json()
    first = client.post(REFRESH, {"refresh": pair["refresh"]})
    assert first.status_code == 200
    assert first.json()["refresh"] != pair["refresh"]
    assert client.post(REFRESH, {"refresh": pair["refresh"]}).status_code == 401
    assert client.post(REFRESH, {"refresh": first.json()["refresh"]}).status_code == 200


def test_logout_revokes_every_refresh_token_of_the_caller(world, client):
    phone, laptop = token(client, "dispatcher").json(), token(client, "dispatcher").json()
    assert bearer(phone["access"]).post("/api/v1/auth/logout/").status_code == 204
    assert client.post(REFRESH, {"refresh": phone["refresh"]}).status_code == 401
    assert client.post(REFRESH, {"refresh": laptop["refresh"]}).status_code == 401
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401


def test_password_change_by_an_admin_revokes_access_and_refresh_tokens(world, client, api):
    pair = token(client, "customer_a2").json()
    assert bearer(pair["access"]).get("/api/v1/me/").status_code == 200
    changed = api.as_user(world.customer_a).patch(
        f"/api/v1/users/{world.customer_a2.pk}/", {"password": "a-new-passphrase-42"}
    )
    assert changed.status_code == 200
    assert bearer(pair["access"]).get("/api/v1/me/").status_code == 401
    assert client.post(REFRESH, {"refresh": pair["refresh"]}).status_code == 401
    assert token(client, "customer_a2", "a-new-passphrase-42").status_code == 200


def test_password_reset_revokes_tokens(world, client):
    world.customer_a2.email = "a2@example.test"
    world.customer_a2.save()
    pair = token(client, "customer_a2").json()
    client.post("/accounts/password_reset/", {"email": "a2@example.test"})
    link = re.search(r"/accounts/reset/\S+/", mail.outbox[-1].body).group(0)
    form = client.get(link, follow=True)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "another-passphrase-77", "new_password2": "another-passphrase-77"},
    )
    assert done.status_code == 302
    assert bearer(pair["access"]).get("/api/v1/me/").status_code == 401
    assert client.post(REFRESH, {"refresh": pair["refresh"]}).status_code == 401


def test_deactivation_revokes_refresh_tokens(world, client, api):
    pair = token(client, "customer_a2").json()
    assert (
        api.as_user(world.customer_a).delete(f"/api/v1/users/{world.customer_a2.pk}/").status_code
        == 204
    )
    assert client.post(REFRESH, {"refresh": pair["refresh"]}).status_code == 401
    assert bearer(pair["access"]).get("/api/v1/me/").status_code == 401


def test_customer_admin_cannot_set_staff_only_fields(world, api):
    client = api.as_user(world.customer_a)
    patched = client.patch(
        f"/api/v1/users/{world.customer_a2.pk}/", {"service_centers": [world.local.pk]}
    )
    assert patched.status_code == 400
    assert "service_centers" in patched.json()
    created = client.post(
        "/api/v1/users/",
        {"username": "x1", "role": "customer", "service_centers": [world.local.pk]},
    )
    assert created.status_code == 400
    assert not world.customer_a2.service_centers.exists()
    assert (
        client.patch(f"/api/v1/users/{world.customer_a2.pk}/", {"role": "dispatcher"}).status_code
        == 400
    )
    # Nor lock themselves out or promote themselves.
    assert (
        client.patch(f"/api/v1/users/{world.customer_a.pk}/", {"is_active": False}).status_code
        == 400
    )
    assert (
        client.patch(f"/api/v1/users/{world.customer_a.pk}/", {"role": "customer"}).status_code
        == 400
    )
    assert User.objects.get(pk=world.customer_a.pk).is_active


def test_denied_requests_are_logged_with_user_address_method_and_path(world, api, caplog):
    caplog.set_level("INFO", logger="servicedesk.audit")
    client = api.as_user(world.customer_a2)
    assert client.post("/api/v1/users/", {"username": "y", "role": "customer"}).status_code == 403
    assert client.get(f"/api/v1/users/{world.customer_b.pk}/").status_code == 404
    denied, hidden = (
        audit_records(caplog, "access_denied"),
        audit_records(caplog, "not_found_or_out_of_scope"),
    )
    assert denied[0] | {"ip": None} == {
        "event": "access_denied",
        "status": 403,
        "user": "customer_a2",
        "ip": None,
        "method": "POST",
        "path": "/api/v1/users/",
    }
    assert denied[0]["ip"] == "127.0.0.1"
    assert hidden[0]["path"] == f"/api/v1/users/{world.customer_b.pk}/"


@override_settings(PUBLIC_API_DOCS=False)
def test_schema_and_docs_need_a_signed_in_user(world, client):
    for url in ["/api/v1/schema/", "/api/v1/docs/"]:
        assert client.get(url).status_code in (401, 403), url
    client.force_login(world.customer_a)
    assert client.get("/api/v1/schema/").status_code == 200
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert "<script>" not in docs.content.decode()  # the start-up script is a file


def test_pages_carry_csp_without_inline_scripts_and_permissions_policy(world, client):
    client.force_login(world.manager)
    for url in ["/", "/accounts/login/", "/api/v1/me/"]:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert "object-src 'none'" in policy
        assert "camera=(self)" in response["Permissions-Policy"]
