"""Write use cases of the training catalogue: courses (managers) and sessions
(dispatchers). Services like those of training.services, kept apart so that
services.py stays about enrolments, certificates and obligations."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.roles import DISPATCH, MANAGERS
from accounts.selectors import organizations_visible_to
from servicedesk.crud import EntityServices, check_visible
from servicedesk.errors import Conflict

from .models import Course, Session
from .selectors import courses_visible_to, sessions_visible_to


def _check_session_input(actor, fields: dict) -> None:
    check_visible(actor, fields.get("course"), courses_visible_to)
    check_visible(actor, fields.get("organization"), organizations_visible_to)


course_create, course_update, course_delete = EntityServices(
    Course,
    roles=MANAGERS,
    in_use=_("The course has sessions; set it inactive instead of deleting it."),
).functions
_sessions = EntityServices(
    Session,
    roles=DISPATCH,
    visible=sessions_visible_to,
    check_input=_check_session_input,
    in_use=_("The session has enrolments; cancel them first."),
)
session_create, session_delete = _sessions.create, _sessions.delete


def session_update(session: Session, /, *, actor, **fields) -> Session:
    try:
        with transaction.atomic():
            return _sessions.update(session, actor=actor, **fields)
    except IntegrityError as exc:  # capacity lowered while someone enrolled
        raise Conflict(_("The session changed meanwhile (enrolments); reload it.")) from exc
