"""The customer's satisfaction survey. Each resolution opens a round (the n-th
resolution of the ticket is round n); the reporter gets a link with a signed token
naming the ticket and the round, answerable without login, once: the unique
(ticket, round) row makes a second answer a 409, whoever sends it. The follow-up call
may record the score instead (source `call`)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from servicedesk.errors import Conflict, InvalidTransition, PermissionDenied, ServiceError
from tickets.models import SurveyResponse, Ticket, TicketEvent

from . import _base as base

SALT = "tickets.survey"
TOKEN_MAX_AGE = timedelta(days=30)
ANSWERABLE = (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)


class BadToken(PermissionDenied):
    """The link is not one of this ticket's, was altered, or has expired."""


def current_round(ticket: Ticket) -> int:
    """How many times the ticket was resolved: the round a survey answer belongs to."""
    return TicketEvent.objects.filter(ticket=ticket, kind="resolved").count()


def make_token(ticket: Ticket, round_: int) -> str:
    return signing.dumps({"t": ticket.pk, "r": round_}, salt=SALT, compress=True)


def survey_url(ticket: Ticket, round_: int) -> str:
    """The absolute link sent to the customer."""
    path = reverse("tickets:survey", args=[ticket.pk])
    return f"{settings.SITE_URL.rstrip('/')}{path}?token={make_token(ticket, round_)}"


def read_token(ticket: Ticket, token: str) -> int:
    """The round the token was issued for; BadToken unless it was issued for
    `ticket` and is younger than TOKEN_MAX_AGE."""
    try:
        data = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise BadToken(_("This survey link is not valid (or has expired).")) from exc
    if (
        not isinstance(data, dict)
        or data.get("t") != ticket.pk
        or not isinstance(data.get("r"), int)
    ):
        raise BadToken(_("This survey link is not valid (or has expired)."))
    return data["r"]


def check_open(ticket: Ticket, round_: int) -> None:
    if ticket.status not in ANSWERABLE or round_ < 1 or round_ != current_round(ticket):
        raise InvalidTransition(
            _("This survey is closed: the fault report changed since the link was sent.")
        )


def answer_for(ticket: Ticket, round_: int) -> SurveyResponse | None:
    return SurveyResponse.objects.filter(ticket=ticket, round=round_).first()


def _check_score(score) -> None:
    if not (isinstance(score, int) and not isinstance(score, bool) and 1 <= score <= 5):
        raise ServiceError(_("Give a satisfaction score from 1 to 5."), field="score")


@transaction.atomic
def survey_answer(
    *,
    ticket: Ticket,
    score: int,
    comment: str = "",
    actor: User | None = None,
    token: str = "",
    at: datetime | None = None,
) -> SurveyResponse:
    """Record the customer's answer for the current round, through `token` (no login)
    or as `actor` (a customer of the ticket's organisation). Conflict (409) when the
    round was answered already."""
    ticket = base.lock_ticket(ticket)
    if token:
        round_ = read_token(ticket, token)
    elif actor is not None and actor.is_customer:
        base.check_scope(actor, ticket)
        round_ = current_round(ticket)
    else:
        raise PermissionDenied(
            _("Only the customer answers the survey; staff record it on the follow-up call.")
        )
    check_open(ticket, round_)
    _check_score(score)
    source = SurveyResponse.Source.LINK if token else SurveyResponse.Source.PORTAL
    return _store(
        ticket,
        round_,
        score=score,
        comment=comment or "",
        source=source,
        respondent=actor,
        at=at or base.now(),
    )


def _store(ticket, round_, *, score, comment, source, respondent, at) -> SurveyResponse:
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                ticket=ticket,
                round=round_,
                score=score,
                comment=comment[:5000],
                source=source,
                respondent=respondent,
                answered_at=at,
            )
    except IntegrityError as exc:
        raise Conflict(_("This survey was answered already.")) from exc
    base.record(
        ticket,
        kind="survey_answered",
        actor=respondent,
        at=at,
        from_status=ticket.status,
        note=comment[:500],
        data={"round": round_, "score": score, "source": source},
    )
    base.save(ticket)
    return response


def survey_record_call(
    *, ticket: Ticket, score: int, actor: User, at: datetime
) -> SurveyResponse | None:
    """The follow-up call's score, for a round the customer has not answered (inside
    the follow-up's transaction; the ticket row is locked by it)."""
    round_ = current_round(ticket)
    if round_ < 1 or answer_for(ticket, round_) is not None:
        return None
    return _store(
        ticket,
        round_,
        score=score,
        comment="",
        source=SurveyResponse.Source.CALL,
        respondent=actor,
        at=at,
    )
