"""servicedesk.db.fetch_prepared (issue 15): on PostgreSQL a statement is prepared once
per server session and executed by name after that, in one round trip and one counted
query each time; a failed try, a rollback or a new connection never leaves it unusable.
On SQLite, and with the setting off, the statement simply runs."""

import pytest
from django.db import connection, transaction
from django.db.utils import DataError
from django.test.utils import CaptureQueriesContext

from servicedesk.db import fetch_prepared

pytestmark = pytest.mark.django_db

SUM = "SELECT %s::int + %s::int, '100%%'"


def _names_prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.service
def test_the_values_must_match_the_placeholders():
    assert connection.vendor == "postgresql"
    with pytest.raises(ValueError):
        fetch_prepared(SUM, [1])


def test_without_postgresql_or_with_the_setting_off_the_statement_just_runs(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    sql = "SELECT %s + %s, '100%%'" if connection.vendor == "sqlite" else SUM
    with CaptureQueriesContext(connection) as seen:
        assert fetch_prepared(sql, [2, 3]) == [(5, "100%")]
    assert len(seen.captured_queries) == 1
    assert not seen.captured_queries[0]["sql"].startswith(("PREPARE", "EXECUTE"))


@pytest.mark.service
def test_prepared_once_then_executed_by_name():
    assert connection.vendor == "postgresql"
    with CaptureQueriesContext(connection) as seen:
        first = fetch_prepared(SUM, [2, 3])
        second = fetch_prepared(SUM, [40, 2])
    assert first == [(5, "100%")] and second == [(42, "100%")]
    prepare, execute = (query["sql"] for query in seen.captured_queries)
    assert prepare.startswith("PREPARE sd_") and "; EXECUTE sd_" in prepare
    assert execute.startswith("EXECUTE sd_")
    name = execute.split()[1].split("(")[0]
    assert name in _names_prepared()


@pytest.mark.service
def test_a_failed_try_a_rollback_and_a_new_connection_leave_it_working():
    assert connection.vendor == "postgresql"
    divide = "SELECT 10 / %s::int"
    # The PREPARE goes through, its EXECUTE fails: the next try prepares under a new name.
    with pytest.raises(DataError), transaction.atomic():
        fetch_prepared(divide, [0])
    assert fetch_prepared(divide, [5]) == [(2,)]
    # A rollback does not undo a PREPARE: the statement is still there afterwards.
    with pytest.raises(RuntimeError), transaction.atomic():
        assert fetch_prepared("SELECT %s::int * 2", [4]) == [(8,)]
        raise RuntimeError
    with CaptureQueriesContext(connection) as seen:
        assert fetch_prepared("SELECT %s::int * 2", [5]) == [(10,)]
    assert seen.captured_queries[0]["sql"].startswith("EXECUTE sd_")


@pytest.mark.service
@pytest.mark.django_db(transaction=True)
def test_a_new_server_session_prepares_again():
    assert connection.vendor == "postgresql"
    assert fetch_prepared(SUM, [1, 1]) == [(2, "100%")]
    connection.close()
    with CaptureQueriesContext(connection) as seen:
        assert fetch_prepared(SUM, [1, 2]) == [(3, "100%")]
    assert seen.captured_queries[0]["sql"].startswith("PREPARE sd_")


@pytest.mark.service
def test_parameters_are_declared_by_their_values_and_the_rest_just_runs(monkeypatch):
    """`SELECT $1` has no type PostgreSQL could infer: each parameter is declared from
    its value. A value with no declared type (None) runs the statement unprepared, and
    so does a new text once the session keeps MAX_PREPARED statements."""
    from datetime import UTC, datetime

    from servicedesk import db

    assert connection.vendor == "postgresql"
    when = datetime(2026, 12, 3, 8, 30, tzinfo=UTC)
    with CaptureQueriesContext(connection) as seen:
        assert fetch_prepared("SELECT %s, %s, %s, %s", [7, "x", when, [1, 2]]) == [
            (7, "x", when, [1, 2])
        ]
        assert fetch_prepared("SELECT %s IS NULL", [None]) == [(True,)]
    prepared, plain = (query["sql"] for query in seen.captured_queries)
    assert (
        prepared.startswith("PREPARE sd_") and "(bigint, text, timestamptz, bigint[])" in prepared
    )
    assert plain.startswith("SELECT")
    fetch_prepared(SUM, [0, 0])
    monkeypatch.setattr(db, "MAX_PREPARED", 0)
    with CaptureQueriesContext(connection) as seen:
        assert fetch_prepared("SELECT %s::int - 1", [1]) == [(0,)]
        assert fetch_prepared(SUM, [1, 1]) == [(2, "100%")]  # prepared before the cap
    assert seen.captured_queries[0]["sql"].startswith("SELECT")
    assert seen.captured_queries[1]["sql"].startswith("EXECUTE")


def test_parameter_types_follow_the_values():
    from datetime import UTC, date, datetime, time
    from decimal import Decimal

    from servicedesk.db import _pg_type

    assert [
        _pg_type(value)
        for value in (
            True,
            7,
            "x",
            datetime(2026, 12, 3, tzinfo=UTC),
            datetime(2026, 12, 3),
            date(2026, 12, 3),
            time(8, 30),
            1.5,
            Decimal("1.5"),
            [1, 2],
            ("a",),
        )
    ] == [
        "boolean",
        "bigint",
        "text",
        "timestamptz",
        "timestamp",
        "date",
        "time",
        "double precision",
        "numeric",
        "bigint[]",
        "text[]",
    ]
    # No type to declare: None, an empty or mixed list, a list of lists, other classes.
    assert {_pg_type(v) for v in (None, [], [1, "a"], [[1]], b"x", object())} == {None}
