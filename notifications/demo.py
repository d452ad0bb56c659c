"""Demo notifications: a few unread ones for the demo users, about the demo tickets
(the ticket services usually created them already while seeding the tickets).
Idempotent: nothing is added when a row with the same (recipient, event, target)
exists; e-mail is marked sent, so this step never mails anyone."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone, translation

from . import events
from .models import Notification


def _add(user, event, target):
    if user is None or target is None:
        return
    target_type = ContentType.objects.get_for_model(target)
    with translation.override(user.language):
        verb = events.verb_for(event, str(target))
    key = {"recipient": user, "event": event, "target_type": target_type, "target_id": target.pk}
    if Notification.objects.filter(**key).exists():
        return  # the ticket services' own notification, or a previous run's
    Notification.objects.create(
        **key, verb=verb, target_label=str(target)[:300], emailed_at=timezone.now()
    )


def seed(ctx):
    # After commit: the ticket services notify after their commit too, and went first.
    transaction.on_commit(lambda: _seed(ctx))


def _seed(ctx):
    users, objects = ctx.users, ctx.objects
    _add(users.get("dispatcher"), events.TICKET_REPORTED, objects.get("ticket:new"))
    triaged = objects.get("ticket:triaged")
    _add(getattr(triaged, "assignee", None), events.TICKET_ASSIGNED, triaged)  # whoever it went to
    _add(users.get("customer_a"), events.TICKET_RECEIVED, objects.get("ticket:new"))
    _add(users.get("customer_a"), events.TICKET_RESOLVED, objects.get("ticket:resolved"))
