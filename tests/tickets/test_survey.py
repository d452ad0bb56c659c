"""The customer's satisfaction survey: the resolution e-mail carries a signed link;
through it (no login) or signed in, the customer answers once per resolution round
(a second answer is 409); the token works for its own ticket and round only; the
follow-up call records a score the customer did not give."""

import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications import outbox
from tickets import services
from tickets.models import SurveyResponse, Ticket
from tickets.services import survey

from .conftest import RESOLVE

pytestmark = pytest.mark.django_db
S = Ticket.Status


def _link_of_resolution_mail(build, world, capture) -> tuple[Ticket, str]:
    world.customer_a.email = "a@example.cn"
    world.customer_a.save()
    ticket = build.ticket(S.IN_PROGRESS)
    mail.outbox.clear()
    with capture(execute=True):
        ticket = services.ticket_resolve(ticket=ticket, actor=world.engineer1, **RESOLVE)
    outbox.deliver_due()  # what the periodic delivery does, whether or not the fast path ran
    (message,) = [m for m in mail.outbox if m.to == ["a@example.cn"] and "token=" in m.body]
    link = re.search(r"https?://\S+/survey/\?token=\S+", message.body).group(0)
    assert link in message.alternatives[0][0].replace("&amp;", "&")
    assert urlsplit(link).path == f"/tickets/{ticket.pk}/survey/"
    return ticket, link


@pytest.fixture
def linked(build, world, django_capture_on_commit_callbacks, eager_celery):
    ticket, link = _link_of_resolution_mail(build, world, django_capture_on_commit_callbacks)
    token = link.split("token=", 1)[1]
    return ticket, token


def test_customer_answers_through_the_mailed_link_without_login_once(client, api, linked):
    ticket, token = linked
    url = f"/api/v1/tickets/{ticket.pk}/survey/?token={token}"
    state = client.get(url).json()
    assert (state["round"], state["open"], state["answered"]) == (1, True, False)
    response = client.post(url, {"score": 4, "comment": "快，好"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["answered"] and not response.json()["open"]
    answer = SurveyResponse.objects.get()
    assert (answer.round, answer.score, answer.comment, answer.source, answer.respondent) == (
        1,
        4,
        "快，好",
        "link",
        None,
    )
    again = client.post(url, {"score": 1}, content_type="application/json")
    assert again.status_code == 409 and SurveyResponse.objects.get().score == 4
    # Signed in as the customer changes nothing: the round is answered.
    assert (
        api.as_user(ticket.reporter)
        .post(f"/api/v1/tickets/{ticket.pk}/survey/", {"score": 2})
        .status_code
        == 409
    )
    assert ticket.events.filter(kind="survey_answered").count() == 1


def test_the_token_is_scoped_to_its_ticket_and_cannot_be_altered(client, build, linked):
    ticket, token = linked
    other = build.ticket(S.RESOLVED)
    assert (
        client.post(
            f"/api/v1/tickets/{other.pk}/survey/?token={token}",
            {"score": 5},
            content_type="application/json",
        ).status_code
        == 403
    )
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert (
        client.post(
            f"/api/v1/tickets/{ticket.pk}/survey/?token={tampered}",
            {"score": 5},
            content_type="application/json",
        ).status_code
        == 403
    )
    forged = survey.make_token(other, 1).replace(str(other.pk), str(ticket.pk))
    assert client.get(f"/api/v1/tickets/{ticket.pk}/survey/?token={forged}").status_code == 403
    assert not SurveyResponse.objects.exists()


def test_the_link_expires_and_a_new_round_closes_the_old_link(client, world, linked):
    ticket, token = linked
    url = f"/api/v1/tickets/{ticket.pk}/survey/?token={token}"
    with time_machine.travel(timezone.now() + survey.TOKEN_MAX_AGE + timezone.timedelta(minutes=1)):
        assert client.post(url, {"score": 5}, content_type="application/json").status_code == 403
    services.ticket_reopen(ticket=ticket, actor=world.dispatcher, reason="Came back")
    assert client.post(url, {"score": 5}, content_type="application/json").status_code == 409
    ticket = services.ticket_resolve(
        ticket=Ticket.objects.get(pk=ticket.pk), actor=world.engineer1, **RESOLVE
    )
    assert (
        client.post(url, {"score": 5}, content_type="application/json").status_code == 409
    )  # round 1 link
    new = f"/api/v1/tickets/{ticket.pk}/survey/?token={survey.make_token(ticket, 2)}"
    assert client.post(new, {"score": 3}, content_type="application/json").status_code == 201
    assert list(SurveyResponse.objects.values_list("round", "score")) == [(2, 3)]


def test_signed_in_customer_answers_and_bad_input_or_other_roles_are_refused(api, world, build):
    ticket = build.ticket(S.RESOLVED)
    url = f"/api/v1/tickets/{ticket.pk}/survey/"
    assert api.as_user(world.customer_b).get(url).status_code == 404
    assert api.as_user(world.engineer1).post(url, {"score": 5}).status_code == 403
    assert api.as_user(world.engineer1).get(url).status_code == 200
    client = api.as_user(world.customer_a2)  # a colleague of the reporter, same organisation
    assert client.post(url, {"score": 6}).status_code == 400
    assert client.post(url, {"score": "x"}).status_code == 400
    assert not SurveyResponse.objects.exists()
    assert client.post(url, {"score": 5, "comment": "ok"}).status_code == 201
    assert SurveyResponse.objects.get().source == "portal"
    open_ticket = build.ticket(S.IN_PROGRESS)
    assert client.post(f"/api/v1/tickets/{open_ticket.pk}/survey/", {"score": 5}).status_code == 409


def test_follow_up_call_records_the_score_only_when_the_customer_did_not(api, world, build):
    ticket = build.ticket(S.RESOLVED)
    services.ticket_follow_up(ticket=ticket, actor=world.dispatcher, recurred=False, satisfaction=3)
    call = SurveyResponse.objects.get()
    assert (call.source, call.score, call.respondent) == ("call", 3, world.dispatcher)
    answered = build.ticket(S.RESOLVED)
    api.as_user(world.customer_a).post(f"/api/v1/tickets/{answered.pk}/survey/", {"score": 5})
    services.ticket_follow_up(
        ticket=Ticket.objects.get(pk=answered.pk),
        actor=world.dispatcher,
        recurred=False,
        satisfaction=2,
    )
    assert SurveyResponse.objects.get(ticket=answered).score == 5


def test_survey_page_without_login_through_the_link(client, linked):
    ticket, token = linked
    url = f"/tickets/{ticket.pk}/survey/?token={token}"
    page = client.get(url)
    assert page.status_code == 200 and ticket.number in page.content.decode()
    done = client.post(url, {"score": "5", "comment": "很好"})
    assert done.status_code == 200 and 'data-testid="survey-thanks"' in done.content.decode()
    assert client.get(url).status_code == 409
    assert client.get(f"/tickets/{ticket.pk}/survey/").status_code == 302  # no token: log in first
    assert SurveyResponse.objects.get().comment == "很好"
