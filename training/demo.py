"""Demo training: an operational and an advanced course, an upcoming operational
session for organisation A, a past advanced session with customer_a's attendance and
certificate, and the obligations of the demo contracts (contract A delivered
2026-11-10 → due 2026-12-10). Idempotent: sessions are found by course, organisation
and trainer; enrolments and certificates by their natural keys."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from assets.models import ServiceContract

from . import services
from .models import Certificate, Course, Enrollment, Session


def _course(kind, title, description, hours):
    course, _ = Course.objects.get_or_create(
        title=title,
        defaults={"kind": kind, "description": description, "duration_hours": Decimal(hours)},
    )
    return course


def _session(course, organization, trainer, start, **fields):
    session, _ = Session.objects.get_or_create(
        course=course,
        organization=organization,
        trainer=trainer,
        defaults={
            "starts_at": start,
            "ends_at": start + timedelta(hours=float(course.duration_hours)),
            **fields,
        },
    )
    return session


def seed(ctx):
    trainer, customer = ctx.users["engineer1"], ctx.users["customer_a"]
    operational = _course(
        Course.Kind.OPERATIONAL,
        "Signalling PLC operation 信号控制器操作培训",
        "Daily operation, alarms and first-line checks for the customer's operators.",
        "8",
    )
    advanced = _course(
        Course.Kind.ADVANCED,
        "Advanced diagnostics 进阶培训",
        "Fault diagnosis, backups and firmware updates for experienced operators.",
        "16",
    )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    _session(
        operational,
        ctx["org_a"],
        trainer,
        now + timedelta(days=7, hours=2),
        place="Line 3 Depot training room",
        capacity=12,
    )
    past = _session(
        advanced,
        None,
        ctx.users.get("expert", trainer),
        now - timedelta(days=30),
        online_link="https://meet.example.test/advanced",
        capacity=20,
    )
    enrollment = Enrollment.objects.filter(session=past, trainee=customer).first()
    if enrollment is None:
        enrollment = services.enroll(session=past, trainee=customer, actor=ctx.users["admin"])
    if not Certificate.objects.filter(enrollment=enrollment).exists():
        services.record_attendance(
            enrollment=enrollment,
            actor=past.trainer,
            attended=True,
            score=Decimal("88"),
            passed=True,
        )
    for contract in ServiceContract.objects.filter(delivery_date__isnull=False):
        services.obligation_sync_for_contract(contract=contract)
    ctx["course_operational"], ctx["course_advanced"] = operational, advanced
