"""Personal-data requests (China's PIPL): hand a person everything the desk holds about
them, or anonymise a person who left while keeping tickets, history and KPIs whole.

"Everything about a person" is found generically, so that apps added later are covered
without a change here: every row of every model (history tables included) that points
at the person through a foreign key, and every row holding their e-mail address in an
e-mail field. Files come from what they uploaded, signatures they gave, and messages
they sent."""

import io
import json
import re
import zipfile
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from tickets import search
from tickets.models import Ticket

from .models import PersonalDataRequest

# Files a person made: (model, the foreign key to the person, the file field).
AUTHORED_FILES = [
    ("tickets.Attachment", "uploaded_by", "file"),
    ("inspections.InspectionResult", "recorded_by", "photo"),
    ("training.CourseMaterial", "uploaded_by", "file"),
]
SIGNATURES = ("tickets.Visit", "signer_name", "signature")
NEVER_EXPORTED = {"password"}
SHORTEST_REPLACED = 4  # shorter strings (a given name alone) would hit unrelated text
# Columns that hold someone's contact details: in an export, other people's are masked.
CONTACT_COLUMN = re.compile(
    r"contact|phone|mobile|e_?mail|sender|signer|holder|^first_name$|^last_name$|^username$"
)
MASKED = "[someone else]"


@dataclass
class Person:
    user: models.Model
    names: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, user):
        first, last = user.first_name.strip(), user.last_name.strip()
        names = {user.get_full_name().strip()}
        if first and last:
            names |= {f"{last} {first}", f"{last}{first}"}
        contacts = [v.strip() for v in (user.email, user.email.lower(), user.phone)]
        # A user name that is a plain word ("manager") is left in free text.
        if not user.username.isalpha():
            contacts.append(user.username)
        contacts = list(dict.fromkeys(v for v in contacts if len(v) >= SHORTEST_REPLACED))
        # Longest first, so that a name inside an e-mail address is not replaced first.
        names = sorted({n for n in names if _distinctive(n)}, key=len, reverse=True)
        return cls(user, names=names, contacts=contacts)

    def mentioned_in(self, text: str) -> bool:
        return any(value.lower() in text.lower() for value in self.strings)

    @property
    def strings(self) -> list[str]:
        return sorted(set(self.names) | set(self.contacts), key=len, reverse=True)


def _distinctive(name: str) -> bool:
    """Long enough to replace wherever it stands: a Latin given name alone ("Li") is
    not, a Chinese full name of two characters ("张伟") is."""
    has_cjk = any("\u4e00" <= char <= "\u9fff" for char in name)
    return len(name) >= SHORTEST_REPLACED or (has_cjk and len(name) >= 2)


def _user_links():
    """(model, foreign key name) for every foreign key to the user model, history too."""
    user_model = get_user_model()
    for model in apps.get_models(include_auto_created=True):
        for fk in model._meta.concrete_fields:
            if fk.is_relation and fk.related_model is user_model:
                yield model, fk.name


def _email_links():
    for model in apps.get_models():
        for column in model._meta.concrete_fields:
            if isinstance(column, models.EmailField):
                yield model, column.name


def _signed_visits(person: Person):
    try:
        visit = apps.get_model(SIGNATURES[0])
    except LookupError:
        return []
    if not person.names:
        return visit.objects.none()
    match = Q()
    for name in person.names:
        match |= Q(signer_name__iexact=name)
    return visit.objects.filter(match).exclude(**{SIGNATURES[2]: ""})


def _mask_others(rows, person: Person):
    """Rows the person worked on can name other people in contact columns (a ticket's
    caller, a visit's signer): those values are masked unless they are the person's."""
    for row in rows:
        for key, value in row.items():
            if (
                isinstance(value, str)
                and value
                and CONTACT_COLUMN.search(key)
                and not person.mentioned_in(value)
            ):
                row[key] = MASKED
    return rows


def _rows(queryset):
    skip = {
        f.attname
        for f in queryset.model._meta.concrete_fields
        if f.name in NEVER_EXPORTED or isinstance(f, models.BinaryField)
    }
    names = [f.attname for f in queryset.model._meta.concrete_fields if f.attname not in skip]
    return list(queryset.order_by("pk").values(*names))


def collect(user) -> dict:
    """Everything held about `user`, as one JSON-ready document."""
    person = Person.of(user)
    records: dict[str, dict[str, list]] = {}
    for model, fk in _user_links():
        rows = _mask_others(_rows(model._default_manager.filter(**{fk: user})), person)
        if rows:
            records.setdefault(model._meta.label_lower, {})[fk] = rows
    for model, column in _email_links():
        if user.email and model is not type(user):
            rows = _rows(model._default_manager.filter(**{f"{column}__iexact": user.email}))
            if rows:
                records.setdefault(model._meta.label_lower, {})[column] = rows
    signed = _rows(_signed_visits(person)) if person.names else []
    if signed:
        records.setdefault(SIGNATURES[0].lower(), {})["signer_name"] = signed
    return {
        "generated_at": timezone.now().isoformat(),
        "person": _rows(type(user)._default_manager.filter(pk=user.pk))[0],
        "records": records,
    }


def _files(user, person: Person) -> list[str]:
    paths = []
    for label, fk, column in AUTHORED_FILES:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        paths += model._default_manager.filter(**{fk: user}).values_list(column, flat=True)
    paths += _signed_visits(person).values_list(SIGNATURES[2], flat=True)
    paths += [
        path for model, column in _email_links() for path in _email_row_files(model, column, user)
    ]
    return sorted({p for p in paths if p})


def _email_row_files(model, column, user):
    file_fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    if not user.email or not file_fields or model is type(user):
        return []
    rows = model._default_manager.filter(**{f"{column}__iexact": user.email})
    return [path for row in rows.values_list(*file_fields) for path in row]


def export_person(*, user, actor) -> bytes:
    """A zip of `person.json` and the person's files; the export is audited."""
    person = Person.of(user)
    document = collect(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "person.json", json.dumps(document, default=str, ensure_ascii=False, indent=1)
        )
        files = [path for path in _files(user, person) if default_storage.exists(path)]
        for path in files:
            with default_storage.open(path, "rb") as handle:
                archive.writestr(f"files/{path}", handle.read())
    PersonalDataRequest.objects.create(
        kind=PersonalDataRequest.Kind.EXPORT,
        subject=user,
        actor=actor,
        summary={"tables": len(document["records"]), "files": len(files)},
    )
    return buffer.getvalue()


# --- anonymisation -----------------------------------------------------------------


def _text_columns(model):
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and not f.primary_key
    ]


def _json_columns(model):
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]


def _pattern(old: str) -> re.Pattern:
    """`old` standing alone: not inside a longer Latin word, number or address (so that
    "Li Wei" leaves "Li Weiming" and a@x.cn leaves aa@x.cn alone)."""
    return re.compile(rf"(?<![A-Za-z0-9._%+-]){re.escape(old)}(?![A-Za-z0-9_-])")


def _replace_in(value, replacements):
    if isinstance(value, str):
        for pattern, new in replacements:
            value = pattern.sub(new, value)
        return value
    if isinstance(value, list):
        return [_replace_in(item, replacements) for item in value]
    if isinstance(value, dict):
        return {key: _replace_in(item, replacements) for key, item in value.items()}
    return value


def _candidates(manager, column, olds, as_text=False):
    """Rows whose column contains one of the strings (JSON compared as its text, where
    SQLite keeps non-ASCII characters as \\u escapes)."""
    if as_text:
        manager = manager.annotate(_text=Cast(column, TextField()))
        lookups = {"_text__contains": {*olds, *(json.dumps(o)[1:-1] for o in olds)}}
    else:
        lookups = {f"{column}__contains": set(olds)}
    match = Q()
    for lookup, values in lookups.items():
        for value in values:
            match |= Q(**{lookup: value})
    return manager.filter(match).values_list("pk", column)


def _replace_everywhere(replacements: list[tuple[str, str]], skip: set) -> int:
    """Replaces each personal string in every text and JSON column of every table,
    history included, except the tables in `skip` (done field by field)."""
    olds = [old for old, _new in replacements]
    compiled = [(_pattern(old), new) for old, new in replacements]
    changed = 0
    for model in apps.get_models():
        if model in skip:
            continue
        manager = model._base_manager
        columns = [(c, False) for c in _text_columns(model)] + [
            (c, True) for c in _json_columns(model)
        ]
        for column, as_text in columns:
            for pk, value in _candidates(manager, column, olds, as_text):
                new_value = _replace_in(value, compiled)
                if new_value != value:
                    manager.filter(pk=pk).update(**{column: new_value})
                    changed += 1
    return changed


def _drop_files(querysets_and_columns) -> list[str]:
    paths = []
    for queryset, column in querysets_and_columns:
        paths += [p for p in queryset.values_list(column, flat=True) if p]
        queryset.update(**{column: ""})
    return paths


def _history_of(model):
    history = getattr(model, "history", None)
    return getattr(history, "model", None)


def anonymise_person(*, user, actor) -> PersonalDataRequest:
    """Replaces the person's name, e-mail, phone and user name everywhere, removes the
    signatures they gave and the messages they sent as files, and locks the account.
    Tickets, visits, clocks, history rows and every date stay, so KPIs do not move."""
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.select_for_update().get(pk=user.pk)
        person = Person.of(user)
        alias = f"Former user {user.pk}"
        email = f"former-user-{user.pk}@anonymised.invalid"
        removed = _drop_files(_signature_sources(person) + _email_file_sources(user))
        replacements = [(name, alias) for name in person.names]
        replacements += [(value, email if "@" in value else alias) for value in person.contacts]
        replacements.sort(key=lambda pair: len(pair[0]), reverse=True)
        user_tables = {user_model, _history_of(user_model)}
        changed = _replace_everywhere(replacements, skip=user_tables)
        _reindex_tickets(person)
        _forget_in_admin_log(user, alias)
        _forget_stored_responses(user, person)
        values = {
            "first_name": "Former user",
            "last_name": str(user.pk),
            "email": email,
            "phone": "",
            "username": f"former-user-{user.pk}",
        }
        history = _history_of(user_model)
        if history is not None:
            history.objects.filter(id=user.pk).update(**values)
        for name, value in values.items():
            setattr(user, name, value)
        user.set_unusable_password()
        user.is_active = user.is_staff = user.is_superuser = False
        user.save()
        audit = PersonalDataRequest.objects.create(
            kind=PersonalDataRequest.Kind.ANONYMISE,
            subject=user,
            actor=actor,
            summary={"values_replaced": changed, "files_removed": len(set(removed))},
        )
        transaction.on_commit(lambda: [default_storage.delete(path) for path in removed])
    return audit


def _reindex_tickets(person: Person) -> None:
    """The ticket search document keeps words lower-cased and Chinese as pairs
    (tickets.search), so the plain replacement above misses it: rebuild it wherever one
    of the person's values stood."""
    match = Q()
    for value in person.strings:
        document = search.document(value)
        if document:
            match |= Q(search_document__contains=document)
    if not match:
        return
    for ticket in Ticket.objects.filter(match):
        comments = ticket.comments.filter(internal=False).order_by("created_at", "id")
        bodies = comments.values_list("body", flat=True)
        ticket.search_document = search.document(ticket.title, ticket.description, *bodies)
        ticket.save(update_fields=["search_document"])


def _forget_in_admin_log(user, alias):
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)
    ).update(object_repr=alias)


def _forget_stored_responses(user, person: Person):
    """Replayable API responses (kept a day for Idempotency-Key) are bytes the text pass
    cannot rewrite: the person's own go, and any other that mentions them."""
    from servicedesk.models import IdempotencyKey

    IdempotencyKey.objects.filter(user=user).delete()
    needles = [v.encode() for v in person.strings] + [
        json.dumps(v)[1:-1].encode() for v in person.strings
    ]
    mentioning = [
        pk
        for pk, body in IdempotencyKey.objects.values_list("pk", "response_body").iterator()
        if any(needle in bytes(body) for needle in needles)
    ]
    IdempotencyKey.objects.filter(pk__in=mentioning).delete()


def _signature_sources(person: Person):
    visits = _signed_visits(person)
    if not visits:
        return []
    sources = [(visits, SIGNATURES[2])]
    history = _history_of(visits.model)
    if history is not None:
        ids = list(visits.values_list("pk", flat=True))
        sources.append((history.objects.filter(id__in=ids).exclude(signature=""), SIGNATURES[2]))
    return sources


def _email_file_sources(user):
    sources = []
    for model, column in _email_links():
        if model is type(user) or not user.email:
            continue
        rows = model._base_manager.filter(**{f"{column}__iexact": user.email})
        sources += [
            (rows, f.name) for f in model._meta.concrete_fields if isinstance(f, models.FileField)
        ]
    return sources
