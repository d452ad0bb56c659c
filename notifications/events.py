"""The events `notify()` knows by name. Each has a one-line description (for
developers), a verb shown in the bell and the list (translated into the recipient's
language when the notification is created; `%(target)s` is the object's label) and
the stem of its e-mail templates.

E-mail templates are looked up as `<target's app label>/email/<template>` (for example
`tickets/email/ticket_received_subject.txt`, `.txt` and `.html`); an event without its
own templates, including any event another app sends that is not listed here, falls
back to `notifications/email/generic` with a generic verb."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# --- ticket events (sent by tickets.services) -------------------------------------
TICKET_REPORTED = "ticket_reported"
TICKET_RECEIVED = "ticket_received"
TICKET_TRIAGED = "ticket_triaged"
TICKET_ASSIGNED = "ticket_assigned"
TICKET_WAITING_CUSTOMER = "ticket_waiting_customer"
TICKET_RESUMED = "ticket_resumed"
TICKET_ESCALATED = "ticket_escalated"
VISIT_DISPATCHED = "visit_dispatched"
VISIT_SIGNED = "visit_signed"
VISIT_COMPLETED = "visit_completed"
VISIT_CANCELLED = "visit_cancelled"
TICKET_RESOLVED = "ticket_resolved"
TICKET_ACCEPTED = "ticket_accepted"
FOLLOW_UP = "follow_up"
TICKET_FOLLOWED_UP = (
    "ticket_followed_up"  # the name tickets.services sends; same templates as FOLLOW_UP
)
COMMENT_ADDED = "comment_added"
TICKET_COMMENTED = (
    "ticket_commented"  # the name tickets.services sends; same templates as COMMENT_ADDED
)
TICKET_REOPENED = "ticket_reopened"
TICKET_CANCELLED = "ticket_cancelled"
# --- inbound e-mail (sent by tickets.inbound) -------------------------------------
INBOUND_EMAIL_PENDING = "inbound_email_pending"

GENERIC_TEMPLATE = "notifications/email/generic"


@dataclass(frozen=True)
class Event:
    name: str
    description: str
    verb: Promise
    template: str = ""  # the e-mail template stem; the event's name when empty

    @property
    def template_stem(self) -> str:
        return self.template or self.name


EVENTS: dict[str, Event] = {
    event.name: event
    for event in [
        Event(
            TICKET_REPORTED,
            "A new fault report arrived (to the dispatchers).",
            _("New fault report %(target)s"),
        ),
        Event(
            TICKET_RECEIVED,
            "The report was received, with its number (to the reporter or the organisation's "
            "contacts).",
            _("Your fault report %(target)s was received"),
        ),
        Event(
            TICKET_TRIAGED,
            "The report was triaged and assigned (to the customer).",
            _("Your fault report %(target)s was triaged"),
        ),
        Event(
            TICKET_ASSIGNED,
            "A ticket was assigned to an engineer (to the engineer).",
            _("Fault report %(target)s was assigned to you"),
        ),
        Event(
            TICKET_WAITING_CUSTOMER,
            "The engineer waits for the customer (to the customer).",
            _("Fault report %(target)s is waiting for your answer"),
        ),
        Event(
            TICKET_RESUMED,
            "Work resumed after waiting for the customer (to the assignee).",
            _("Work on fault report %(target)s resumed"),
        ),
        Event(
            TICKET_ESCALATED,
            "The ticket was escalated (to the expert who now owns it).",
            _("Fault report %(target)s was escalated to you"),
        ),
        Event(
            VISIT_DISPATCHED,
            "An on-site visit was dispatched (to the engineer and to the customer: who and when).",
            _("On-site visit %(target)s dispatched"),
        ),
        Event(
            VISIT_SIGNED,
            "The customer signed the service confirmation (to the engineer).",
            _("Service confirmation of visit %(target)s signed"),
        ),
        Event(
            VISIT_COMPLETED,
            "The on-site visit was completed (to the customer).",
            _("On-site visit %(target)s completed"),
        ),
        Event(
            VISIT_CANCELLED,
            "The on-site visit was cancelled (to the engineer).",
            _("On-site visit %(target)s cancelled"),
        ),
        Event(
            TICKET_RESOLVED,
            "The fault was resolved, with cause, solution and prevention (to the customer).",
            _("Fault report %(target)s was resolved"),
        ),
        Event(
            TICKET_ACCEPTED,
            "The customer accepted the repair (to the assignee).",
            _("The customer accepted the repair of %(target)s"),
        ),
        Event(
            FOLLOW_UP,
            "Follow-up recorded: thanks and satisfaction (to the customer).",
            _("Thank you for your feedback on %(target)s"),
        ),
        Event(
            TICKET_FOLLOWED_UP,
            "Follow-up recorded: thanks and satisfaction (to the customer).",
            _("Thank you for your feedback on %(target)s"),
            template=FOLLOW_UP,
        ),
        Event(
            COMMENT_ADDED,
            "A non-internal comment was added (to the other side).",
            _("New comment on %(target)s"),
        ),
        Event(
            TICKET_COMMENTED,
            "A comment was added (to the other side; internal ones only to staff).",
            _("New comment on %(target)s"),
            template=COMMENT_ADDED,
        ),
        Event(
            TICKET_REOPENED,
            "The ticket was reopened (to the assignee or the customer).",
            _("Fault report %(target)s was reopened"),
        ),
        Event(
            TICKET_CANCELLED,
            "The ticket was cancelled (to the customer and the assignee).",
            _("Fault report %(target)s was cancelled"),
        ),
        Event(
            INBOUND_EMAIL_PENDING,
            "An e-mail from an unknown sender waits for registration (to the dispatchers).",
            _("An e-mail from %(target)s waits for registration"),
        ),
    ]
}

GENERIC_VERB = _("New update on %(target)s")
GENERIC_VERB_WITHOUT_TARGET = _("You have a new notification")


def verb_for(event: str, target_label: str) -> str:
    """The verb in the active language."""
    known = EVENTS.get(event)
    if known is not None:
        return str(known.verb) % {"target": target_label}
    if target_label:
        return str(GENERIC_VERB) % {"target": target_label}
    return str(GENERIC_VERB_WITHOUT_TARGET)


def template_stem(event: str) -> str:
    known = EVENTS.get(event)
    return known.template_stem if known else event


# --- channels (issue 17) -----------------------------------------------------------
# The events people and endpoints subscribe to on the pages, with a short name each:
# the ones above and those the other apps send (the API takes any name).
LABELS: dict[str, Promise] = {
    TICKET_REPORTED: _("New fault report"),
    TICKET_RECEIVED: _("Fault report received"),
    TICKET_TRIAGED: _("Fault report triaged"),
    TICKET_ASSIGNED: _("Fault report assigned"),
    TICKET_WAITING_CUSTOMER: _("Waiting for the customer"),
    TICKET_RESUMED: _("Work resumed"),
    TICKET_ESCALATED: _("Fault report escalated"),
    VISIT_DISPATCHED: _("On-site visit dispatched"),
    VISIT_SIGNED: _("Service confirmation signed"),
    VISIT_COMPLETED: _("On-site visit completed"),
    VISIT_CANCELLED: _("On-site visit cancelled"),
    TICKET_RESOLVED: _("Fault report resolved (with the survey link)"),
    TICKET_ACCEPTED: _("Repair accepted"),
    TICKET_FOLLOWED_UP: _("Follow-up call recorded"),
    TICKET_COMMENTED: _("New comment"),
    TICKET_REOPENED: _("Fault report reopened"),
    TICKET_CANCELLED: _("Fault report cancelled"),
    "sla_warning": _("SLA target about to be missed"),
    "sla_breach": _("SLA target breached"),
    "inspection_assigned": _("Inspection assigned"),
    "inspection_missed": _("Inspection missed"),
    "maintenance_overdue": _("Maintenance task overdue"),
    "training_enrolled": _("Training enrolment"),
    "training_certificate_issued": _("Training certificate issued"),
    "training_obligation_due_soon": _("Operator training due soon"),
    "training_obligation_lapsed": _("Operator training lapsed"),
    INBOUND_EMAIL_PENDING: _("E-mail waiting for registration"),
}

# What customers are told about (the rest goes to staff): their channel page offers these.
CUSTOMER_EVENTS = frozenset(
    {
        TICKET_RECEIVED,
        TICKET_TRIAGED,
        TICKET_WAITING_CUSTOMER,
        VISIT_DISPATCHED,
        VISIT_COMPLETED,
        TICKET_RESOLVED,
        TICKET_FOLLOWED_UP,
        TICKET_COMMENTED,
        TICKET_REOPENED,
        TICKET_CANCELLED,
        "training_enrolled",
        "training_certificate_issued",
        "training_obligation_due_soon",
        "training_obligation_lapsed",
    }
)

# An event whose context carries a link the recipient acts on: the context key and the
# label the short channels (SMS, group robots) show with it, in the recipient's language.
ACTIONS: dict[str, tuple[str, Promise]] = {
    TICKET_RESOLVED: ("survey_url", _("Rate the repair")),
}


def label_for(event: str) -> str:
    return str(LABELS.get(event, event))


def action_link(event: str, context) -> str:
    """The event's action link (the survey link of a resolution) from its context."""
    key = ACTIONS.get(event, ("", ""))[0]
    value = (context or {}).get(key) if key else None
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) else ""


def action_label(event: str) -> str:
    """ "Rate the repair" in the active language."""
    return str(ACTIONS[event][1]) if event in ACTIONS else ""
