import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from notifications import services
from notifications.models import Notification
from notifications.selectors import notifications_for
from servicedesk.api.pagination import CursorPagination
from servicedesk.api.views import ScopedReadOnlyViewSet

from .serializers import MarkAllReadResultSerializer, MarkReadSerializer, NotificationSerializer


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        method="filter_unread", label="Only unread (true) or only read (false)."
    )

    class Meta:
        model = Notification
        fields = ["event"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value)


class NotificationPagination(CursorPagination):
    ordering = ("-created_at", "-id")


class NotificationViewSet(ScopedReadOnlyViewSet):
    """The caller's own notifications, newest first; another user's is a 404."""

    queryset = (
        Notification.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = NotificationSerializer
    pagination_class = NotificationPagination
    filterset_class = NotificationFilter
    search_fields = ["verb", "target_label"]
    ordering_fields = ["created_at"]
    permission_classes = [
        IsAuthenticated
    ]  # every signed-in user, whatever the role: their own rows

    def get_queryset(self):
        return notifications_for(self.request.user)

    @extend_schema(request=MarkReadSerializer, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.notification_mark_read(
            notification=self.get_object(), actor=request.user
        )
        return Response(NotificationSerializer(notification, context={"request": request}).data)

    @extend_schema(request=MarkReadSerializer, responses=MarkAllReadResultSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notifications_mark_all_read(actor=request.user)})
