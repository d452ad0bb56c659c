"""The managers' settings pages (issue 16): one list, create and edit page per kind of
reference data (SLA policies, calendars, plans, courses, stockrooms …), with the row's
history. The apps declare their kinds as `SettingsPage`s in their own
`settings_pages.py` and mount `page.urls()`; the index (`/settings/`) lists the pages
the user's role may open.

A page writes only through the app's services, and checks its input with the same
serializer as the API, so the web and the API share every rule: the form parses and
renders the fields, the serializer validates them (scope included), the service saves
them (role, scope, row lock, history author, one transaction)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from servicedesk.errors import ServiceError

# The pages the apps register (from their AppConfig.ready()), in the index's order.
SETTINGS_PAGES: list["SettingsPage"] = []
HISTORY_LENGTH = 20


class SettingsForm(forms.ModelForm):
    """Parses and renders the fields. Model-level rules are left to the serializer and
    the services (a new default policy replaces the old one, which a unique check on the
    instance would refuse) and the database constraints behind them."""

    def __init__(self, *args, user=None, scoped: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, selector in (scoped or {}).items():
            if name in self.fields:
                self.fields[name].queryset = selector(user)
        for bound in self.fields.values():
            widget = bound.widget
            if isinstance(bound, forms.DateField) and not isinstance(bound, forms.DateTimeField):
                widget.input_type = "date"
            elif isinstance(bound, forms.DateTimeField):
                widget.input_type = "datetime-local"
                widget.format = "%Y-%m-%dT%H:%M"
            elif isinstance(bound, forms.TimeField):
                widget.input_type = "time"

    def _post_clean(self):
        pass


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


def _primitive(value):
    """A cleaned form value as the API's serializer takes it."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple):
        return [_primitive(item) for item in value]
    return value


@dataclass
class SettingsPage:
    """One kind of settings row. `create(actor=, **fields)` and
    `update(row, actor=, **fields)` are the app's services; `rows(user)` its selector;
    `columns` the list's (label, attribute or function of the row)."""

    namespace: str
    key: str
    title: Any
    model: type[models.Model]
    fields: list[str]
    serializer: type
    create: Callable
    update: Callable
    rows: Callable
    columns: list[tuple[Any, Any]]
    roles: Iterable[str]
    intro: Any = ""
    scoped: dict = field(default_factory=dict)
    widgets: dict = field(default_factory=dict)
    help_texts: dict = field(default_factory=dict)
    order: int = 50
    # (request, row or None) -> extra context for the edit page (e.g. a policy's targets).
    extra: Callable | None = None
    # (request, row or None, bound) -> (formset or None); its cleaned rows go to `nested`.
    formset: Callable | None = None
    nested: str = ""
    filters: dict = field(default_factory=dict)  # query parameter -> field lookup
    initial_from_query: tuple = ()
    edit_fields: list[str] | None = None  # fields an edit may change (default: all)
    edit_serializer: type | None = None  # the API's serializer for updates, if another

    # --- urls --------------------------------------------------------------------
    def url_name(self, what: str) -> str:
        return f"settings_{self.key}_{what}"

    def urls(self) -> list:
        return [
            path(f"settings/{self.key}/", self.list_view, name=self.url_name("list")),
            path(f"settings/{self.key}/new/", self.create_view, name=self.url_name("create")),
            path(f"settings/{self.key}/<int:pk>/", self.edit_view, name=self.url_name("edit")),
        ]

    def reverse(self, what: str, *args) -> str:
        return reverse(f"{self.namespace}:{self.url_name(what)}", args=args)

    @property
    def reverse_list(self) -> str:
        return self.reverse("list")

    def allowed(self, user) -> bool:
        return user.is_authenticated and (user.is_admin_role or user.role in set(self.roles))

    def _require(self, request):
        if not self.allowed(request.user):
            raise Http404

    # --- the form ------------------------------------------------------------------
    def form_class(self, editing: bool):
        names = self.edit_fields if editing and self.edit_fields is not None else self.fields
        meta = type(
            "Meta",
            (),
            {
                "model": self.model,
                "fields": names,
                "widgets": self.widgets,
                "help_texts": self.help_texts,
            },
        )
        return type(
            f"{self.model.__name__}SettingsForm",
            (SettingsForm,),
            {"Meta": meta, "formfield_callback": _formfield},
        )

    def _validate(self, request, form, row, nested_rows):
        data = {name: _primitive(value) for name, value in form.cleaned_data.items()}
        if self.nested:
            data[self.nested] = nested_rows
        serializer_class = self.edit_serializer if row is not None else None
        serializer = (serializer_class or self.serializer)(
            instance=row, data=data, partial=row is not None, context={"request": request}
        )
        if serializer.is_valid():
            return serializer.validated_data
        for name, errors in serializer.errors.items():
            for error in errors if isinstance(errors, list) else [errors]:
                form.add_error(name if name in form.fields else None, str(error))
        return None

    def _save(self, request, form, row, nested_rows):
        fields = self._validate(request, form, row, nested_rows)
        if fields is None:
            return None
        try:
            with transaction.atomic():
                if row is None:
                    return self.create(actor=request.user, **fields)
                return self.update(row, actor=request.user, **fields)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        except IntegrityError:
            form.add_error(None, _("These values break a rule of the data; check them."))
        return None

    # --- the views -----------------------------------------------------------------
    def list_view(self, request):
        self._require(request)
        rows = self.rows(request.user)
        active_filters = {}
        for param, lookup in self.filters.items():
            value = request.GET.get(param, "")
            if value.isdigit():
                rows = rows.filter(**{lookup: value})
                active_filters[param] = value
        rows = list(rows[:500])
        table = [
            {
                "url": self.reverse("edit", row.pk),
                "cells": [
                    {"label": label, "value": _cell(row, spec)} for label, spec in self.columns
                ],
            }
            for row in rows
        ]
        create_url = self.reverse("create")
        if active_filters:
            create_url += "?" + "&".join(f"{k}={v}" for k, v in active_filters.items())
        return render(
            request,
            "settings/list.html",
            {
                "page": self,
                "title": self.title,
                "headers": [label for label, _spec in self.columns],
                "table": table,
                "create_url": create_url,
                "sections": visible_pages(request.user),
            },
        )

    def create_view(self, request):
        return self._form_view(request, None)

    def edit_view(self, request, pk):
        self._require(request)
        row = get_object_or_404(self.rows(request.user), pk=pk)
        return self._form_view(request, row)

    def _form_view(self, request, row):
        self._require(request)
        form_class = self.form_class(editing=row is not None)
        kwargs = {"user": request.user, "scoped": self.scoped}
        if row is None:
            kwargs["initial"] = {
                name: request.GET[name] for name in self.initial_from_query if name in request.GET
            }
        bound = request.method == "POST"
        form = form_class(request.POST if bound else None, instance=row, **kwargs)
        formset = self.formset(request, row, bound) if self.formset else None
        if bound:
            form_ok = form.is_valid()
            nested_ok = formset is None or formset.is_valid()
            if form_ok and nested_ok:
                nested_rows = (
                    [
                        {k: v for k, v in data.items() if k not in ("DELETE", "id")}
                        for data in formset.cleaned_data
                        if data and not data.get("DELETE")
                    ]
                    if formset is not None
                    else None
                )
                saved = self._save(request, form, row, nested_rows)
                if saved is not None:
                    messages.success(request, _("Saved: %(name)s.") % {"name": saved})
                    return redirect(self.reverse("edit", saved.pk))
        context = {
            "page": self,
            "title": self.title,
            "row": row,
            "form": form,
            "formset": formset,
            "history": history_of(row) if row is not None else [],
            "list_url": self.reverse("list"),
            "sections": visible_pages(request.user),
        }
        if self.extra is not None:
            context.update(self.extra(request, row) or {})
        return render(request, "settings/form.html", context, status=400 if bound else 200)


def _cell(row, spec):
    value = spec(row) if callable(spec) else getattr(row, spec)
    display = getattr(row, f"get_{spec}_display", None) if isinstance(spec, str) else None
    if display is not None:
        return display()
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "—" if value in (None, "") else value


def history_of(row) -> list[dict]:
    """The row's latest changes (django-simple-history): when, who, what kind, which
    fields changed. One query for the records (with their authors), diffs in memory."""
    manager = getattr(row, "history", None)
    if manager is None:
        return []
    records = list(manager.select_related("history_user")[: HISTORY_LENGTH + 1])
    labels = {f.name: f.verbose_name for f in type(row)._meta.fields}
    kinds = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    out = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        changed = []
        if older is not None:
            changed = [
                str(labels.get(change.field, change.field))
                for change in newer.diff_against(older, excluded_fields=["updated_at"]).changes
            ]
        out.append(
            {
                "date": newer.history_date,
                "user": newer.history_user,
                "kind": kinds.get(newer.history_type, newer.history_type),
                "changed": changed,
            }
        )
    return out[:HISTORY_LENGTH]


def visible_pages(user) -> list["SettingsPage"]:
    return [page for page in sorted(SETTINGS_PAGES, key=lambda p: p.order) if page.allowed(user)]


@login_required
def settings_index(request):
    pages = visible_pages(request.user)
    if not pages:
        raise Http404
    return render(
        request,
        "settings/index.html",
        {"title": _("Settings"), "sections": pages},
    )
