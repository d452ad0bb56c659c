"""GET/POST tickets/{id}/survey/: the customer's satisfaction survey of the current
resolution round. With `?token=` (the signed link of the e-mail) no login is needed
and the token alone decides; otherwise a signed-in customer of the ticket's
organisation answers (staff may read it)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import ALL_ROLES, CUSTOMERS
from servicedesk.api.permissions import RolePermission
from servicedesk.errors import InvalidTransition
from tickets.models import Ticket
from tickets.selectors import tickets_visible_to
from tickets.services import survey

TOKEN = OpenApiParameter(
    "token", OpenApiTypes.STR, description="The signed token of the survey link."
)


class SurveyAnswerSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class SurveySerializer(serializers.Serializer):
    ticket = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    round = serializers.IntegerField()
    open = serializers.BooleanField(help_text="Whether an answer is accepted now.")
    answered = serializers.BooleanField()
    score = serializers.IntegerField(allow_null=True)
    comment = serializers.CharField(allow_null=True)


def survey_state(ticket: Ticket, round_: int) -> dict:
    answer = survey.answer_for(ticket, round_)
    try:
        survey.check_open(ticket, round_)
        is_open = answer is None
    except InvalidTransition:
        is_open = False
    return {
        "ticket": ticket.pk,
        "number": ticket.number,
        "title": ticket.title,
        "round": round_,
        "open": is_open,
        "answered": answer is not None,
        "score": answer.score if answer else None,
        "comment": answer.comment if answer else None,
    }


class SurveyView(APIView):
    read_roles = ALL_ROLES
    write_roles = CUSTOMERS
    lookup_url_kwarg = "pk"  # the ticket is looked up first: out of scope is 404

    def get_authenticators(self):
        if self.request is not None and self.request.GET.get("token"):
            return []  # the token alone decides; a session or JWT plays no part
        return super().get_authenticators()

    def get_permissions(self):
        if self.request.GET.get("token"):
            return [AllowAny()]
        return [permission() for permission in (*self.permission_classes[:1], RolePermission)]

    def _ticket_and_round(self, request, pk):
        token = request.GET.get("token", "")
        if token:
            ticket = get_object_or_404(Ticket, pk=pk)
            return ticket, survey.read_token(ticket, token), token
        ticket = get_object_or_404(tickets_visible_to(request.user), pk=pk)
        self.check_object_permissions(request, ticket)
        return ticket, survey.current_round(ticket), ""

    @extend_schema(
        parameters=[TOKEN],
        responses={200: SurveySerializer},
        auth=[{}, {"jwtAuth": []}],
        summary="The satisfaction survey of the current resolution round",
    )
    def get(self, request, pk: int):
        ticket, round_, _token = self._ticket_and_round(request, pk)
        return Response(survey_state(ticket, round_))

    @extend_schema(
        parameters=[TOKEN],
        request=SurveyAnswerSerializer,
        responses={201: SurveySerializer},
        auth=[{}, {"jwtAuth": []}],
        summary="Answer the satisfaction survey (once per round)",
    )
    def post(self, request, pk: int):
        ticket, round_, token = self._ticket_and_round(request, pk)
        data = SurveyAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actor = None if token else request.user
        survey.survey_answer(ticket=ticket, actor=actor, token=token, **data.validated_data)
        return Response(survey_state(ticket, round_), status=status.HTTP_201_CREATED)
