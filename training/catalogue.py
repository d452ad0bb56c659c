"""Write use cases of the training catalogue: courses (managers) and sessions
(dispatchers). Services like those of training.services, kept apart so that
services.py stays about enrolments, certificates and obligations."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.roles import DISPATCH, MANAGERS
from accounts.selectors import organizations_visible_to
from servicedesk import crud
from servicedesk.errors import Conflict

from .models import Course, Session
from .selectors import courses_visible_to, sessions_visible_to


def course_create(*, actor, **fields) -> Course:
    crud.check_role(actor, MANAGERS)
    return crud.create(Course, actor=actor, fields=fields)


def course_update(course: Course, /, *, actor, **fields) -> Course:
    crud.check_role(actor, MANAGERS)
    return crud.update(course, actor=actor, fields=fields)


def course_delete(course: Course, /, *, actor) -> None:
    crud.check_role(actor, MANAGERS)
    crud.delete(course, actor=actor,
                in_use=_("The course has sessions; set it inactive instead of deleting it."))


def _check_session_input(actor, fields: dict) -> None:
    crud.check_visible(actor, fields.get("course"), courses_visible_to)
    crud.check_visible(actor, fields.get("organization"), organizations_visible_to)


def session_create(*, actor, **fields) -> Session:
    crud.check_role(actor, DISPATCH)
    _check_session_input(actor, fields)
    return crud.create(Session, actor=actor, fields=fields)


def session_update(session: Session, /, *, actor, **fields) -> Session:
    crud.check_role(actor, DISPATCH)
    crud.check_visible(actor, session, sessions_visible_to)
    _check_session_input(actor, fields)
    try:
        with transaction.atomic():
            return crud.update(session, actor=actor, fields=fields)
    except IntegrityError as exc:  # capacity lowered while someone enrolled
        raise Conflict(_("The session changed meanwhile (enrolments); reload it.")) from exc


def session_delete(session: Session, /, *, actor) -> None:
    crud.check_role(actor, DISPATCH)
    crud.check_visible(actor, session, sessions_visible_to)
    crud.delete(session, actor=actor, in_use=_("The session has enrolments; cancel them first."))
