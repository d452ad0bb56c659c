from rest_framework import serializers

from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    target_type = serializers.SerializerMethodField()
    actor_name = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()
    # Rendered in the request's language (Accept-Language, else the account's).
    verb = serializers.CharField(source="text", read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "event",
            "verb",
            "target_type",
            "target_id",
            "target_label",
            "url",
            "actor",
            "actor_name",
            "read",
            "read_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_target_type(self, obj) -> str | None:
        """`app_label.model` of the object, e.g. `tickets.ticket`."""
        return (
            f"{obj.target_type.app_label}.{obj.target_type.model}" if obj.target_type_id else None
        )

    def get_actor_name(self, obj) -> str:
        return str(obj.actor) if obj.actor_id else ""

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class MarkReadSerializer(serializers.Serializer):
    """No body: the notification in the path is marked read."""


class MarkAllReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(
        help_text="How many notifications were unread and are now read."
    )
