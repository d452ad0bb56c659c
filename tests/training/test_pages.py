"""The web pages use the same scope and services: catalogue, session with enrolment,
attendance sheet (htmx), the customer's trainings, obligations, public verification."""

import datetime

import pytest
from django.urls import reverse

from tests.factories.training import SessionFactory
from training import services
from training.models import Certificate, Enrollment

from .conftest import enrol

pytestmark = pytest.mark.django_db


def _passed(world, session, trainee, after_start):
    enrollment = enrol(session, trainee, world.customer_a)
    with after_start(session):
        services.record_attendance(
            enrollment=enrollment, actor=session.trainer, attended=True, score=88, passed=True
        )
    return Certificate.objects.get(enrollment=enrollment)


def test_catalogue_lists_courses_and_visible_sessions(client, world, session_a, open_session):
    session_b = SessionFactory(organization=world.org_b, trainer=world.engineer2)
    client.force_login(world.customer_a)
    page = client.get(reverse("training:catalogue")).content.decode()
    assert session_a.course.title in page and open_session.course.title in page
    assert reverse("training:session", args=[session_b.pk]) not in page
    assert client.get(reverse("training:session", args=[session_b.pk])).status_code == 404


def test_customer_admin_enrols_a_colleague_through_the_page(client, world, session_a):
    client.force_login(world.customer_a)
    page = client.get(reverse("training:session", args=[session_a.pk])).content.decode()
    assert (
        f'value="{world.customer_a2.pk}"' in page and f'value="{world.customer_b.pk}"' not in page
    )
    response = client.post(
        reverse("training:enroll", args=[session_a.pk]), {"trainee": world.customer_a2.pk}
    )
    assert response.status_code == 302
    assert Enrollment.objects.get(session=session_a).trainee == world.customer_a2


def test_enrolling_another_organisations_user_through_the_page_writes_nothing(
    client, world, open_session
):
    client.force_login(world.customer_a)
    response = client.post(
        reverse("training:enroll", args=[open_session.pk]),
        {"trainee": world.customer_b.pk},
        follow=True,
    )
    assert not Enrollment.objects.exists()
    assert "Choose a user of your organisation." in response.content.decode()


def test_attendance_sheet_saves_a_row_over_htmx(client, world, session_a, after_start):
    enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    client.force_login(world.engineer1)
    with after_start(session_a):
        assert client.get(reverse("training:attendance", args=[session_a.pk])).status_code == 200
        response = client.post(
            reverse("training:attendance_save", args=[enrollment.pk]),
            {"attended": "on", "score": "77", "passed": "on"},
            HTTP_HX_REQUEST="true",
        )
    html = response.content.decode()
    assert (
        response.status_code == 200
        and html.lstrip().startswith("<tr")
        and 'data-testid="row-saved"' in html
    )
    assert reverse("training:certificate_pdf", args=[enrollment.pk]) in html
    enrollment.refresh_from_db()
    assert enrollment.passed and enrollment.score == 77


def test_attendance_errors_show_in_the_row(client, world, session_a):
    enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    client.force_login(world.engineer1)
    response = client.post(
        reverse("training:attendance_save", args=[enrollment.pk]),
        {"attended": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert 'data-testid="row-error"' in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.recorded_at is None


def test_only_the_trainer_or_dispatch_open_the_attendance_sheet(client, world, session_a):
    client.force_login(world.engineer2)
    assert client.get(reverse("training:attendance", args=[session_a.pk])).status_code == 403
    client.force_login(world.customer_a)
    assert client.get(reverse("training:attendance", args=[session_a.pk])).status_code == 403
    client.force_login(world.dispatcher)
    assert client.get(reverse("training:attendance", args=[session_a.pk])).status_code == 200


def test_my_trainings_lists_the_organisations_certificates_only(
    client, world, session_a, open_session, after_start
):
    _passed(world, session_a, world.customer_a2, after_start)
    other = enrol(open_session, world.customer_b)
    client.force_login(world.customer_a)
    page = client.get(reverse("training:my")).content.decode()
    assert session_a.course.title in page and 'data-testid="certificate"' in page
    assert open_session.course.title not in page
    client.force_login(world.customer_b)
    assert (
        client.get(
            reverse(
                "training:certificate_pdf",
                args=[Enrollment.objects.get(trainee=world.customer_a2).pk],
            )
        ).status_code
        == 404
    )
    assert (
        reverse("training:certificate_pdf", args=[other.pk])
        not in client.get(reverse("training:my")).content.decode()
    )


def test_certificate_download_from_the_page(client, world, session_a, after_start):
    certificate = _passed(world, session_a, world.customer_a2, after_start)
    client.force_login(world.customer_a2)
    response = client.get(reverse("training:certificate_pdf", args=[certificate.enrollment_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")


def test_obligations_page_for_managers_only(client, world):
    world.contract_a.delivery_date = datetime.date(2026, 11, 10)
    world.contract_a.save()
    services.obligation_sync_for_contract(contract=world.contract_a)
    client.force_login(world.manager)
    page = client.get(reverse("training:obligations")).content.decode()
    assert "2026-12-10" in page and world.contract_a.number in page
    client.force_login(world.customer_a)
    assert client.get(reverse("training:obligations")).status_code == 403
    client.force_login(world.engineer1)
    assert client.get(reverse("training:obligations")).status_code == 403


def test_verification_page_is_public_and_shows_only_name_course_and_date(
    client, world, session_a, after_start
):
    world.customer_a2.first_name, world.customer_a2.last_name = "小明", "王"
    world.customer_a2.email = "xiaoming@example.test"
    world.customer_a2.save()
    certificate = _passed(world, session_a, world.customer_a2, after_start)
    response = client.get(reverse("training:verify", args=[certificate.code]))
    assert response.status_code == 200
    html = response.content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "小明 王" in main and session_a.course.title in main
    assert certificate.completed_on.isoformat() in main
    assert "88.0" not in main and "Score" not in main  # no assessment
    for secret in (
        world.customer_a2.username,
        "xiaoming@example.test",
        world.org_a.name,
        str(world.engineer1),
        session_a.place,
    ):
        assert secret not in html, secret
    assert client.get(reverse("training:verify", args=["not-a-real-code"])).status_code == 404


def test_pages_need_a_login_except_verification(client, world, session_a):
    for name, args in (
        ("training:catalogue", []),
        ("training:my", []),
        ("training:session", [session_a.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 302
