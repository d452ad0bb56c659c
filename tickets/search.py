"""Ticket search: an exact number through the unique index, words through a full-text
index on `Ticket.search_document`.

The document holds the title, the symptom and the customer-visible comments as tokens:
Latin words and numbers lower-cased, and every run of Chinese (CJK) characters as its
overlapping two-character pieces (漏水报警 → 漏水 水报 报警). PostgreSQL's parsers do not
segment Chinese, and a trigram index cannot serve a two-character word; bigrams can: a
query word of two or more characters becomes the phrase of its bigrams (adjacent in
the document), a single character a prefix. On PostgreSQL the match is
`to_tsvector('simple', search_document) @@ to_tsquery(...)` on a GIN index; elsewhere
(SQLite, tests) every query token must occur in the document."""

import re

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value

NUMBER = re.compile(r"^\s*([A-Za-z]{2})-(\d{4})-(\d{1,6})\s*$")
TOKEN = re.compile(r"[0-9a-z]+|[\u3400-\u9fff\uf900-\ufaff]+")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _pieces(token: str) -> list[str]:
    if CJK.match(token) and len(token) > 1:
        return [token[i : i + 2] for i in range(len(token) - 1)]
    return [token]


def tokens(text: str) -> list[str]:
    return TOKEN.findall((text or "").lower())


def document(*texts: str) -> str:
    """The search document of these texts (title, symptom, comments)."""
    return " ".join(piece for text in texts for token in tokens(text) for piece in _pieces(token))


def tsvector_literal(doc: str) -> str:
    """The text form of to_tsvector('simple', doc) for a document made by `document`
    (tokens are letters and digits only), for bulk COPY (sla.volume)."""
    positions: dict[str, list[str]] = {}
    for i, token in enumerate(doc.split(), start=1):
        positions.setdefault(token, []).append(str(min(i, 16383)))
    return " ".join(f"'{token}':{','.join(at)}" for token, at in positions.items())


def append(existing: str, text: str) -> str:
    addition = document(text)
    return f"{existing} {addition}".strip() if addition else existing


def _tsquery(query: str) -> str:
    terms = []
    for token in tokens(query):
        pieces = _pieces(token)
        if len(pieces) > 1:
            terms.append("(" + " <-> ".join(pieces) + ")")
        else:
            terms.append(f"{pieces[0]}:*")
    return " & ".join(terms)


class _Matches(Func):
    """`search_vector @@ to_tsquery('simple', query)`: `search_vector` is the stored
    to_tsvector('simple', search_document) (a trigger keeps it), with its GIN index
    `tickets_ticket_search_idx`."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        document_sql, document_params = compiler.compile(self.source_expressions[0])
        query_sql, query_params = compiler.compile(self.source_expressions[1])
        return (
            f"{document_sql} @@ to_tsquery('simple'::regconfig, {query_sql})",
            (*document_params, *query_params),
        )


def exact_number(query: str) -> str | None:
    """`fr-2026-123` → `FR-2026-000123`; None when the query is not a ticket number."""
    match = NUMBER.match(query or "")
    if match is None:
        return None
    prefix, year, value = match.groups()
    return f"{prefix.upper()}-{year}-{int(value):06d}"


def search(queryset: QuerySet, query: str) -> QuerySet:
    """The tickets of `queryset` matching `query` (a number or words)."""
    query = (query or "").strip()
    if not query:
        return queryset
    number = exact_number(query)
    if number is not None:
        return queryset.filter(number=number)
    words = tokens(query)
    if not words:
        return queryset.none()
    if connection.vendor == "postgresql":
        return queryset.filter(_Matches(F("search_vector"), Value(_tsquery(query))))
    condition = Q()
    for word in words:
        for piece in _pieces(word):
            condition &= Q(search_document__contains=piece)
    return queryset.filter(condition)
