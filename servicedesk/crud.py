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


class EntityServices:
    """The create / update / delete use cases of one model, built from the steps above:
    the actor's role must be in `roles`; an existing row must be in `visible(actor)`;
    `check_input(actor, fields)` checks the related rows given (their scope);
    `after_save(row, actor)` runs in the same transaction (e.g. tell another app through
    a port); `many` names the many-to-many fields. An app exposes them under its own
    names: `site_create, site_update, site_delete = EntityServices(Site, ...).functions`."""

    def __init__(
        self,
        model: type[Model],
        *,
        roles: Iterable[str],
        visible: Callable | None = None,
        check_input: Callable | None = None,
        after_save: Callable | None = None,
        many: Iterable[str] = (),
        in_use=IN_USE,
    ):
        self.model, self.roles, self.visible = model, frozenset(roles), visible
        self.check_input, self.after_save = check_input, after_save
        self.many, self.in_use = tuple(many), in_use

    def _check(self, actor, instance: Model | None = None, fields: dict | None = None) -> None:
        check_role(actor, self.roles)
        if instance is not None and self.visible is not None:
            check_visible(actor, instance, self.visible)
        if fields is not None and self.check_input is not None:
            self.check_input(actor, fields)

    def _saved(self, instance: Model, actor) -> Model:
        if self.after_save is not None:
            self.after_save(instance, actor)
        return instance

    @transaction.atomic
    def create(self, *, actor, **fields) -> Model:
        self._check(actor, fields=fields)
        return self._saved(create(self.model, actor=actor, fields=fields, many=self.many), actor)

    @transaction.atomic
    def update(self, instance: Model, /, *, actor, **fields) -> Model:
        self._check(actor, instance, fields)
        return self._saved(update(instance, actor=actor, fields=fields, many=self.many), actor)

    def delete(self, instance: Model, /, *, actor) -> None:
        self._check(actor, instance)
        delete(instance, actor=actor, in_use=self.in_use)

    @property
    def functions(self) -> tuple[Callable, Callable, Callable]:
        return self.create, self.update, self.delete
