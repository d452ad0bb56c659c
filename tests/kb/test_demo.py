"""The demo's knowledge base: published articles in Chinese and English for the demo
models, suggested on the report form of `make run`; a second run adds nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from assets.models import Equipment
from kb.models import Article

pytestmark = pytest.mark.django_db


def test_the_demo_suggests_its_articles_on_the_report_form(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", password="demo-test-password")
    published = Article.objects.filter(status="published")
    assert {a.language for a in published} == {"en", "zh-hans"} and published.count() >= 4
    count = Article.objects.count()
    call_command("seed_demo", password="demo-test-password")
    assert Article.objects.count() == count  # idempotent
    customer = User.objects.get(username="customer_a")
    ups = Equipment.objects.filter(
        site__organization=customer.organization, equipment_model__model_number="93PM-50"
    ).first()
    client.force_login(customer)
    page = client.get(
        reverse("kb:suggest"),
        {"title": "UPS 切换到电池", "description": "没有停电", "equipment": ups.pk},
    ).content.decode()
    assert "UPS 无停电却切换到电池供电" in page and "(draft)" not in page
    english = client.get(
        reverse("kb:suggest"), {"title": "HMI frozen", "description": "screen"}
    ).content.decode()
    assert "HMI screen frozen or unresponsive" in english
