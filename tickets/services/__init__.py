"""Every write on tickets and visits: one transaction, a row lock, the transition
table checked, a timeline event, the SLA clocks told, notifications after commit.
The use cases live in the modules of this package; import them from here."""

from .desk import (
    BulkResult,
    canned_reply_save,
    saved_view_delete,
    saved_view_save,
    tickets_bulk,
)
from .flow import (
    ticket_assign,
    ticket_dispatch,
    ticket_escalate,
    ticket_respond,
    ticket_resume,
    ticket_triage,
    ticket_wait_customer,
)
from .inbound import inbound_discard, inbound_register, ingest_message
from .intake import attachment_add, comment_add, ticket_create, ticket_edit
from .lifecycle import (
    ticket_accept,
    ticket_cancel,
    ticket_close,
    ticket_follow_up,
    ticket_reopen,
    ticket_resolve,
)
from .survey import survey_answer
from .visits import (
    visit_cancel,
    visit_check_in,
    visit_complete,
    visit_depart,
    visit_record_phase,
    visit_sign,
    visit_use_parts,
)

__all__ = [
    "BulkResult",
    "canned_reply_save",
    "saved_view_delete",
    "saved_view_save",
    "tickets_bulk",
    "attachment_add",
    "comment_add",
    "ticket_accept",
    "ticket_assign",
    "ticket_cancel",
    "ticket_close",
    "ticket_create",
    "ticket_dispatch",
    "ticket_edit",
    "ticket_escalate",
    "ticket_follow_up",
    "ticket_reopen",
    "ticket_resolve",
    "ticket_respond",
    "ticket_resume",
    "ticket_triage",
    "ticket_wait_customer",
    "visit_cancel",
    "survey_answer",
    "visit_check_in",
    "visit_complete",
    "visit_depart",
    "visit_record_phase",
    "visit_sign",
    "visit_use_parts",
    "inbound_discard",
    "inbound_register",
    "ingest_message",
]
