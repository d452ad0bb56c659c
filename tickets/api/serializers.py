import base64
import binascii
import functools
import re
from datetime import datetime

import orjson
from django.conf import settings
from django.contrib.postgres.aggregates.mixins import OrderableAggMixin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.db.models import (
    Aggregate,
    F,
    Func,
    JSONField,
    OuterRef,
    Subquery,
    TextField,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from accounts.models import User
from accounts.selectors import engineers_of, organizations_visible_to
from assets.selectors import equipment_visible_to, sites_visible_to
from servicedesk.api.fields import ScopedPrimaryKeyRelatedField
from servicedesk.db import AnyOf, PreparedValues, compile_fixed, fetch_prepared
from servicedesk.errors import PayloadTooLarge
from tickets.models import Attachment, Comment, Ticket, TicketEvent, Visit, VisitPhase
from tickets.selectors import sla_clocks

from .places import report_place


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


class SlaClockSerializer(serializers.Serializer):
    metric = serializers.CharField()
    state = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    met_at = serializers.DateTimeField(allow_null=True)
    breached = serializers.BooleanField()
    round = serializers.IntegerField(
        help_text="Follow-up round, or the visit's departure/arrival clock."
    )
    visit = serializers.IntegerField(allow_null=True)
    beyond_coverage = serializers.BooleanField(
        help_text=(
            "Due past the dates its business calendar has holidays for: the due time may move."
        )
    )

    def to_representation(self, clock):
        get = clock.get if isinstance(clock, dict) else (lambda name: getattr(clock, name, None))
        breached = get("breached")
        if breached is None:
            breached = bool(get("breached_at"))
        return super().to_representation(
            {
                "metric": get("metric"),
                "state": get("state"),
                "due_at": get("due_at"),
                "met_at": get("met_at"),
                "breached": bool(breached),
                "round": get("round") or 1,
                "visit": get("visit_id"),
                "beyond_coverage": bool(get("beyond_coverage")),
            }
        )


_CLOCK = SlaClockSerializer()


class _PlaceField(ScopedPrimaryKeyRelatedField):
    """A new report's organisation, site or unit: taken from the one query of
    `report_place` when it found this id, else looked up as any scoped id."""

    def to_internal_value(self, data):
        found = getattr(self.parent, "_places", {}).get(self.field_name)
        if found is not None and str(found.pk) == str(data):
            return found
        return super().to_internal_value(data)


class TicketSerializer(serializers.ModelSerializer):
    """Read, create (customers: their organisation, portal/api channel) and the
    pre-triage edit. Status, severity, assignee and the rest change only by actions."""

    site = _PlaceField(selector=sites_visible_to)
    equipment = _PlaceField(selector=equipment_visible_to, required=False, allow_null=True)
    organization = _PlaceField(selector=organizations_visible_to, required=False)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True)
    equipment_name = serializers.CharField(source="equipment.name", read_only=True, allow_null=True)
    assignee_name = serializers.SerializerMethodField()
    sla = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            "kind",
            "channel",
            "title",
            "description",
            "impact",
            "urgency",
            "organization",
            "organization_name",
            "site",
            "site_name",
            "equipment",
            "equipment_name",
            "contact_name",
            "contact_phone",
            "contact_email",
            "reporter",
            "status",
            "severity",
            "assignee",
            "assignee_name",
            "tier",
            "vendor_name",
            "vendor_case",
            "vendor_contact",
            "resolution",
            "cause",
            "solution",
            "prevention",
            "satisfaction",
            "cancel_reason",
            "reported_at",
            "triaged_at",
            "responded_at",
            "resolved_at",
            "accepted_at",
            "followed_up_at",
            "closed_at",
            "sla",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "number",
            "reporter",
            "status",
            "severity",
            "assignee",
            "tier",
            "vendor_name",
            "vendor_case",
            "vendor_contact",
            "resolution",
            "cause",
            "solution",
            "prevention",
            "satisfaction",
            "cancel_reason",
            "reported_at",
            "triaged_at",
            "responded_at",
            "resolved_at",
            "accepted_at",
            "followed_up_at",
            "closed_at",
        ]
        extra_kwargs = {"channel": {"required": False}}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_customer:
            for name in ("organization", "channel"):
                fields[name].read_only = True
        return fields

    def get_assignee_name(self, ticket) -> str:
        return _name(ticket.assignee)

    @extend_schema_field(SlaClockSerializer(many=True))
    def get_sla(self, ticket):
        # One clock serializer for every ticket of every page: building a serializer
        # (and its fields) per ticket cost more than the list's queries (issue 15).
        return [_CLOCK.to_representation(clock) for clock in sla_clocks(ticket)]

    def to_internal_value(self, data):
        if self.instance is None and hasattr(data, "get"):
            # Create: organisation, site and unit in one query (tickets.api.places).
            self._places = report_place(
                self.context["request"].user, site=data.get("site"), equipment=data.get("equipment")
            )
        return super().to_internal_value(data)

    def validate(self, attrs):
        user = self.context["request"].user
        if self.instance is None:
            if user.is_customer:
                site = attrs["site"]
                attrs["organization"] = (
                    site.organization
                    if site.organization_id == user.organization_id
                    else user.organization
                )
            elif "organization" not in attrs:
                raise serializers.ValidationError({"organization": [_("This field is required.")]})
            site = attrs["site"]
            if site.organization_id != attrs["organization"].pk:
                raise serializers.ValidationError(
                    {"site": [_("The site does not belong to the organisation.")]}
                )
        site = attrs.get("site", getattr(self.instance, "site", None))
        equipment = attrs.get("equipment")
        if equipment is not None and site is not None and equipment.site_id != site.pk:
            raise serializers.ValidationError(
                {"equipment": [_("The equipment is not installed at this site.")]}
            )
        return attrs


# --- The list's fast path (issue 15) -------------------------------------------------
# `GET /api/v1/tickets/` builds its page from plain rows (`QuerySet.values()`) instead of
# model instances through the ModelSerializer above: same keys in the same order, same
# values and types (tests/tickets/test_list_fast_path.py compares the two on varied
# tickets). At 30 tickets a page the ModelSerializer cost more than everything else in
# the request: a field set built per request, ~300 model instances, a DRF field call
# per value.

# The serializer's fields as columns: a ticket field by its column (`site_id`), a name
# of a related row by the join it needs, not an instance. Derived from
# TicketSerializer.Meta.fields, so a field added there is fetched here too.
_JOINED = {
    "organization_name": ("organization__name",),
    "site_name": ("site__name",),
    "equipment_name": ("equipment__name",),
    "assignee_name": ("assignee__first_name", "assignee__last_name", "assignee__username"),
    "sla": (),  # the clocks: a subquery on PostgreSQL, one query elsewhere
}
LIST_COLUMNS = tuple(
    column
    for name in TicketSerializer.Meta.fields
    for column in (_JOINED[name] if name in _JOINED else (Ticket._meta.get_field(name).attname,))
)
# The clock columns SlaClockSerializer reads. Tickets does not import the SLA app: its
# clock model is reached through the ticket's reverse relation `sla_clocks`.
_CLOCK_COLUMNS = (
    "ticket_id",
    "metric",
    "state",
    "due_at",
    "met_at",
    "breached",
    "round",
    "visit_id",
    "beyond_coverage",
)


def _clock_model():
    return Ticket._meta.get_field("sla_clocks").related_model


@functools.cache
def _metric_rank() -> dict[str, int]:
    """The SLA app's metric order (its choices, in order: what `sla_clocks_for_ticket`
    sorts by); unknown metrics last."""
    metric = _clock_model()._meta.get_field("metric")
    return {value: i for i, (value, _label) in enumerate(metric.choices)}


def _time(value, zone, _dumps=orjson.dumps, _z=orjson.OPT_UTC_Z):
    """DRF's DateTimeField output (ISO 8601 in the active zone, `Z` for a zero offset),
    written by orjson: the same text as `isoformat()` (microseconds when there are
    any) at a third of its cost (`tests/tickets/test_list_fast_path.py` compares them)."""
    if not value:
        return None
    value = value.astimezone(zone) if value.tzinfo else timezone.make_aware(value, zone)
    return _dumps(value, option=_z)[1:-1].decode()


def _clocks_out(rows, rank, time) -> list[dict]:
    """SlaClockSerializer's output for one ticket's clock rows (`_CLOCK_COLUMNS` less the
    ticket, in the prefetch's order), sorted as `sla_clocks_for_ticket` sorts: by the
    metrics' rank, then the round (stable: ties keep the rows' order). `time` writes a
    row's time as DateTimeField does."""
    out = []
    for metric, state, due, met, breached, number, visit, beyond in rows:
        clock = {
            "metric": metric,
            "state": state,
            "due_at": time(due),
            "met_at": time(met),
            "breached": breached,
            "round": number or 1,
            "visit": visit,
            "beyond_coverage": beyond,
        }
        out.append((rank.get(metric, 99), number, clock))
    return [clock for _rank, _round, clock in sorted(out, key=lambda c: c[:2])]


def list_clocks(ticket_ids) -> dict[int, list[dict]]:
    """Every listed ticket's clocks as TicketSerializer's `sla` shows them, one query."""
    rows = (
        _clock_model()
        ._default_manager.filter(ticket_id__in=ticket_ids)
        .order_by("started_at", "id")  # the prefetch's order (sla.selectors)
        .values_list(*_CLOCK_COLUMNS)
    )
    by_ticket: dict[int, list] = {}
    for row in rows:
        by_ticket.setdefault(row[0], []).append(row[1:])
    zone, rank = timezone.get_current_timezone(), _metric_rank()

    def time(value):
        return _time(value, zone)

    return {ticket_id: _clocks_out(r, rank, time) for ticket_id, r in by_ticket.items()}


class _JSONAgg(OrderableAggMixin, Aggregate):
    """PostgreSQL's `json_agg` (text JSON: cheaper to build than `jsonb_agg`)."""

    function = "JSON_AGG"
    output_field = TextField()


def list_values(queryset):
    """`queryset.values()` with what `list_data` reads. On PostgreSQL each ticket's
    clocks come in the same query, as the text of one JSON array (a correlated
    subquery that the planner evaluates after the LIMIT, for the page's rows only): one
    round trip less per page."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset.values(*LIST_COLUMNS)
    columns = [F(name) for name in _CLOCK_COLUMNS[1:]]
    clocks = (
        _clock_model()
        ._default_manager.filter(ticket_id=OuterRef("pk"))
        .order_by()
        .values("ticket_id")
        .annotate(
            rows=Cast(
                _JSONAgg(
                    Func(*columns, function="json_build_array", output_field=JSONField()),
                    order_by=("started_at", "id"),  # the prefetch's order (sla.selectors)
                ),
                TextField(),
            )
        )
        .values("rows")
    )
    return queryset.values(*LIST_COLUMNS, sla_rows=Subquery(clocks, output_field=TextField()))


# What the page is chosen on (TicketPagination's cursor): the id and every field the
# list may be ordered by (TicketViewSet.ordering_fields).
_PAGE_KEYS = ("id", "reported_at", "updated_at", "severity")


def list_keys(queryset, plain: bool = False):
    """The rows a page is chosen from. On PostgreSQL only the page's keys (`_PAGE_KEYS`):
    scope, filters, search and cursor stay the ORM's, in a narrow query that is quick
    to plan, and `list_rows` reads the chosen page's columns by id; for a `plain` list
    (no filter, search or ordering: a few texts, one per scope and cursor shape) that
    query is prepared too. A filtered list is planned for its values: a generic plan
    could not tell a rare search word from a common one. Elsewhere the full rows of
    `list_values`, in one query."""
    if connections[queryset.db].vendor != "postgresql":
        return list_values(queryset)
    keys = queryset.values(*_PAGE_KEYS)
    return PreparedValues(keys) if plain else keys


@functools.cache
def _rows_statement(using: str) -> tuple[str, tuple[str, ...]]:
    """The page's columns for a list of ids, `list_values`' query compiled once: a fixed
    text PostgreSQL keeps prepared (servicedesk.db.fetch_prepared)."""
    queryset = list_values(Ticket.objects.using(using).filter(AnyOf(F("pk"), [0])).order_by())
    sql, params = compile_fixed(queryset)
    if list(params) != [[0]]:  # the ids must be the statement's only value
        raise AssertionError(f"unexpected parameters {params!r}")
    return sql, (*LIST_COLUMNS, "sla_rows")


def list_rows(keys, using: str = "default") -> list[dict]:
    """The rows of `list_values` for the page `list_keys` chose, in its order."""
    if connections[using].vendor != "postgresql":
        return list(keys)
    keys = list(keys)
    if not keys:
        return []
    sql, names = _rows_statement(using)
    fetched = {}
    for values in fetch_prepared(sql, [[key["id"] for key in keys]], using):
        row = dict(zip(names, values, strict=True))
        fetched[row["id"]] = row
    # A ticket gone between the two reads drops out of the page; none is deleted today.
    return [fetched[key["id"]] for key in keys if key["id"] in fetched]


def list_data(rows) -> list[dict]:
    """TicketSerializer's output for rows of `values(*LIST_COLUMNS)`."""
    rows = list(rows)
    zone, rank = timezone.get_current_timezone(), _metric_rank()
    if rows and "sla_rows" in rows[0]:  # list_values on PostgreSQL: JSON text
        parse = datetime.fromisoformat

        def time(text):  # the JSON's ISO 8601 text, in UTC
            return _time(parse(text), zone) if text else None

        clocks = {
            row["id"]: _clocks_out(orjson.loads(row["sla_rows"] or "[]"), rank, time)
            for row in rows
        }
    else:
        clocks = list_clocks([row["id"] for row in rows]) if rows else {}
    data = []
    for row in rows:
        assignee = ""
        if row["assignee_id"] is not None:
            full = f"{row['assignee__first_name']} {row['assignee__last_name']}".strip()
            assignee = full or row["assignee__username"]
        # TicketSerializer.Meta.fields, in order (the tests compare the keys).
        data.append(
            {
                "id": row["id"],
                "number": row["number"],
                "kind": row["kind"],
                "channel": row["channel"],
                "title": row["title"],
                "description": row["description"],
                "impact": row["impact"],
                "urgency": row["urgency"],
                "organization": row["organization_id"],
                "organization_name": row["organization__name"],
                "site": row["site_id"],
                "site_name": row["site__name"],
                "equipment": row["equipment_id"],
                "equipment_name": row["equipment__name"],
                "contact_name": row["contact_name"],
                "contact_phone": row["contact_phone"],
                "contact_email": row["contact_email"],
                "reporter": row["reporter_id"],
                "status": row["status"],
                "severity": row["severity"],
                "assignee": row["assignee_id"],
                "assignee_name": assignee,
                "tier": row["tier"],
                "vendor_name": row["vendor_name"],
                "vendor_case": row["vendor_case"],
                "vendor_contact": row["vendor_contact"],
                "resolution": row["resolution"],
                "cause": row["cause"],
                "solution": row["solution"],
                "prevention": row["prevention"],
                "satisfaction": row["satisfaction"],
                "cancel_reason": row["cancel_reason"],
                "reported_at": _time(row["reported_at"], zone),
                "triaged_at": _time(row["triaged_at"], zone),
                "responded_at": _time(row["responded_at"], zone),
                "resolved_at": _time(row["resolved_at"], zone),
                "accepted_at": _time(row["accepted_at"], zone),
                "followed_up_at": _time(row["followed_up_at"], zone),
                "closed_at": _time(row["closed_at"], zone),
                "sla": clocks.get(row["id"], []),
                "created_at": _time(row["created_at"], zone),
                "updated_at": _time(row["updated_at"], zone),
            }
        )
    return data


class TicketUpdateSerializer(serializers.ModelSerializer):
    """PATCH before triage: title, symptom, impact, equipment."""

    equipment = ScopedPrimaryKeyRelatedField(
        selector=equipment_visible_to, required=False, allow_null=True
    )

    class Meta:
        model = Ticket
        fields = ["title", "description", "impact", "equipment"]

    def to_representation(self, instance):
        return TicketSerializer(instance, context=self.context).data


class TriageSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Ticket.Severity.choices)
    assignee = ScopedPrimaryKeyRelatedField(selector=engineers_of, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer):
    assignee = ScopedPrimaryKeyRelatedField(selector=engineers_of)


def _experts(user):
    return User.objects.filter(role=User.Role.EXPERT, is_active=True)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="TicketReason")  # spare parts has a "Reason" too
class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


@extend_schema_serializer(component_name="VisitOptionalReason")
class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class EscalateSerializer(serializers.Serializer):
    reason = serializers.CharField()
    expert = ScopedPrimaryKeyRelatedField(selector=_experts, required=False, allow_null=True)
    vendor_name = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    vendor_case = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )
    vendor_contact = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300
    )


class DispatchSerializer(serializers.Serializer):
    engineer = ScopedPrimaryKeyRelatedField(selector=engineers_of)
    scheduled_for = serializers.DateTimeField(required=False, allow_null=True)


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=Ticket.Resolution.choices)
    cause = serializers.CharField()
    solution = serializers.CharField()
    prevention = serializers.CharField()


class FollowUpSerializer(serializers.Serializer):
    recurred = serializers.BooleanField()
    satisfaction = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if not attrs["recurred"] and attrs.get("satisfaction") is None:
            raise serializers.ValidationError(
                {"satisfaction": [_("Give a satisfaction score from 1 to 5.")]}
            )
        return attrs


class EmptySerializer(serializers.Serializer):
    pass


class TicketEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    label = serializers.CharField(read_only=True)

    class Meta:
        model = TicketEvent
        fields = [
            "id",
            "kind",
            "label",
            "from_status",
            "to_status",
            "note",
            "data",
            "internal",
            "actor",
            "actor_name",
            "created_at",
        ]

    def get_actor_name(self, event) -> str:
        return _name(event.actor)


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by_name = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "ticket",
            "comment",
            "visit",
            "original_name",
            "content_type",
            "size",
            "internal",
            "uploaded_by",
            "uploaded_by_name",
            "download_url",
            "created_at",
            "updated_at",
        ]

    def get_uploaded_by_name(self, attachment) -> str:
        return _name(attachment.uploaded_by)

    def get_download_url(self, attachment) -> str:
        return f"/api/v1/tickets/{attachment.ticket_id}/attachments/{attachment.pk}/download/"


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(max_length=255, allow_empty_file=False)
    internal = serializers.BooleanField(required=False, default=False)
    visit = serializers.IntegerField(required=False, allow_null=True)


class CommentSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "ticket",
            "author",
            "author_name",
            "body",
            "internal",
            "via_email",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["ticket", "author", "via_email"]

    def get_fields(self):
        fields = super().get_fields()
        user = getattr(self.context.get("request"), "user", None)
        if user is None or not user.is_authenticated or user.is_customer:
            fields["internal"].read_only = True
        return fields

    def get_author_name(self, comment) -> str:
        return _name(comment.author)


class VisitPhaseSerializer(serializers.ModelSerializer):
    recorded_by_name = serializers.SerializerMethodField()

    class Meta:
        model = VisitPhase
        fields = ["phase", "notes", "recorded_by", "recorded_by_name", "recorded_at"]

    def get_recorded_by_name(self, phase) -> str:
        return _name(phase.recorded_by)


class VisitSerializer(serializers.ModelSerializer):
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    engineer_name = serializers.SerializerMethodField()
    phases = VisitPhaseSerializer(many=True, read_only=True)
    signed = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "number",
            "ticket",
            "ticket_number",
            "engineer",
            "engineer_name",
            "status",
            "scheduled_for",
            "dispatched_at",
            "departed_at",
            "arrived_at",
            "checkin_latitude",
            "checkin_longitude",
            "completed_at",
            "work_summary",
            "phases",
            "signer_name",
            "signed",
            "signed_at",
            "cancelled_at",
            "cancel_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_engineer_name(self, visit) -> str:
        return _name(visit.engineer)

    def get_signed(self, visit) -> bool:
        return bool(visit.signed_at)


class CheckInSerializer(serializers.Serializer):
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=10,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        allow_null=True,
    )


class PhaseSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Visit.Phase.choices)
    notes = serializers.CharField()


class PartItemSerializer(serializers.Serializer):
    part = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    stockroom = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class PartsSerializer(serializers.Serializer):
    items = PartItemSerializer(many=True, allow_empty=False)


DATA_URL = re.compile(r"^data:(?P<type>image/(?:png|jpeg));base64,(?P<data>[A-Za-z0-9+/=\s]+)$")


@extend_schema_field(OpenApiTypes.BINARY)
class SignatureField(serializers.FileField):
    """An uploaded image, or (JSON) a `data:image/png;base64,...` URL from a canvas."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            match = DATA_URL.match(data.strip())
            if not match:
                raise serializers.ValidationError(
                    _("Send a PNG or JPEG image or a base64 data URL of one.")
                )
            if len(match["data"]) * 3 // 4 > settings.MAX_UPLOAD_SIZE:
                raise PayloadTooLarge(_("The signature image is over the upload limit."))
            try:
                content = base64.b64decode(match["data"], validate=False)
            except (binascii.Error, ValueError) as exc:
                raise serializers.ValidationError(_("The data URL is not valid base64.")) from exc
            extension = "png" if match["type"] == "image/png" else "jpg"
            return SimpleUploadedFile(f"signature.{extension}", content, content_type=match["type"])
        return super().to_internal_value(data)


class SignSerializer(serializers.Serializer):
    signer_name = serializers.CharField(max_length=200)
    signature = SignatureField()


class CompleteSerializer(serializers.Serializer):
    work_summary = serializers.CharField(required=False, allow_blank=True, default="")
