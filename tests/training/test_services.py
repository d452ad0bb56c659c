"""Enrolment rules, cancellation, attendance and certificates at the service level."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from servicedesk.errors import Conflict, InvalidTransition, PermissionDenied, ServiceError
from tests.factories import UserFactory
from tests.factories.training import SessionFactory
from training import services
from training.models import Certificate, Enrollment, Session

from .conftest import enrol

pytestmark = pytest.mark.django_db


def _count(session):
    return Session.objects.get(pk=session.pk).enrolled_count


def test_customer_admin_enrols_a_colleague_and_the_count_goes_up(world, session_a):
    enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    assert (enrollment.status, enrollment.enrolled_by, _count(session_a)) == (
        "enrolled",
        world.customer_a,
        1,
    )


def test_customer_admin_cannot_enrol_another_organisations_user(world, open_session):
    with pytest.raises(ServiceError) as caught:
        enrol(open_session, world.customer_b, world.customer_a)
    assert caught.value.field == "trainee" and caught.value.status_code == 400
    assert _count(open_session) == 0 and not Enrollment.objects.exists()


def test_a_plain_customer_enrols_only_themselves(world, session_a):
    with pytest.raises(ServiceError) as caught:
        enrol(session_a, world.customer_a, world.customer_a2)
    assert caught.value.field == "trainee"
    assert enrol(session_a, world.customer_a2).trainee == world.customer_a2


def test_a_session_reserved_for_org_a_refuses_org_b(world, session_a):
    with pytest.raises(ServiceError) as caught:
        enrol(session_a, world.customer_b, world.dispatcher)
    assert caught.value.field == "trainee"


def test_staff_cannot_be_enrolled_and_engineers_do_not_enrol(world, open_session):
    with pytest.raises(ServiceError):
        enrol(open_session, world.engineer2, world.dispatcher)
    with pytest.raises(PermissionDenied):
        enrol(open_session, world.customer_a, world.engineer1)


def test_a_full_session_is_a_conflict_and_nothing_is_written(world, operational):
    session = SessionFactory(
        course=operational, organization=world.org_a, trainer=world.engineer1, capacity=1
    )
    enrol(session, world.customer_a)
    with pytest.raises(Conflict) as caught:
        enrol(session, world.customer_a2)
    assert caught.value.status_code == 409 and caught.value.code == "session_full"
    assert _count(session) == 1 and Enrollment.objects.count() == 1


def test_enrolling_twice_is_a_conflict(world, session_a):
    enrol(session_a, world.customer_a)
    with pytest.raises(Conflict):
        enrol(session_a, world.customer_a)
    assert _count(session_a) == 1


def test_cancelling_frees_the_place_and_re_enrolling_reuses_the_row(world, operational):
    session = SessionFactory(
        course=operational, organization=world.org_a, trainer=world.engineer1, capacity=1
    )
    enrollment = enrol(session, world.customer_a2, world.customer_a)
    services.enrollment_cancel(enrollment=enrollment, actor=world.customer_a2)
    assert _count(session) == 0
    with pytest.raises(InvalidTransition):
        services.enrollment_cancel(enrollment=enrollment, actor=world.customer_a2)
    again = enrol(session, world.customer_a2, world.customer_a)
    assert again.pk == enrollment.pk and again.status == "enrolled" and _count(session) == 1


def test_another_organisation_cannot_cancel(world, open_session):
    enrollment = enrol(open_session, world.customer_a)
    with pytest.raises(PermissionDenied):
        services.enrollment_cancel(enrollment=enrollment, actor=world.customer_b)


def test_customers_cannot_enrol_after_the_start_but_dispatchers_can(world, session_a, after_start):
    with after_start(session_a):
        with pytest.raises(InvalidTransition):
            enrol(session_a, world.customer_a)
        assert enrol(session_a, world.customer_a, world.dispatcher).status == "enrolled"


def test_only_the_trainer_or_dispatch_records_attendance(world, session_a, after_start):
    enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    with after_start(session_a):
        for outsider in (world.engineer2, world.customer_a):
            with pytest.raises(PermissionDenied):
                services.record_attendance(enrollment=enrollment, actor=outsider, attended=True)
        services.record_attendance(
            enrollment=enrollment, actor=world.dispatcher, attended=True, score="61.5"
        )
    enrollment.refresh_from_db()
    assert (enrollment.attended, enrollment.score, enrollment.passed) == (
        True,
        Decimal("61.5"),
        False,
    )


def test_attendance_waits_for_the_session_to_start(world, session_a):
    enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    with pytest.raises(InvalidTransition):
        services.record_attendance(
            enrollment=enrollment, actor=world.engineer1, attended=True, passed=True
        )


@pytest.mark.parametrize(
    ("attended", "score", "passed", "field"),
    [
        (False, None, True, "passed"),
        (True, "101", False, "score"),
        (True, "-1", False, "score"),
        (True, "abc", False, "score"),
    ],
)
def test_bad_attendance_is_refused(world, session_a, after_start, attended, score, passed, field):
    enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    with after_start(session_a), pytest.raises(ServiceError) as caught:
        services.record_attendance(
            enrollment=enrollment,
            actor=world.engineer1,
            attended=attended,
            score=score,
            passed=passed,
        )
    assert caught.value.field == field
    enrollment.refresh_from_db()
    assert enrollment.recorded_at is None


def test_a_pass_issues_one_certificate_with_an_unguessable_code(
    world, session_a, after_start, django_capture_on_commit_callbacks
):
    world.customer_a2.first_name, world.customer_a2.last_name = "小明", "王"
    world.customer_a2.save()
    enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    with after_start(session_a), django_capture_on_commit_callbacks(execute=True):
        services.record_attendance(
            enrollment=enrollment, actor=world.engineer1, attended=True, score=80, passed=True
        )
        services.record_attendance(
            enrollment=enrollment, actor=world.engineer1, attended=True, score=85, passed=True
        )
        with pytest.raises(InvalidTransition):  # a pass with a certificate cannot be withdrawn
            services.record_attendance(
                enrollment=enrollment, actor=world.engineer1, attended=True, passed=False
            )
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert (
        certificate.holder_name == "小明 王" and certificate.course_title == session_a.course.title
    )
    assert len(certificate.code) >= 20
    other = enrol(session_a, world.customer_a, world.customer_a)
    with after_start(session_a):
        services.record_attendance(
            enrollment=other, actor=world.engineer1, attended=True, passed=True
        )
    assert Certificate.objects.get(enrollment=other).code != certificate.code


def test_a_cancelled_enrolment_takes_no_attendance(world, session_a, after_start):
    enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    services.enrollment_cancel(enrollment=enrollment, actor=world.customer_a)
    with after_start(session_a), pytest.raises(InvalidTransition):
        services.record_attendance(enrollment=enrollment, actor=world.engineer1, attended=True)


def test_material_upload_checks_type_and_size(world, operational, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories.documents import pdf_bytes

    pdf = SimpleUploadedFile("manual.pdf", pdf_bytes(), content_type="application/pdf")
    material = services.material_add(
        course=operational, actor=world.manager, file=pdf, title="Manual"
    )
    assert (material.content_type, material.size) == ("application/pdf", len(pdf_bytes()))
    with pytest.raises(ServiceError):  # named and typed as a PDF, but not one
        services.material_add(
            course=operational,
            actor=world.manager,
            file=SimpleUploadedFile(
                "fake.pdf", b"%PDF-1.4 not really", content_type="application/pdf"
            ),
        )
    with pytest.raises(ServiceError):
        services.material_add(
            course=operational,
            actor=world.manager,
            file=SimpleUploadedFile("run.exe", b"MZ", content_type="application/x-msdownload"),
        )
    settings.MAX_UPLOAD_SIZE = 5
    with pytest.raises(ServiceError) as caught:
        services.material_add(
            course=operational,
            actor=world.manager,
            file=SimpleUploadedFile("big.pdf", b"%PDF-1.4 big", content_type="application/pdf"),
        )
    assert caught.value.status_code == 413
    with pytest.raises(PermissionDenied):
        services.material_add(course=operational, actor=world.dispatcher, file=pdf)
    assert operational.materials.count() == 1


def test_an_inactive_customer_is_not_enrolled(world, session_a):
    gone = UserFactory(role="customer", organization=world.org_a, is_active=False)
    with pytest.raises(ServiceError):
        enrol(session_a, gone, world.customer_a)


def test_history_records_who_enrolled(world, session_a):
    with time_machine.travel(datetime.datetime(2026, 11, 1, 9, tzinfo=datetime.UTC), tick=False):
        enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    assert enrollment.history.first().history_user == world.customer_a
