"""The project's own error types. Services raise them; the API maps them to HTTP
codes (see servicedesk.api.exceptions) and the web pages show them as messages."""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """A use case refused: bad input the serializer could not see. HTTP 400."""

    status_code = 400
    code = "invalid"

    def __init__(self, message=None, *, code: str | None = None, field: str | None = None):
        self.message = message or _("The request could not be carried out.")
        if code:
            self.code = code
        self.field = field
        super().__init__(str(self.message))


class InvalidTransition(ServiceError):
    """The object's current state does not allow the action. HTTP 409."""

    status_code = 409
    code = "invalid_transition"


class Conflict(ServiceError):
    """The request conflicts with the current data (stock, capacity, duplicates). HTTP 409."""

    status_code = 409
    code = "conflict"


class PermissionDenied(ServiceError):
    """The caller's role may not do this. HTTP 403."""

    status_code = 403
    code = "permission_denied"


class PayloadTooLarge(ServiceError):
    """An upload over the configured limit. HTTP 413."""

    status_code = 413
    code = "payload_too_large"
