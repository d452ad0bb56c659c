"""`load_volume`'s rows beyond the tickets (issue 15): parts used on the loaded visits
with a ledger that still sums to every stock level, a plan's inspections over two
years, and training sessions with enrolments; a second run does not repeat them."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from inspections.models import Inspection
from spareparts.models import Movement, Stock
from tests.factories.inspections import InspectionPlanFactory
from tests.factories.spareparts import StockFactory
from tests.factories.training import CourseFactory
from tickets.models import Visit
from training.models import Enrollment, Session

pytestmark = pytest.mark.django_db


def _ledger_matches_every_level():
    for stock in Stock.objects.all():
        total = Movement.objects.filter(part=stock.part, stockroom=stock.stockroom).aggregate(
            n=Sum("on_hand_delta")
        )["n"]
        assert (total or 0) == stock.on_hand, stock


def test_load_volume_adds_parts_used_inspections_and_training(world):
    StockFactory.create_batch(3)
    plan = InspectionPlanFactory(site=world.site_a)
    CourseFactory()
    call_command("load_volume", tickets=600, seed=5, stdout=io.StringIO())

    issued = Movement.objects.filter(kind=Movement.Kind.ISSUE)
    completed = Visit.objects.filter(status=Visit.Status.COMPLETED).count()
    assert completed > 0
    # About a third of the completed visits used parts, each issue tied to its visit.
    with_parts = issued.values("visit").distinct().count()
    assert 0.15 * completed < with_parts < 0.5 * completed
    assert not issued.filter(visit__isnull=True).exists()
    assert not issued.exclude(ticket=models_ticket_of_visit()).exists()
    _ledger_matches_every_level()

    inspections = Inspection.objects.filter(plan=plan)
    assert 24 <= inspections.count() <= 26  # monthly over two years
    assert inspections.filter(status="completed").count() > inspections.count() // 2
    assert inspections.filter(status="missed").exists() or inspections.count() < 10

    sessions = Session.objects.all()
    assert sessions.count() >= 24
    for session in sessions:
        assert session.enrolled_count == session.enrollments.count() <= session.capacity
    assert Enrollment.objects.filter(attended=True).exists()

    def per_visit():
        return dict(
            Movement.objects.filter(kind=Movement.Kind.ISSUE)
            .values_list("visit")
            .annotate(n=Count("id"))
            .order_by()
        )

    inspections_before, issues_before = Inspection.objects.count(), per_visit()
    call_command("load_volume", tickets=20, seed=6, stdout=io.StringIO())
    assert Inspection.objects.count() == inspections_before  # one per plan and date
    after = per_visit()
    # Visits that already had parts get none again.
    assert {visit: after[visit] for visit in issues_before} == issues_before
    _ledger_matches_every_level()


def models_ticket_of_visit():
    from django.db.models import OuterRef, Subquery

    return Subquery(Visit.objects.filter(pk=OuterRef("visit")).values("ticket")[:1])
