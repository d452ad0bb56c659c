"""The OpenAPI schema tells the truth about responses (checked by schemathesis in
`.ci/run`): every operation declares the error responses the API can give, read-only
fields that can be null or blank say so, and string formats a value may not satisfy
(blank e-mails, relative URLs, times without offset) are not promised in responses."""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.fields import empty

ERROR_RESPONSES = {
    "400": 'Invalid input: field errors `{"field": ["message"]}` or `{"detail": "..."}`.',
    "401": "Not authenticated, or the token is invalid, expired or revoked.",
    "403": "Your role may not do this.",
    "404": "No such object, or it is outside your scope.",
    "409": "The object's state does not allow this (`code`: `invalid_transition`, `conflict`).",
    "412": "`If-Match` does not match the object's current ETag.",
    "413": "The upload is over the size limit.",
    "415": "Unsupported request content type.",
    "429": "Too many requests (`code`: `throttled`); see `Retry-After`.",
    "503": (
        "The database or the broker is unavailable (`code`: `service_unavailable`); "
        "see `Retry-After`."
    ),
}
ERROR_SCHEMA = {
    "description": "An error: `detail` and `code`, or field errors keyed by field name.",
    "anyOf": [
        {"type": "object", "properties": {"detail": {}, "code": {}}, "additionalProperties": {}},
        {"type": "array", "items": {}},
    ],
}
# String formats a stored value may not satisfy: blank e-mail addresses and URLs,
# relative URLs, times of day without an offset.
LOOSE_RESPONSE_FORMATS = {"email", "uri", "time"}


def _model_field(field):
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source or field.source == "*":
        return None
    try:
        return model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None


class AutoSchema(SpectacularAutoSchema):
    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response":  # validators add formats after the fields are mapped
            for prop in schema.get("properties", {}).values():
                if prop.get("format") in LOOSE_RESPONSE_FORMATS:
                    del prop["format"]
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction != "response" or not isinstance(schema, dict):
            return schema
        if schema.get("format") in LOOSE_RESPONSE_FORMATS:
            del schema["format"]
        if not field.read_only:
            return schema
        model_field = _model_field(field)
        # DRF writes null whenever the source (or a relation on its way) is None.
        if (
            getattr(field, "default", empty) is None
            or "." in (field.source or "")
            or (model_field is not None and model_field.null)
        ):
            if "$ref" in schema:
                schema = {"allOf": [{"$ref": schema.pop("$ref")}], **schema}
            schema["nullable"] = True
        blank = model_field is not None and getattr(model_field, "blank", False)
        if (
            isinstance(field, serializers.ChoiceField)
            and blank
            and "" not in schema.get("enum", [""])
        ):
            schema["enum"] = [*schema["enum"], ""]
        return schema


def add_error_responses(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: the error responses on every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": description, "content": content})
    return result
