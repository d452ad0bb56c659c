"""One exception handler gives every error the shape API.md fixes."""

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from servicedesk.errors import ServiceError

from .dberrors import database_error_response


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy(
        "The object has changed since you read it (If-Match does not match its ETag)."
    )
    default_code = "precondition_failed"


def service_error_response(exc: ServiceError) -> Response:
    if exc.field:
        return Response({exc.field: [str(exc.message)]}, status=exc.status_code)
    return Response({"detail": str(exc.message), "code": exc.code}, status=exc.status_code)


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return service_error_response(exc)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": _("The upload is over the size limit."), "code": "payload_too_large"},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DjangoValidationError):
        data = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ProtectedError | RestrictedError):  # a delete other rows depend on
        return Response(
            {"detail": _("Other records still refer to this object."), "code": "conflict"},
            status=status.HTTP_409_CONFLICT,
        )
    if (db_response := database_error_response(exc)) is not None:  # constraints a client reached
        return db_response
    if isinstance(exc, ObjectDoesNotExist | Http404):
        # Django's "No Ticket matches the given query." is English and names the model;
        # the API says "Not found." in the caller's language, whatever is missing.
        exc = NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return Response(
            {"detail": _("Your role may not do this.")}, status=status.HTTP_403_FORBIDDEN
        )
    response = drf_exception_handler(exc, context)
    if (
        response is not None
        and isinstance(exc, APIException)
        and isinstance(response.data, dict)
        and "detail" in response.data
        and "code" not in response.data
    ):
        response.data["code"] = (
            exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        )
    return response
