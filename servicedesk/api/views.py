import hashlib

from django.db import transaction
from rest_framework import mixins, viewsets
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response

from .exceptions import PreconditionFailed


def etag_for(instance) -> str:
    stamp = getattr(instance, "updated_at", None)
    raw = f"{instance._meta.label}:{instance.pk}:{stamp.isoformat() if stamp else ''}"
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def _strip_weak(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def check_if_match(request, instance) -> None:
    """412 when the client's `If-Match` names another version than the current one."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return
    current = etag_for(instance)
    if current not in {_strip_weak(tag) for tag in header.split(",")}:
        raise PreconditionFailed()


class ETagMixin:
    """`ETag` on detail responses, `If-None-Match` → 304."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        etag = etag_for(instance)
        if etag in {
            _strip_weak(t) for t in request.headers.get("If-None-Match", "").split(",") if t
        }:
            return Response(status=304, headers={"ETag": etag})
        return Response(self.get_serializer(instance).data, headers={"ETag": etag})


class IfMatchUpdateMixin:
    """`If-Match` on PATCH/PUT → 412 when stale; the new `ETag` comes back."""

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        check_if_match(request, instance)
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            self.perform_update(serializer)
        return Response(serializer.data, headers={"ETag": etag_for(serializer.instance)})


class ServiceWritesMixin:
    """Create, update and delete call the app's services (role and scope checks, history,
    one transaction live there); the serializer only validates and shapes the data. A
    viewset names its services, e.g. `create_service = staticmethod(services.site_create)`,
    called as `create_service(actor=user, **validated_data)`, `update_service(row,
    actor=user, **validated_data)` and `delete_service(row, actor=user)`. A write with no
    service named is refused (405), never saved through the serializer."""

    create_service = None
    update_service = None
    delete_service = None

    def _service(self, name: str):
        service = getattr(self, name)
        if service is None:
            raise MethodNotAllowed(self.request.method)
        return service

    def perform_create(self, serializer):
        create = self._service("create_service")
        serializer.instance = create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        update = self._service("update_service")
        serializer.instance = update(
            serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        self._service("delete_service")(instance, actor=self.request.user)


class ScopedModelViewSet(ServiceWritesMixin, IfMatchUpdateMixin, ETagMixin, viewsets.ModelViewSet):
    """Subclasses implement get_queryset() by calling their model's selector with
    request.user, so every read and write path goes through the same scope."""

    read_roles: frozenset = frozenset()
    write_roles: frozenset = frozenset()
    roles = None


class ScopedReadOnlyViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    read_roles: frozenset = frozenset()
    roles = None


class ScopedCreateListRetrieveViewSet(
    ServiceWritesMixin,
    ETagMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    read_roles: frozenset = frozenset()
    write_roles: frozenset = frozenset()
    roles = None
