"""Database helpers for the few hot read queries (issue 15).

`fetch_prepared` runs a statement whose text never changes (its values are parameters)
through a PostgreSQL prepared statement: the first run on a connection sends
`PREPARE name AS …; EXECUTE name(…)` in one round trip, later runs only `EXECUTE`, so
PostgreSQL parses and plans the statement once per connection instead of on every
request (the ticket page's row query: 2.5 ms to plan and run, 1.2 ms prepared, on
1,000,000 tickets). It is still one query for Django (`django_assert_num_queries`, the
request telemetry), and a rollback does not undo a PREPARE. On SQLite, or with
`DATABASE_PREPARED_STATEMENTS` off (a pooler in transaction mode, such as PgBouncer's,
which can hand the next request another server session), the statement simply runs.

`AnyOf` writes `column = ANY(%s)` with the whole list as one array parameter, so a
statement reading "these rows" has one text for any number of them."""

import hashlib
import re
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Lookup

_PLACEHOLDER = re.compile(r"%[s%]")
# A session keeps at most this many statements; past it, new texts simply run.
MAX_PREPARED = 64


# Parameter types by the value's class, most specific first (a bool is an int, a
# datetime a date).
_TYPES = (
    (bool, "boolean"),
    (int, "bigint"),
    (str, "text"),
    (datetime, "timestamp"),
    (date, "date"),
    (time, "time"),
    (float, "double precision"),
    (Decimal, "numeric"),
)


def _pg_type(value) -> str | None:
    """The PostgreSQL type a statement's parameter is declared with, from its value
    (an undeclared `SELECT $1` has no type to infer); None: not prepared."""
    if isinstance(value, list | tuple):
        kinds = {_pg_type(item) for item in value}
        if len(kinds) == 1 and (kind := kinds.pop()) is not None and not kind.endswith("[]"):
            return f"{kind}[]"
        return None
    for kind, name in _TYPES:
        if isinstance(value, kind):
            aware = kind is datetime and value.tzinfo is not None
            return "timestamptz" if aware else name
    return None


def _numbered(sql: str) -> tuple[str, int]:
    """Django's `%s` placeholders as PostgreSQL's `$1, $2…` (`%%` stays: psycopg2 reads
    it as a literal percent sign when it fills in the EXECUTE's values)."""
    count = 0

    def number(match):
        nonlocal count
        if match.group() == "%%":
            return "%%"
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql), count


def fetch_prepared(sql: str, params=(), using: str = "default") -> list[tuple]:
    """The rows of `sql` (Django's placeholder style), through a statement prepared once
    per PostgreSQL connection. `sql` must be a fixed text: a new text is a new statement
    kept for the connection's life."""
    connection = connections[using]
    params = list(params)
    with connection.cursor() as cursor:  # connects (and checks the connection) first
        if connection.vendor != "postgresql" or not getattr(
            settings, "DATABASE_PREPARED_STATEMENTS", True
        ):
            cursor.execute(sql, params)
            return cursor.fetchall()
        # What this server session has prepared, dropped with the session it belongs to.
        session = connection.connection
        state = connection.__dict__.get("_servicedesk_prepared")
        if state is None or state["session"] is not session:
            state = connection.__dict__["_servicedesk_prepared"] = {
                "session": session,
                "names": {},
                "tries": 0,
            }
        numbered, count = _numbered(sql)
        if count != len(params):
            raise ValueError(f"{count} placeholders, {len(params)} values")
        types = [_pg_type(value) for value in params]
        arguments = f"({', '.join(['%s'] * count)})" if count else ""
        key = (sql, *types)
        name = state["names"].get(key)
        if name is not None:
            cursor.execute(f"EXECUTE {name}{arguments}", params)
            return cursor.fetchall()
        if None in types or len(state["names"]) >= MAX_PREPARED:
            cursor.execute(sql, params)
            return cursor.fetchall()
        # A fresh name on every try: a PREPARE that went through before its EXECUTE
        # failed is never prepared a second time under the same name.
        state["tries"] += 1
        name = f"sd_{hashlib.sha1(sql.encode()).hexdigest()[:12]}_{state['tries']}"
        declared = f"({', '.join(types)})" if count else ""
        cursor.execute(f"PREPARE {name}{declared} AS {numbered}; EXECUTE {name}{arguments}", params)
        rows = cursor.fetchall()
        state["names"][key] = name
        return rows


def compile_fixed(queryset) -> tuple[str, tuple]:
    """The SQL and values of `queryset`, compiled to be kept and run by `fetch_prepared`.
    Refused (AssertionError) when a selected column would need Django's conversion after
    the fetch (a JSON or decimal field, SQLite's times), which raw rows would skip."""
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
    if compiler.get_converters(columns):
        raise AssertionError(f"columns that need converting: {sql[:200]}")
    return sql, params


class PreparedValues:
    """A `values()` queryset whose slices are read through `fetch_prepared`, for a
    paginator that orders, filters and slices it (DRF's CursorPagination): each such
    call gives another PreparedValues, and a slice gives the rows as dicts, as
    `values()` would. Only for queries whose texts are few (their values parameters),
    since each text is a statement kept for the session."""

    def __init__(self, queryset):
        self.queryset = queryset

    def order_by(self, *fields):
        return PreparedValues(self.queryset.order_by(*fields))

    def filter(self, *args, **kwargs):
        return PreparedValues(self.queryset.filter(*args, **kwargs))

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        queryset = self.queryset[index]
        if not isinstance(index, slice):
            return queryset
        query = queryset.query
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        try:
            sql, params = compile_fixed(queryset)
        except EmptyResultSet:  # a filter no row can meet: no query at all, as Django
            return []
        rows = fetch_prepared(sql, params, queryset.db)
        return [dict(zip(names, row, strict=True)) for row in rows]


class AnyOf(Lookup):
    """`lhs = ANY(%s)`, the values as one array parameter (PostgreSQL only):
    `queryset.filter(AnyOf(F("pk"), ids))`."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)
