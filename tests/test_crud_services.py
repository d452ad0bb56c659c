"""Every write of the API's reference data goes through a service (issue 12): the
viewsets name their services and never save through the serializer; the services
check role and scope themselves and record who changed the row."""

import datetime

import pytest
from django.urls import get_resolver
from rest_framework import mixins

from assets import services as assets_services
from assets.models import Site
from servicedesk.api.views import ServiceWritesMixin
from servicedesk.errors import Conflict, PermissionDenied
from sla import services as sla_services
from sla.models import BusinessCalendar
from tests.factories.accounts import ServiceCenterFactory
from tests.factories.assets import SiteFactory

pytestmark = pytest.mark.django_db


def api_viewsets() -> set[type]:
    """The viewset classes routed under /api/v1/."""
    found = set()

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
            elif getattr(pattern.callback, "cls", None) is not None:
                found.add(pattern.callback.cls)

    walk(get_resolver().url_patterns)
    return found


def overrides(viewset: type, name: str) -> bool:
    """Whether the viewset brings its own `name` (rather than the mixins' generic one)."""
    generic = getattr(ServiceWritesMixin, name, None) or getattr(mixins.CreateModelMixin, name)
    return getattr(viewset, name) is not generic


def test_no_api_viewset_writes_through_the_serializer():
    viewsets = [v for v in api_viewsets() if issubclass(v, ServiceWritesMixin)]
    assert len(viewsets) >= 16
    unserved = []
    for viewset in viewsets:
        allowed = {method.lower() for method in getattr(viewset, "http_method_names", [])}
        writes = [
            ("create_service", "perform_create", mixins.CreateModelMixin, "post"),
            ("update_service", "perform_update", mixins.UpdateModelMixin, "patch"),
            ("delete_service", "perform_destroy", mixins.DestroyModelMixin, "delete"),
        ]
        for service, hook, mixin, method in writes:
            if not issubclass(viewset, mixin) or method not in allowed:
                continue
            if (
                getattr(viewset, service) is None
                and not overrides(viewset, hook)
                and not (method == "post" and overrides(viewset, "create"))
            ):
                unserved.append(f"{viewset.__name__}.{hook}")
    assert unserved == []


def test_a_write_without_a_service_is_refused_not_saved(world, api):
    class Unserved(ServiceWritesMixin):
        request = type("Request", (), {"method": "POST", "user": world.admin})()

    with pytest.raises(Exception) as raised:
        Unserved().perform_create(serializer=None)
    assert raised.value.status_code == 405


def test_services_check_the_scope_of_the_row_and_of_the_related_rows(world):
    elsewhere = SiteFactory(organization=world.org_a, service_center=ServiceCenterFactory())
    with pytest.raises(PermissionDenied):
        assets_services.site_update(elsewhere, actor=world.dispatcher, name="Renamed")
    with pytest.raises(PermissionDenied):
        assets_services.equipment_create(
            actor=world.dispatcher,
            site=elsewhere,
            name="Pump",
            serial_number="SN-OUT-1",
            equipment_model=world.equipment_a.equipment_model,
        )
    with pytest.raises(PermissionDenied):  # the role is checked too, not only by the API
        assets_services.site_update(world.site_a, actor=world.engineer1, name="Renamed")
    elsewhere.refresh_from_db()
    assert elsewhere.name != "Renamed"


def test_an_update_records_who_changed_the_row(world):
    site = assets_services.site_update(world.site_a, actor=world.dispatcher, name="Site A (north)")
    assert Site.objects.get(pk=site.pk).name == "Site A (north)"
    assert site.history.first().history_user == world.dispatcher


def test_a_row_still_in_use_is_a_conflict(world):
    with pytest.raises(Conflict):
        assets_services.site_delete(world.site_a, actor=world.dispatcher)  # it has equipment
    assert Site.objects.filter(pk=world.site_a.pk).exists()


def test_a_calendar_update_replaces_its_working_windows(world):
    calendar = sla_services.calendar_create(
        actor=world.manager,
        name="Two shifts",
        time_zone="Asia/Shanghai",
        windows=[
            {"weekday": 0, "start": datetime.time(8), "end": datetime.time(12)},
            {"weekday": 0, "start": datetime.time(13), "end": datetime.time(17)},
        ],
    )
    assert calendar.windows.count() == 2
    sla_services.calendar_update(
        calendar,
        actor=world.manager,
        windows=[{"weekday": 1, "start": datetime.time(9), "end": datetime.time(18)}],
        is_default=True,
    )
    calendar = BusinessCalendar.objects.get(pk=calendar.pk)
    assert [(w.weekday, w.start.hour) for w in calendar.windows.all()] == [(1, 9)]
    assert calendar.is_default
    assert BusinessCalendar.objects.filter(is_default=True).count() == 1
