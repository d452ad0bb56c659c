from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.roles import ALL_ROLES, DISPATCH, MANAGERS
from assets import services
from assets.filters import EquipmentFilter, ServiceContractFilter, SiteFilter
from assets.models import Equipment, EquipmentModel, ServiceContract, Site
from assets.selectors import (
    availability_by_unit,
    contracts_visible_to,
    equipment_models_visible_to,
    equipment_visible_to,
    sites_visible_to,
    team_warnings,
    teams_visible_to,
)
from servicedesk.api.views import ScopedModelViewSet

from .serializers import (
    AvailabilityQuerySerializer,
    AvailabilitySerializer,
    EquipmentModelSerializer,
    EquipmentSerializer,
    ServiceContractSerializer,
    ServiceTeamInputSerializer,
    ServiceTeamSerializer,
    SiteSerializer,
)

NO_TEAM = _("No dedicated service team yet.")


class SiteViewSet(ScopedModelViewSet):
    queryset = Site.objects.none()  # names the model for the schema; rows come from get_queryset()
    serializer_class = SiteSerializer
    read_roles = ALL_ROLES
    write_roles = DISPATCH
    filterset_class = SiteFilter
    search_fields = ["name", "code", "address"]
    ordering_fields = ["name", "updated_at"]

    create_service = staticmethod(services.site_create)
    update_service = staticmethod(services.site_update)
    delete_service = staticmethod(services.site_delete)

    def get_queryset(self):
        return sites_visible_to(self.request.user)


class EquipmentModelViewSet(ScopedModelViewSet):
    queryset = (
        EquipmentModel.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = EquipmentModelSerializer
    read_roles = ALL_ROLES
    write_roles = DISPATCH
    filterset_fields = ["manufacturer", "category"]
    search_fields = ["manufacturer", "model_number", "category"]
    ordering_fields = ["manufacturer", "model_number", "updated_at"]

    create_service = staticmethod(services.equipment_model_create)
    update_service = staticmethod(services.equipment_model_update)
    delete_service = staticmethod(services.equipment_model_delete)

    def get_queryset(self):
        return equipment_models_visible_to(self.request.user)


class EquipmentViewSet(ScopedModelViewSet):
    queryset = (
        Equipment.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = EquipmentSerializer
    read_roles = ALL_ROLES
    write_roles = DISPATCH
    filterset_class = EquipmentFilter
    search_fields = ["name", "serial_number", "equipment_model__model_number", "site__name"]
    ordering_fields = ["name", "serial_number", "updated_at"]

    create_service = staticmethod(services.equipment_create)
    update_service = staticmethod(services.equipment_update)
    delete_service = staticmethod(services.equipment_delete)

    def get_queryset(self):
        return equipment_visible_to(self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.STR,
                description="A date (YYYY-MM-DD, server zone) or an ISO 8601 time with "
                "offset; default: 30 days before `to`.",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.STR,
                description="A date (included) or an ISO 8601 time (excluded); default: today.",
            ),
        ],
        responses={200: AvailabilitySerializer},
    )
    @action(detail=True, methods=["get"])
    def availability(self, request, pk=None):
        """The unit's availability, unplanned and planned downtime, MTBF and MTTR over a
        period, from its downtime spans (docs/availability.md)."""
        unit = self.get_object()
        query = AvailabilityQuerySerializer(data=request.GET)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        figures = availability_by_unit([unit.pk], start, end)[unit.pk]
        data = {"equipment": unit.pk, "status": unit.status, **figures.as_dict()}
        return Response(AvailabilitySerializer(data).data)


class ServiceContractViewSet(ScopedModelViewSet):
    queryset = (
        ServiceContract.objects.none()
    )  # names the model for the schema; rows come from get_queryset()
    serializer_class = ServiceContractSerializer
    read_roles = ALL_ROLES
    write_roles = MANAGERS
    filterset_class = ServiceContractFilter
    search_fields = ["number", "title", "organization__name"]
    ordering_fields = ["number", "starts_on", "updated_at"]

    create_service = staticmethod(services.contract_create)
    update_service = staticmethod(services.contract_update)
    delete_service = staticmethod(services.contract_delete)

    def get_queryset(self):
        return contracts_visible_to(self.request.user)

    # --- the contract's service team (issue 18) -----------------------------------
    def _team_data(self, contract):
        team = teams_visible_to(self.request.user).filter(contract=contract).first()
        members = list(team.members.all()) if team is not None else []
        warnings = team_warnings(team) if team is not None else [str(NO_TEAM)]
        data = {
            "contract": contract.pk,
            "name": team.name if team is not None else "",
            "members": members,
            "warnings": warnings if not self.request.user.is_customer else [],
            "updated_at": team.updated_at if team is not None else None,
        }
        return ServiceTeamSerializer(data).data

    @extend_schema(
        methods=["GET"],
        responses={200: ServiceTeamSerializer, 404: OpenApiResponse(description="Not in scope")},
        summary="The contract's dedicated service team (the customer's contacts)",
    )
    @extend_schema(
        methods=["PUT"],
        request=ServiceTeamInputSerializer,
        responses={
            200: ServiceTeamSerializer,
            400: OpenApiResponse(description="Bad input"),
            403: OpenApiResponse(description="Managers only"),
            404: OpenApiResponse(description="Not in scope"),
        },
        summary="Set the team: a lead and members (warnings below the plan's rule)",
    )
    @action(
        detail=True,
        methods=["get", "put"],
        roles=ALL_ROLES,
        filter_backends=[],
        pagination_class=None,
    )
    def team(self, request, pk=None):
        contract = self.get_object()
        if request.method == "PUT":
            body = ServiceTeamInputSerializer(data=request.data, context={"request": request})
            body.is_valid(raise_exception=True)
            services.contract_team_set(contract=contract, actor=request.user, **body.validated_data)
        return Response(self._team_data(contract))
