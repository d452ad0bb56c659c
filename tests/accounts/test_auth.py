import pytest
from django.core import mail
from django.core.management import call_command

from accounts.demo import DEMO_USERNAMES
from accounts.models import User

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-test-password-1"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", password=DEMO_PASSWORD)


def test_every_seeded_user_gets_a_jwt_and_me_answers_role(demo, client):
    for username in DEMO_USERNAMES:
        tokens = client.post(
            "/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert tokens.status_code == 200, username
        me = client.get(
            "/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access']}"
        ).json()
        user = User.objects.get(username=username)
        assert me["role"] == user.role
        if user.is_customer:
            assert me["organization"]["id"] == user.organization_id
        elif username != "admin":
            assert [c["id"] for c in me["service_centers"]] == list(
                user.service_centers.values_list("id", flat=True)
            )


def test_refresh_token_gives_a_new_access_token(demo, client):
    tokens = client.post(
        "/api/v1/auth/token/", {"username": "dispatcher", "password": DEMO_PASSWORD}
    ).json()
    refreshed = client.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]})
    assert refreshed.status_code == 200
    assert "access" in refreshed.json()


def test_wrong_password_is_401(demo, client):
    response = client.post("/api/v1/auth/token/", {"username": "manager", "password": "nope"})
    assert response.status_code == 401


def test_seed_demo_is_idempotent(demo):
    from django.apps import apps

    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    call_command("seed_demo", password=DEMO_PASSWORD)
    assert {m._meta.label: m.objects.count() for m in apps.get_models()} == counts


def test_seed_demo_refuses_with_debug_off(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", password="x")
    assert not User.objects.exists()


def test_session_login_and_home_page(world, client):
    from tests.factories.accounts import PASSWORD

    response = client.post("/accounts/login/", {"username": "customer_a", "password": PASSWORD})
    assert response.status_code == 302
    assert "Welcome" in client.get("/").content.decode()


def test_password_reset_sends_an_email(world, client):
    world.customer_a.email = "a@example.test"
    world.customer_a.save()
    client.post("/accounts/password_reset/", {"email": "a@example.test"})
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_customer_admin_manages_only_own_organisation(world, api):
    client = api.as_user(world.customer_a)
    created = client.post(
        "/api/v1/users/", {"username": "colleague", "role": "customer", "email": "c@a.test"}
    )
    assert created.status_code == 201
    assert User.objects.get(username="colleague").organization == world.org_a
    assert client.get(f"/api/v1/users/{world.customer_b.pk}/").status_code == 404
    assert (
        client.patch(f"/api/v1/users/{world.customer_b.pk}/", {"first_name": "X"}).status_code
        == 404
    )
    staff = client.post("/api/v1/users/", {"username": "fake-admin", "role": "admin"})
    assert staff.status_code == 400
    assert not User.objects.filter(username="fake-admin").exists()


def test_plain_customer_cannot_manage_users(world, api):
    response = api.as_user(world.customer_a2).post(
        "/api/v1/users/", {"username": "x", "role": "customer"}
    )
    assert response.status_code == 403


def test_customer_admin_user_page_lists_only_own_organisation(world, client):
    client.force_login(world.customer_a)
    html = client.get("/accounts/users/").content.decode()
    assert "customer_a2" in html
    assert "customer_b" not in html
    client.force_login(world.customer_a2)
    assert client.get("/accounts/users/").status_code == 404


def test_language_switch_remembers_the_choice_on_the_account(world, client):
    client.force_login(world.customer_b)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    world.customer_b.refresh_from_db()
    assert world.customer_b.language == "zh-hans"
    assert "欢迎" in client.get("/").content.decode()
