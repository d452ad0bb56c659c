from django import template

from accounts.roles import DISPATCH, FIELD_STAFF
from servicedesk.api.permissions import has_role
from spareparts.models import Reservation
from spareparts.selectors import parts_used_on_visit, parts_visible_to
from spareparts.units import unit_label

register = template.Library()


@register.simple_tag
def visit_parts(visit, user):
    """What the visit page's parts block shows: parts used (everyone who sees the
    visit), and for field staff the reservations with their stockroom and the parts
    to choose from, those compatible with the visit's equipment first."""
    context = {"used": parts_used_on_visit(visit), "can_edit": False}
    if user is None or not has_role(user, FIELD_STAFF | DISPATCH):
        return context
    context["can_edit"] = visit.status in ("dispatched", "en_route", "on_site")
    context["reservations"] = list(
        Reservation.objects.filter(visit=visit).select_related("part", "stockroom").order_by("id")
    )
    parts = parts_visible_to(user)
    model_id = getattr(getattr(visit.ticket, "equipment", None), "equipment_model_id", None)
    if model_id:
        compatible = list(parts.filter(compatible_models=model_id))
        others = list(parts.exclude(pk__in=[p.pk for p in compatible]))
        context["parts"] = compatible + others
    else:
        context["parts"] = list(parts)
    return context


@register.filter(name="unit_label")
def unit_label_filter(code):
    """`{{ part.unit|unit_label }}`: "件" for "pcs" in Chinese (spareparts.units)."""
    return unit_label(code)
