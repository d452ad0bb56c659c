import zoneinfo

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _


class UserTimezoneMiddleware:
    """Show times in the signed-in user's zone and pages in their preferred language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            # The language switch (a cookie) wins over the account's preferred language,
            # which wins over the browser's Accept-Language.
            if not request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) and user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
        else:
            timezone.deactivate()
        return self.get_response(request)


class UploadLimitMiddleware:
    """Refuse a request body over the upload limit with 413 before anything reads it."""

    # Multipart framing around a file at the limit.
    MARGIN = 256 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_UPLOAD_SIZE + self.MARGIN:
            return JsonResponse(
                {"detail": _("The upload is over the size limit."), "code": "payload_too_large"},
                status=413,
            )
        return self.get_response(request)
