"""`{{ action|action_label }}`: a ticket or visit action's name in the reader's
language (tickets.transitions), where the templates show the action's code."""

from django import template

from tickets.transitions import action_label as _label

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return _label(action)


@register.filter
def visit_action_label(action: str) -> str:
    return _label(action, visit=True)
