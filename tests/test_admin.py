"""Every model registered in the Django admin opens its list, its add form (where
adding is allowed) and an object's change page for an administrator without error."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_admin_list_and_form_opens(client, world):
    client.force_login(world.admin)
    opened = 0
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert changelist.status_code == 200, meta.label
        if model_admin.has_add_permission(changelist.wsgi_request):
            assert (
                client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code
                == 200
            ), meta.label
        instance = model._default_manager.first()
        if instance is not None:
            page = client.get(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk])
            )
            assert page.status_code == 200, meta.label
        opened += 1
    assert opened >= 20


def test_calendar_admin_imports_china_holidays(client, world):
    from sla.models import BusinessCalendar, CalendarDay

    calendar = BusinessCalendar.objects.create(name="Beijing office", country="CN")
    client.force_login(world.admin)
    response = client.post(
        reverse("admin:sla_businesscalendar_changelist"),
        {"action": "import_holidays", "_selected_action": [calendar.pk]},
        follow=True,
    )
    assert response.status_code == 200
    days = CalendarDay.objects.filter(calendar=calendar)
    assert days.filter(kind="holiday").count() > 20 and days.filter(kind="workday").exists()
