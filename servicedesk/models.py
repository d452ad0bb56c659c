from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Base for every domain object: API clients sync on `updated_at`."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class IdempotencyKey(models.Model):
    """The first response to a POST carrying an `Idempotency-Key`, replayed on retries.

    `response_status` is null while the first request is still being processed, so a
    concurrent retry can be told apart from a finished one.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(default=b"")
    response_content_type = models.CharField(max_length=100, blank=True)
    # While in progress: until when the claim holds; a retry after it takes the key over.
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            # One stored response per user and key: the database settles races.
            models.UniqueConstraint(
                fields=["user", "key"], name="servicedesk_idempotencykey_unique_user_key"
            ),
        ]

    def __str__(self):
        return f"{self.user_id}:{self.key}"


class Heartbeat(models.Model):
    """When a background process (`worker`, `beat`) last said it is alive; /healthz and
    the managers' banner read the age (servicedesk.heartbeats)."""

    name = models.CharField(max_length=40, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} {self.seen_at:%Y-%m-%d %H:%M:%S}"
