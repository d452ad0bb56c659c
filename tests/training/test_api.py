"""Training over the API: scope (404 out of scope), roles (403), bad input (400,
nothing written), enrolment, attendance, certificate PDF, fixed query counts."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import UserFactory
from tests.factories.documents import pdf_bytes
from tests.factories.training import SessionFactory
from training import services
from training.models import Enrollment, Session, TrainingObligation

from .conftest import enrol

pytestmark = pytest.mark.django_db
API = "/api/v1/training"


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _passed(world, session, trainee, after_start, enrolled_by=None):
    enrollment = enrol(session, trainee, enrolled_by or world.customer_a)
    with after_start(session):
        services.record_attendance(
            enrollment=enrollment, actor=session.trainer, attended=True, score=90, passed=True
        )
    return enrollment


# --- scope ---------------------------------------------------------------------------
def test_customer_b_gets_404_on_org_a_enrolments_certificates_and_sessions(
    api, world, session_a, after_start
):
    enrollment = _passed(world, session_a, world.customer_a2, after_start)
    client = api.as_user(world.customer_b)
    for url in (
        f"{API}/enrollments/{enrollment.pk}/",
        f"{API}/enrollments/{enrollment.pk}/certificate.pdf",
        f"{API}/sessions/{session_a.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{API}/enrollments/{enrollment.pk}/cancel/").status_code == 404
    assert (
        client.post(
            f"{API}/enrollments/{enrollment.pk}/attendance/", {"attended": True}
        ).status_code
        == 404
    )
    assert client.get(f"{API}/enrollments/").json()["results"] == []


def test_customer_b_gets_404_on_org_a_obligations(api, world):
    world.contract_a.delivery_date = datetime.date(2026, 11, 10)
    world.contract_a.save()
    obligation = services.obligation_sync_for_contract(contract=world.contract_a)
    client = api.as_user(world.customer_b)
    assert client.get(f"{API}/obligations/{obligation.pk}/").status_code == 404
    assert client.get(f"{API}/obligations/").json()["results"] == []
    mine = api.as_user(world.customer_a).get(f"{API}/obligations/{obligation.pk}/").json()
    assert mine["due_on"] == "2026-12-10" and mine["status"] == "open"


def test_sessions_visible_to_a_customer_are_the_open_ones_and_their_own(
    api, world, session_a, open_session
):
    session_b = SessionFactory(organization=world.org_b, trainer=world.engineer2)
    ids = {
        row["id"] for row in api.as_user(world.customer_a).get(f"{API}/sessions/").json()["results"]
    }
    assert ids == {session_a.pk, open_session.pk}
    assert session_b.pk not in ids
    staff = {
        row["id"] for row in api.as_user(world.dispatcher).get(f"{API}/sessions/").json()["results"]
    }
    assert staff == {session_a.pk, open_session.pk, session_b.pk}


def test_a_plain_customer_sees_only_their_own_enrolments(api, world, session_a):
    own = enrol(session_a, world.customer_a2, world.customer_a)
    colleague = enrol(session_a, world.customer_a)
    ids = {
        row["id"]
        for row in api.as_user(world.customer_a2).get(f"{API}/enrollments/").json()["results"]
    }
    assert ids == {own.pk}
    assert (
        api.as_user(world.customer_a2).get(f"{API}/enrollments/{colleague.pk}/").status_code == 404
    )
    admin_ids = {
        row["id"]
        for row in api.as_user(world.customer_a).get(f"{API}/enrollments/").json()["results"]
    }
    assert admin_ids == {own.pk, colleague.pk}


# --- enrolment -------------------------------------------------------------------------
def test_customer_admin_enrols_a_colleague(api, world, session_a):
    response = api.as_user(world.customer_a).post(
        f"{API}/enrollments/", {"session": session_a.pk, "trainee": world.customer_a2.pk}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["trainee"] == world.customer_a2.pk
        and body["status"] == "enrolled"
        and body["certificate"] is None
    )
    assert (
        api.as_user(world.customer_a)
        .get(f"{API}/sessions/{session_a.pk}/")
        .json()["enrolled_count"]
        == 1
    )


def test_a_customer_admin_cannot_enrol_another_organisations_user(api, world, open_session):
    response = api.as_user(world.customer_a).post(
        f"{API}/enrollments/", {"session": open_session.pk, "trainee": world.customer_b.pk}
    )
    assert response.status_code == 400 and "trainee" in response.json()
    assert (
        not Enrollment.objects.exists()
        and Session.objects.get(pk=open_session.pk).enrolled_count == 0
    )


def test_a_dispatcher_enrolling_org_b_in_org_a_session_is_400_on_trainee(api, world, session_a):
    response = api.as_user(world.dispatcher).post(
        f"{API}/enrollments/", {"session": session_a.pk, "trainee": world.customer_b.pk}
    )
    assert response.status_code == 400 and list(response.json()) == ["trainee"]


def test_enrolling_in_another_organisations_session_is_400_on_session(api, world):
    session_b = SessionFactory(organization=world.org_b, trainer=world.engineer2)
    response = api.as_user(world.customer_a).post(f"{API}/enrollments/", {"session": session_b.pk})
    assert response.status_code == 400 and "session" in response.json()


def test_a_customer_without_trainee_enrols_themselves(api, world, open_session):
    response = api.as_user(world.customer_a2).post(
        f"{API}/enrollments/", {"session": open_session.pk}
    )
    assert response.status_code == 201 and response.json()["trainee"] == world.customer_a2.pk


def test_a_full_session_answers_409(api, world, operational):
    session = SessionFactory(
        course=operational, organization=world.org_a, trainer=world.engineer1, capacity=1
    )
    enrol(session, world.customer_a)
    response = api.as_user(world.customer_a).post(
        f"{API}/enrollments/", {"session": session.pk, "trainee": world.customer_a2.pk}
    )
    assert response.status_code == 409 and response.json()["code"] == "session_full"
    assert Enrollment.objects.count() == 1


@pytest.mark.parametrize("body", [{}, {"session": "x"}, {"session": 999999}])
def test_bad_enrolment_input_is_400(api, world, body):
    response = api.as_user(world.customer_a).post(f"{API}/enrollments/", body)
    assert response.status_code == 400 and "session" in response.json()
    assert not Enrollment.objects.exists()


def test_engineers_may_not_enrol(api, world, open_session):
    response = api.as_user(world.engineer1).post(
        f"{API}/enrollments/", {"session": open_session.pk, "trainee": world.customer_a.pk}
    )
    assert response.status_code == 403


def test_cancel_frees_the_place(api, world, session_a):
    enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    response = api.as_user(world.customer_a).post(f"{API}/enrollments/{enrollment.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert Session.objects.get(pk=session_a.pk).enrolled_count == 0
    assert (
        api.as_user(world.customer_a).post(f"{API}/enrollments/{enrollment.pk}/cancel/").status_code
        == 409
    )


# --- attendance and certificate ------------------------------------------------------
def test_trainer_records_attendance_and_the_certificate_pdf_holds_the_chinese_name(
    api, world, session_a, after_start
):
    world.customer_a2.first_name, world.customer_a2.last_name = "小明", "王"
    world.customer_a2.save()
    enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    with after_start(session_a):
        response = api.as_user(world.engineer1).post(
            f"{API}/enrollments/{enrollment.pk}/attendance/",
            {"attended": True, "score": "92.5", "passed": True},
            format="json",
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["passed"] is True and body["score"] == "92.5" and body["certificate"]["code"]
    pdf = api.as_user(world.customer_a).get(f"{API}/enrollments/{enrollment.pk}/certificate.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "小明" in text and "王" in text and session_a.course.title in text
    assert body["certificate"]["code"] in text


def test_certificate_pdf_before_a_pass_is_404(api, world, session_a):
    enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    assert (
        api.as_user(world.customer_a)
        .get(f"{API}/enrollments/{enrollment.pk}/certificate.pdf")
        .status_code
        == 404
    )


def test_attendance_roles_and_bad_input(api, world, session_a, after_start):
    enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    url = f"{API}/enrollments/{enrollment.pk}/attendance/"
    with after_start(session_a):
        assert api.as_user(world.customer_a).post(url, {"attended": True}).status_code == 403
        assert api.as_user(world.engineer2).post(url, {"attended": True}).status_code == 403
        bad = api.as_user(world.engineer1).post(
            url, {"attended": False, "passed": True}, format="json"
        )
        assert bad.status_code == 400 and "passed" in bad.json()
        bad = api.as_user(world.engineer1).post(
            url, {"attended": True, "score": 150}, format="json"
        )
        assert bad.status_code == 400 and "score" in bad.json()
        assert api.as_user(world.engineer1).post(url, {}, format="json").status_code == 400
    enrollment.refresh_from_db()
    assert enrollment.recorded_at is None


def test_attendance_before_the_start_is_409(api, world, session_a):
    enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    response = api.as_user(world.engineer1).post(
        f"{API}/enrollments/{enrollment.pk}/attendance/", {"attended": True}, format="json"
    )
    assert response.status_code == 409


# --- courses, sessions, obligations: roles and validation ---------------------------------
def test_courses_are_written_by_managers_only(api, world, operational):
    body = {"kind": "advanced", "title": "New course", "duration_hours": "8"}
    assert api.as_user(world.dispatcher).post(f"{API}/courses/", body).status_code == 403
    assert (
        api.as_user(world.customer_a)
        .patch(f"{API}/courses/{operational.pk}/", {"title": "x"})
        .status_code
        == 403
    )
    response = api.as_user(world.manager).post(f"{API}/courses/", body)
    assert response.status_code == 201 and response.json()["kind"] == "advanced"
    bad = api.as_user(world.manager).post(
        f"{API}/courses/", {"kind": "nope", "title": "", "duration_hours": "x"}
    )
    assert bad.status_code == 400 and {"kind", "title", "duration_hours"} <= set(bad.json())


def test_course_material_upload_and_download(api, world, operational):
    client = api.as_user(world.manager)
    upload = SimpleUploadedFile("manual.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(
        f"{API}/courses/{operational.pk}/materials/",
        {"file": upload, "title": "Manual"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    url = response.json()["url"]
    download = api.as_user(world.customer_b).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf_bytes()
    bad = api.as_user(world.manager).post(
        f"{API}/courses/{operational.pk}/materials/",
        {"file": SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload")},
        format="multipart",
    )
    assert bad.status_code == 400 and "file" in bad.json()
    assert (
        api.as_user(world.dispatcher)
        .post(f"{API}/courses/{operational.pk}/materials/", {"file": upload}, format="multipart")
        .status_code
        == 403
    )


def test_session_create_and_validation(api, world, operational):
    start = timezone.now() + datetime.timedelta(days=3)
    body = {
        "course": operational.pk,
        "organization": world.org_a.pk,
        "trainer": world.engineer1.pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + datetime.timedelta(hours=2)).isoformat(),
        "place": "Room 2",
        "capacity": 8,
    }
    assert (
        api.as_user(world.engineer1).post(f"{API}/sessions/", body, format="json").status_code
        == 403
    )
    created = api.as_user(world.dispatcher).post(f"{API}/sessions/", body, format="json")
    assert created.status_code == 201, created.content
    bad = api.as_user(world.dispatcher).post(
        f"{API}/sessions/",
        {**body, "ends_at": start.isoformat(), "place": "", "trainer": world.customer_a.pk},
        format="json",
    )
    assert bad.status_code == 400 and {"trainer"} <= set(bad.json())
    bad = api.as_user(world.dispatcher).post(
        f"{API}/sessions/", {**body, "ends_at": start.isoformat()}, format="json"
    )
    assert bad.status_code == 400 and "ends_at" in bad.json()
    bad = api.as_user(world.dispatcher).post(
        f"{API}/sessions/", {**body, "place": ""}, format="json"
    )
    assert bad.status_code == 400 and "place" in bad.json()
    assert Session.objects.count() == 1


def test_capacity_cannot_drop_below_the_enrolled(api, world, session_a):
    enrol(session_a, world.customer_a)
    enrol(session_a, world.customer_a2)
    response = api.as_user(world.dispatcher).patch(
        f"{API}/sessions/{session_a.pk}/", {"capacity": 1}
    )
    assert response.status_code == 400 and "capacity" in response.json()
    assert Session.objects.get(pk=session_a.pk).capacity == 10


def test_obligations_are_read_by_dispatch_and_customers_not_engineers(api, world):
    assert api.as_user(world.engineer1).get(f"{API}/obligations/").status_code == 403
    assert api.as_user(world.manager).get(f"{API}/obligations/").status_code == 200
    world.contract_a.delivery_date = datetime.date(2026, 11, 10)
    world.contract_a.save()
    obligation = services.obligation_sync_for_contract(contract=world.contract_a)
    assert api.as_user(world.manager).post(f"{API}/obligations/", {}).status_code in (403, 405)
    assert TrainingObligation.objects.count() == 1
    assert (
        api.as_user(world.engineer1).get(f"{API}/obligations/{obligation.pk}/").status_code == 403
    )


def test_updated_after_on_every_collection(api, world, session_a, after_start):
    _passed(world, session_a, world.customer_a2, after_start)
    world.contract_a.delivery_date = datetime.date(2026, 11, 10)
    world.contract_a.save()
    services.obligation_sync_for_contract(contract=world.contract_a)
    client = api.as_user(world.admin)
    later = (timezone.now() + datetime.timedelta(days=30)).isoformat()
    earlier = (timezone.now() - datetime.timedelta(days=30)).isoformat()
    for name in ("courses", "sessions", "enrollments", "obligations"):
        assert client.get(f"{API}/{name}/", {"updated_after": earlier}).json()["results"], name
        assert client.get(f"{API}/{name}/", {"updated_after": later}).json()["results"] == [], name
        assert client.get(f"{API}/{name}/", {"updated_after": "yesterday"}).status_code == 400, name


# --- fixed query counts ----------------------------------------------------------------
def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": 200})
    assert response.status_code == 200
    return len(captured), len(response.json()["results"])


def _grow(world, operational, count, after_start):
    """`count` more sessions with a passing enrolment, a certificate and an obligation each."""
    from tests.factories import OrganizationFactory, ServiceContractFactory, SiteFactory
    from tests.factories.training import CourseFactory

    for _ in range(count):
        course = CourseFactory()
        session = SessionFactory(course=course, organization=None, trainer=world.engineer1)
        trainee = UserFactory(role="customer", organization=world.org_a)
        _passed(world, session, trainee, after_start, enrolled_by=world.dispatcher)
        organization = OrganizationFactory()
        contract = ServiceContractFactory(
            organization=organization,
            delivery_date=datetime.date(2026, 11, 10),
            sites=[SiteFactory(organization=organization, service_center=world.local)],
        )
        services.obligation_sync_for_contract(contract=contract)
        services.material_add(
            course=course,
            actor=world.manager,
            file=SimpleUploadedFile("m.pdf", pdf_bytes(), content_type="application/pdf"),
        )


@pytest.mark.parametrize(
    ("user", "name", "expected"),
    [
        # count, page; courses +1 materials prefetch; the dispatcher's scope adds its centres
        # (cached per user)
        ("admin", "courses", 3),
        ("admin", "sessions", 2),
        ("admin", "enrollments", 2),
        ("admin", "obligations", 2),
        ("customer_a", "enrollments", 2),
        ("dispatcher", "enrollments", 2),
        ("dispatcher", "obligations", 2),
    ],
)
def test_list_endpoints_run_a_fixed_number_of_queries(
    api, world, operational, after_start, user, name, expected
):
    client = api.as_user(getattr(world, user))
    _grow(world, operational, 2, after_start)
    client.get(f"{API}/{name}/")  # warms the user's cached centre ids
    few, rows_few = _queries(client, f"{API}/{name}/")
    _grow(world, operational, 4, after_start)
    many, rows_many = _queries(client, f"{API}/{name}/")
    assert rows_many > rows_few >= 2
    assert few == many == expected


def test_the_verification_code_reads_back_from_the_pdf_whatever_its_letters(
    world, session_a, after_start
):
    enrollment = _passed(world, session_a, world.customer_a2, after_start)
    certificate = enrollment.certificate
    for code in ("fiffl-Tfl_office_AVfi", "Wafflefi0-_ffi9ZZ"):  # ligature-prone letters
        certificate.code = code
        assert code in _pdf_text(services.render_certificate(certificate)).replace(" ", "")


@pytest.mark.parametrize(
    "language, title", [("zh-hans", "结业证书"), ("en", "Certificate of completion")]
)
def test_the_certificate_pdf_is_in_the_readers_language(
    api, world, session_a, after_start, client, language, title
):
    enrollment = enrol(session_a, world.customer_a2, world.customer_a)
    with after_start(session_a):
        api.as_user(world.engineer1).post(
            f"{API}/enrollments/{enrollment.pk}/attendance/",
            {"attended": True, "score": "92.5", "passed": True},
            format="json",
        )
    world.customer_a.language = language
    world.customer_a.save(update_fields=["language"])
    other = "en" if language != "en" else "zh-hans"
    pdf = api.as_user(world.customer_a).get(
        f"{API}/enrollments/{enrollment.pk}/certificate.pdf", HTTP_ACCEPT_LANGUAGE=other
    )
    assert title in _pdf_text(pdf.content)
    client.force_login(world.customer_a)
    page = client.get(
        f"/training/enrollments/{enrollment.pk}/certificate.pdf", HTTP_ACCEPT_LANGUAGE=other
    )
    assert page.status_code == 200 and title in _pdf_text(
        b"".join(page) if page.streaming else page.content
    )
