"""The shared steps of the plain create / update / delete use cases of the apps'
reference data (organisations, sites, parts, courses, SLA targets…): the role and
scope checks, the row lock, the history row's author, and "still in use" as a 409.
Each app's services wrap these in their `<entity>_create`, `<entity>_update` and
`<entity>_delete` functions, which its API (servicedesk.api.views.ServiceWritesMixin)
and pages call; serializers only validate and shape."""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Model, ProtectedError
from django.utils.translation import gettext_lazy as _

from servicedesk.errors import Conflict, PermissionDenied

IN_USE = _("It is still in use; it cannot be deleted.")


def check_role(actor, roles: Iterable[str]) -> None:
    if not (actor.is_admin_role or actor.role in roles):
        raise PermissionDenied(_("Your role may not change this."))


def check_visible(actor, instance: Model | None, selector: Callable) -> None:
    """`instance` (a row or a related row given in the input) must be in `selector(actor)`."""
    if instance is not None and not selector(actor).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("This is outside your scope."))


def _save(instance: Model, actor, related: dict) -> Model:
    instance._history_user = actor  # django-simple-history records who changed it
    instance.save()
    for name, values in related.items():
        getattr(instance, name).set(values)
    return instance


def _split(fields: dict, many: Iterable[str]) -> tuple[dict, dict]:
    plain = dict(fields)
    related = {name: plain.pop(name) for name in many if name in plain}
    return plain, related


@transaction.atomic
def create(model: type[Model], *, actor, fields: dict, many: Iterable[str] = ()) -> Model:
    """A new row from `fields`; `many` names the many-to-many fields among them."""
    plain, related = _split(fields, many)
    return _save(model(**plain), actor, related)


@transaction.atomic
def update(instance: Model, *, actor, fields: dict, many: Iterable[str] = ()) -> Model:
    """The row, locked and re-read, with `fields` changed."""
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    plain, related = _split(fields, many)
    for name, value in plain.items():
        setattr(locked, name, value)
    return _save(locked, actor, related)


def delete(instance: Model, *, actor, in_use=IN_USE) -> None:
    """Delete the row; a row other rows still point at (PROTECT) is a 409."""
    try:
        with transaction.atomic():
            instance._history_user = actor
            instance.delete()
    except ProtectedError as exc:
        raise Conflict(in_use) from exc
