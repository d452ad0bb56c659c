from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


# An id in the schema also where the serializer has no model to derive it from.
@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign id in a request body, looked up only inside the caller's scope:
    another organisation's id is "does not exist" (400), never a leak."""

    def __init__(self, *, selector, **kwargs):
        self.selector = selector
        kwargs.setdefault("queryset", None)
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.selector(request.user)

    def use_pk_only_optimization(self):
        return True
