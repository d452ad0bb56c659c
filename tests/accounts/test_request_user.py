"""The API's token authentication reads the user in one query with their service
centres (accounts.selectors.request_user, issue 15), and a verified token is not
verified again while it lasts, but still refused once it has expired, once the password
changed or once the user is inactive."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import User
from accounts.selectors import request_user
from tests.factories.accounts import access_token

pytestmark = pytest.mark.django_db

FIELDS = [field.attname for field in User._meta.concrete_fields]


def test_request_user_is_the_user_with_the_same_service_centres(world):
    # A staff member of no centre and a customer too: their scope is no restriction
    # (None) and their organisation.
    loose = User.objects.create_user("loose", role=User.Role.DISPATCHER)
    for user in [*vars(world.users).values(), loose]:
        fresh = User.objects.get(pk=user.pk)
        read = request_user(user.pk)
        assert [getattr(read, name) for name in FIELDS] == [getattr(fresh, n) for n in FIELDS]
        assert read.center_ids == fresh.center_ids, user.username
    # The regional manager sees the regional centre and its local child; admin: all.
    assert request_user(world.manager.pk).center_ids == {world.regional.pk, world.local.pk}
    assert request_user(world.dispatcher.pk).center_ids == {world.local.pk}
    assert request_user(world.admin.pk).center_ids is None
    assert request_user(loose.pk).center_ids is None
    assert request_user(10**9) is None


def test_the_token_user_costs_one_query(world, django_assert_num_queries):
    """Token, user and centres: one query (on SQLite the centres are a second one, asked
    when a scoped read needs them)."""
    from rest_framework.test import APIRequestFactory

    from accounts.tokens import JWTAuthentication

    request = APIRequestFactory().get(
        "/", HTTP_AUTHORIZATION=f"Bearer {access_token(world.dispatcher)}"
    )
    from django.db import connection

    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        user, _token = JWTAuthentication().authenticate(request)
        assert user.center_ids == {world.local.pk}


def test_a_verified_token_is_still_refused_when_it_expires_or_is_revoked(world, api):
    client = api.as_user(None)
    token = access_token(world.dispatcher)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/tickets/").status_code == 200
    assert client.get("/api/v1/tickets/").status_code == 200  # the remembered token
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        assert client.get("/api/v1/tickets/").status_code == 401
    assert client.get("/api/v1/tickets/").status_code == 200
    world.dispatcher.is_active = False
    world.dispatcher.save()
    assert client.get("/api/v1/tickets/").status_code == 401
    world.dispatcher.is_active = True
    world.dispatcher.set_password("a new password 123")
    world.dispatcher.save()
    response = client.get("/api/v1/tickets/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked" or "revoked" in response.content.decode()


def test_a_token_naming_no_user_or_no_number_is_refused(world, api):
    from accounts.tokens import TokenObtainPairSerializer

    token = TokenObtainPairSerializer.get_token(world.engineer1).access_token
    token["user_id"] = 10**9
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/tickets/").status_code == 401
    # A signed token whose user id is not a number: refused, not a 500.
    token["user_id"] = "1; DROP TABLE accounts_user"
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/tickets/").status_code == 401
