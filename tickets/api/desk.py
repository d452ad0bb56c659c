"""Canned replies over the API (staff read the ones in use, managers keep them) and
the engineers a ticket can be assigned to, with their load and the suggestion."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from accounts.roles import MANAGERS, STAFF
from servicedesk.api.pagination import PageNumberPagination
from servicedesk.api.views import ScopedModelViewSet
from tickets import services
from tickets.models import CannedReply
from tickets.selectors import canned_replies_for


class CannedReplySerializer(serializers.ModelSerializer):
    class Meta:
        model = CannedReply
        fields = ["id", "title", "body_en", "body_zh_hans", "active", "updated_at"]
        read_only_fields = ["id", "updated_at"]


class AssigneeCentreSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AssigneeSerializer(serializers.Serializer):
    """An engineer the caller may assign the ticket to, as the assign dialog shows them."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()
    role = serializers.CharField()
    service_center = serializers.SerializerMethodField()
    open_load = serializers.IntegerField(help_text="Open fault reports assigned to them.")
    next_due_at = serializers.DateTimeField(
        allow_null=True, help_text="The nearest SLA due point among those reports."
    )
    suggested = serializers.SerializerMethodField(
        help_text="The least-loaded engineer of the ticket site's service centre."
    )

    def get_name(self, obj) -> str:
        return obj.get_full_name() or obj.username

    @extend_schema_field(AssigneeCentreSerializer(allow_null=True))
    def get_service_center(self, obj):
        profile = getattr(obj, "engineer_profile", None)
        if profile is None:
            return None
        centre = profile.service_center
        return {"id": centre.pk, "name": centre.name}

    def get_suggested(self, obj) -> bool:
        return obj.pk == self.context.get("suggested_id")


def _update(reply, *, actor, **changes):
    values = {
        "title": reply.title,
        "body_en": reply.body_en,
        "body_zh_hans": reply.body_zh_hans,
        "active": reply.active,
        **changes,
    }
    return services.canned_reply_save(actor=actor, reply=reply, **values)


@extend_schema_view(
    list=extend_schema(summary="Canned replies (staff: those in use; managers: all)"),
    create=extend_schema(summary="Add a canned reply (managers)"),
    partial_update=extend_schema(summary="Change a canned reply (managers)"),
)
class CannedReplyViewSet(ScopedModelViewSet):
    queryset = CannedReply.objects.none()
    serializer_class = CannedReplySerializer
    pagination_class = PageNumberPagination
    http_method_names = ["get", "post", "patch", "head", "options"]
    read_roles = STAFF
    write_roles = MANAGERS
    create_service = staticmethod(services.canned_reply_save)
    update_service = staticmethod(_update)

    def get_queryset(self):
        return canned_replies_for(self.request.user)
