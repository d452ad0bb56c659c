"""Personal-data requests: the export holds everything about one person (and their
files), the anonymisation leaves nothing personal anywhere (history included) while
tickets and KPIs stay exactly as they were; both are audited and admin-only."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from accounts.models import User
from operations.models import PersonalDataRequest
from operations.personal_data import anonymise_person, export_person
from servicedesk.models import IdempotencyKey
from sla import kpis
from tests.factories import UserFactory
from tests.factories.tickets import InboundEmailFactory, VisitFactory, png_bytes
from tickets.models import Attachment, Ticket, Visit
from tickets.services import comment_add, ticket_create

FIRST, LAST = "Meilin", "Qiao"
EMAIL, PHONE, USERNAME = "meilin.qiao@org-a.example", "13912345678", "mqiao_7"
PERSONAL = [f"{FIRST} {LAST}", f"{LAST} {FIRST}", EMAIL, PHONE, USERNAME]


@pytest.fixture
def person(world, django_capture_on_commit_callbacks):
    """A customer with reports, a comment naming her, an attachment, a signature she
    gave, an e-mail she sent and an admin log entry."""
    her = UserFactory(
        username=USERNAME,
        first_name=FIRST,
        last_name=LAST,
        email=EMAIL,
        phone=PHONE,
        role=User.Role.CUSTOMER,
        organization=world.org_a,
    )
    with django_capture_on_commit_callbacks(execute=True):
        tickets = [
            ticket_create(
                actor=her,
                organization=world.org_a,
                site=world.site_a,
                title=f"Pump alarm {n}",
                description="Line 2 stopped",
                equipment=world.equipment_a,
                channel=Ticket.Channel.PORTAL,
            )
            for n in range(2)
        ]
        comment_add(
            ticket=tickets[0],
            author=world.dispatcher,
            body=f"Called {FIRST} {LAST} on {PHONE}; she confirmed.",
        )
    attachment = Attachment(
        ticket=tickets[0],
        uploaded_by=her,
        original_name="photo.png",
        content_type="image/png",
        size=10,
    )
    attachment.file.save("photo.png", ContentFile(png_bytes(color=(1, 2, 3))))
    visit = VisitFactory(
        ticket=tickets[1],
        engineer=world.engineer1,
        signer_name=f"{FIRST} {LAST}",
        signed_at=timezone.now(),
    )
    visit.signature.save("sig.png", ContentFile(png_bytes(color=(4, 5, 6))))
    inbound = InboundEmailFactory(
        sender=EMAIL, sender_name=f"{FIRST} {LAST}", body=f"Regards, {FIRST} {LAST}, tel {PHONE}"
    )
    inbound.raw.save("m1.eml", ContentFile(f"From: {EMAIL}\n\nRegards".encode()))
    LogEntry.objects.log_actions(
        world.admin.pk, [her], CHANGE, change_message="phone", single_object=True
    )
    return her


def _texts_anywhere(needles, ignore=()):
    """Every text and JSON value in every table (history too) holding one of `needles`
    (once the strings in `ignore`, a bystander's own, are taken out)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model._base_manager.values_list(*columns) if columns else []:
            text = json.dumps(row, default=str, ensure_ascii=False).lower()
            for other in ignore:
                text = text.replace(other.lower(), "")
            found += [(model._meta.label, n) for n in needles if n.lower() in text]
    return found


def _kpis(world):
    today = timezone.localdate()
    figures = kpis.dashboard(
        world.admin, kpis.filters_for(start=today - timedelta(days=30), end=today)
    )
    for row in figures["breaches_by_engineer"]:
        row.pop("name")  # an anonymised engineer's name is the one thing meant to change
    return json.loads(json.dumps(figures, default=str))


def test_export_holds_everything_about_the_person_and_their_files(person, world):
    archive = zipfile.ZipFile(io.BytesIO(export_person(user=person, actor=world.admin)))
    document = json.loads(archive.read("person.json"))
    assert document["person"]["email"] == EMAIL and "password" not in document["person"]
    records = document["records"]
    assert {r["number"] for r in records["tickets.ticket"]["reporter"]} == set(
        Ticket.objects.filter(reporter=person).values_list("number", flat=True)
    )
    assert len(records["tickets.historicalticket"]["reporter"]) >= 2
    assert records["tickets.visit"]["signer_name"][0]["signer_name"] == f"{FIRST} {LAST}"
    assert records["tickets.inboundemail"]["sender"][0]["body"].endswith(PHONE)
    files = {name for name in archive.namelist() if name.startswith("files/")}
    assert len(files) == 3  # her attachment, her signature, the message she sent
    signature = Visit.objects.get(signer_name=f"{FIRST} {LAST}").signature.name
    assert archive.read(f"files/{signature}") == default_storage.open(signature).read()
    audit = PersonalDataRequest.objects.get()
    assert (audit.kind, audit.subject, audit.actor) == ("export", person, world.admin)
    assert audit.summary["files"] == 3 and EMAIL not in json.dumps(audit.summary)


def test_an_export_masks_other_peoples_contact_details(person, world):
    """The engineer who had her sign: his export shows the visit, not her name."""
    archive = zipfile.ZipFile(io.BytesIO(export_person(user=world.engineer1, actor=world.admin)))
    document = json.loads(archive.read("person.json"))
    [visit] = document["records"]["tickets.visit"]["engineer"]
    assert visit["signer_name"] == "[someone else]"
    text = json.dumps(document, ensure_ascii=False)
    assert not [value for value in PERSONAL if value in text]
    assert not [name for name in archive.namelist() if name.startswith("files/")]


def test_anonymisation_leaves_nothing_personal_and_keeps_tickets_and_kpis(
    person, world, django_capture_on_commit_callbacks
):
    bystander = UserFactory(
        username="mqiao_77",
        first_name=FIRST,
        last_name=f"{LAST}zhi",
        email=f"x{EMAIL}",
        role=User.Role.CUSTOMER,
        organization=world.org_a,
    )
    assert _texts_anywhere(PERSONAL)  # the fixture really put them everywhere
    replayable = [
        IdempotencyKey.objects.create(
            user=who,
            key=f"k{n}",
            method="POST",
            path="/api/v1/x/",
            fingerprint="f",
            response_status=201,
            response_body=body,
        )
        for n, (who, body) in enumerate(
            [
                (person, b"{}"),
                (world.dispatcher, json.dumps({"contact_name": f"{FIRST} {LAST}"}).encode()),
                (world.dispatcher, b'{"title": "unrelated"}'),
            ]
        )
    ]
    tickets_before = list(
        Ticket.objects.order_by("pk").values("pk", "number", "status", "reporter", "reported_at")
    )
    events_before = Ticket.objects.get(pk=tickets_before[0]["pk"]).events.count()
    kpis_before = _kpis(world)
    signature = Visit.objects.get(signer_name=f"{FIRST} {LAST}").signature.name

    with django_capture_on_commit_callbacks(execute=True):
        audit = anonymise_person(user=person, actor=world.admin)

    assert _texts_anywhere(PERSONAL, ignore=["mqiao_77", f"x{EMAIL}"]) == []
    assert not default_storage.exists(signature)
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [replayable[2].pk]
    assert not any(InboundEmailFactory._meta.model.objects.values_list("raw", flat=True))
    visit = Visit.objects.get(ticket_id=tickets_before[1]["pk"])
    assert visit.signature.name == "" and visit.signed_at is not None
    assert (
        list(
            Ticket.objects.order_by("pk").values(
                "pk", "number", "status", "reporter", "reported_at"
            )
        )
        == tickets_before
    )
    assert Ticket.objects.get(pk=tickets_before[0]["pk"]).events.count() == events_before
    assert _kpis(world) == kpis_before
    person.refresh_from_db()
    assert not person.is_active and not person.has_usable_password()
    assert person.get_full_name() == f"Former user {person.pk}"
    bystander.refresh_from_db()
    assert (bystander.username, bystander.email, bystander.last_name) == (
        "mqiao_77",
        f"x{EMAIL}",
        f"{LAST}zhi",
    )
    assert (audit.kind, audit.subject_id, audit.actor) == ("anonymise", person.pk, world.admin)
    assert audit.summary["files_removed"] == 2  # her signature and the message she sent


def test_an_engineers_kpis_survive_anonymisation(world):
    engineer = world.engineer1
    engineer.first_name, engineer.last_name, engineer.phone = "Wen", "Jiaqi", "13700001111"
    engineer.save()
    ticket = Ticket.objects.create(
        number="FR-2026-900001",
        title="t",
        description="d",
        organization=world.org_a,
        site=world.site_a,
        assignee=engineer,
        reported_at=timezone.now(),
    )
    VisitFactory(ticket=ticket, engineer=engineer)
    before = _kpis(world)
    anonymise_person(user=engineer, actor=world.admin)
    assert _kpis(world) == before
    assert _texts_anywhere(["Wen Jiaqi", "13700001111", "engineer1@example.test"]) == []
    assert Visit.objects.filter(engineer=engineer).count() == 1


def _changelist(admin_client, action, ids, **extra):
    return admin_client.post(
        "/admin/accounts/user/", {"action": action, "_selected_action": ids, **extra}
    )


@pytest.fixture
def admin_client(client, world):
    world.admin.is_staff = True
    world.admin.save()
    client.force_login(world.admin)
    return client


def test_admin_exports_one_person_as_a_zip(admin_client, person):
    response = _changelist(admin_client, "export_personal_data", [person.pk])
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "person.json" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert PersonalDataRequest.objects.filter(kind="export", subject=person).count() == 1


def test_admin_anonymises_after_a_confirmation_page(admin_client, person):
    page = _changelist(admin_client, "anonymise_people", [person.pk])
    assert page.status_code == 200 and f"{FIRST} {LAST}" in page.content.decode()
    person.refresh_from_db()
    assert person.email == EMAIL  # nothing happens before the confirmation
    done = _changelist(admin_client, "anonymise_people", [person.pk], confirm="yes")
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.email.endswith("@anonymised.invalid")
    assert PersonalDataRequest.objects.filter(kind="anonymise", subject=person).count() == 1


def test_staff_who_are_not_administrators_cannot_handle_personal_data(client, world, person):
    manager = world.manager
    manager.is_staff = True
    manager.save()
    from django.contrib.auth.models import Permission

    manager.user_permissions.set(
        Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    client.force_login(manager)
    response = _changelist(client, "export_personal_data", [person.pk])
    assert response.status_code == 302
    response = _changelist(client, "anonymise_people", [person.pk], confirm="yes")
    person.refresh_from_db()
    assert person.email == EMAIL and not PersonalDataRequest.objects.exists()
    assert ContentType.objects.get_for_model(PersonalDataRequest)


def test_the_shell_command_answers_both_requests(person, world, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    target = tmp_path / "export.zip"
    call_command("personal_data", "export", USERNAME, by="admin", output=target)
    assert "person.json" in zipfile.ZipFile(target).namelist()
    with pytest.raises(CommandError):
        call_command("personal_data", "anonymise", USERNAME, by="dispatcher")
    call_command("personal_data", "anonymise", USERNAME, by="admin")
    person.refresh_from_db()
    assert not person.is_active and person.email.endswith("@anonymised.invalid")
    assert PersonalDataRequest.objects.filter(subject=person).count() == 2
