"""The last line behind the serializers: a database constraint or range a request
still reaches answers 400 naming the field (found from the constraint), never 500."""

import re

from django.apps import apps
from django.db import DataError, IntegrityError
from django.db.models import CheckConstraint, Q, UniqueConstraint
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response


def _constraint_name(exc) -> str:
    cause = exc.__cause__
    name = getattr(getattr(cause, "diag", None), "constraint_name", None)  # PostgreSQL
    if name:
        return name
    found = re.search(r"constraint failed: (\w+)", str(exc))  # SQLite names CHECK constraints
    return found.group(1) if found else ""


def _fields_of(condition) -> list[str]:
    names = []
    for child in getattr(condition, "children", []):
        if isinstance(child, Q):
            names += _fields_of(child)
        elif isinstance(child, tuple):
            names.append(child[0].split("__")[0])
    return names


def _find_constraint(name: str):
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if constraint.name == name:
                return constraint
    return None


def database_error_response(exc) -> Response | None:
    if isinstance(exc, DataError):
        return Response(
            {"detail": _("A value is out of range."), "code": "invalid"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if not isinstance(exc, IntegrityError):
        return None
    constraint = _find_constraint(_constraint_name(exc))
    if isinstance(constraint, UniqueConstraint):
        return Response(
            {"detail": _("This would duplicate an existing record."), "code": "conflict"},
            status=status.HTTP_409_CONFLICT,
        )
    message = _("This value is not allowed here.")
    fields = _fields_of(constraint.condition) if isinstance(constraint, CheckConstraint) else []
    if fields:
        return Response({fields[0]: [message]}, status=status.HTTP_400_BAD_REQUEST)
    return Response({"detail": message, "code": "invalid"}, status=status.HTTP_400_BAD_REQUEST)
