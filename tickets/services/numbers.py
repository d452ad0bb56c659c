"""Human numbers such as FR-2026-000123.

On PostgreSQL each prefix and year draws from its own sequence (`nextval`): no row is
locked for the rest of the creating transaction, so concurrent reports never queue
behind one another. A sequence is not rolled back, so a report whose transaction fails
leaves a gap: numbers are unique and increasing, not dense (docs/decisions.md).
Elsewhere (SQLite: one writer at a time anyway) the year's `NumberSequence` row is
incremented in the caller's transaction."""

from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from servicedesk import clock
from tickets.models import NumberSequence


def _sequence_name(prefix: str, year: int) -> str:
    return f"tickets_number_{prefix.lower()}_{year}"


def _create_sequence(prefix: str, year: int) -> None:
    """The year's sequence, starting after the counter row (numbers loaded or made
    before the sequence existed are never handed out again)."""
    start = (
        NumberSequence.objects.filter(prefix=prefix, year=year)
        .values_list("last_value", flat=True)
        .first()
        or 0
    ) + 1
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"CREATE SEQUENCE IF NOT EXISTS {_sequence_name(prefix, year)} START WITH "
                f"{int(start)}"
            )
    except IntegrityError:
        pass  # a concurrent creator made it first


def _next_postgres(prefix: str, year: int) -> int:
    name = _sequence_name(prefix, year)
    with connection.cursor() as cursor:
        # nextval(NULL) is NULL: one query when the sequence exists, no error when not.
        cursor.execute("SELECT nextval(to_regclass(%s))", [name])
        value = cursor.fetchone()[0]
        if value is None:
            _create_sequence(prefix, year)
            cursor.execute("SELECT nextval(to_regclass(%s))", [name])
            value = cursor.fetchone()[0]
    return value


def _bump_counter_row(prefix: str, year: int) -> int | None:
    """The row's next value in one statement (`UPDATE … RETURNING`), None when the
    year has no row yet."""
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_value = last_value + 1 "  # noqa: S608 - our table name
            "WHERE prefix = %s AND year = %s RETURNING last_value",
            [prefix, year],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def _next_counter_row(prefix: str, year: int) -> int:
    value = _bump_counter_row(prefix, year)
    if value is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(prefix=prefix, year=year)
        except IntegrityError:
            pass  # another transaction created it first
        value = _bump_counter_row(prefix, year)
    return value


def next_number(prefix: str, *, at: datetime | None = None) -> str:
    """`PREFIX-YYYY-NNNNNN`, unique under concurrency (see the module's note on gaps)."""
    year = timezone.localtime(at or clock.now()).year
    draw = _next_postgres if connection.vendor == "postgresql" else _next_counter_row
    value = draw(prefix, year)
    return f"{prefix}-{year}-{value:06d}"


def last_handed_out(prefix: str, year: int) -> int:
    """The highest number of the year given so far (counter row or sequence)."""
    last = (
        NumberSequence.objects.filter(prefix=prefix, year=year)
        .values_list("last_value", flat=True)
        .first()
        or 0
    )
    if connection.vendor == "postgresql":
        name = _sequence_name(prefix, year)
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is not None:
                cursor.execute(f"SELECT last_value FROM {name}")
                last = max(last, cursor.fetchone()[0])
    return last


def sync_counters() -> None:
    """After a bulk load that wrote counter rows directly: each PostgreSQL sequence
    continues after its row."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for prefix, year, last in NumberSequence.objects.values_list(
            "prefix", "year", "last_value"
        ):
            name = _sequence_name(prefix, year)
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is None:
                _create_sequence(prefix, year)
            elif last:
                cursor.execute(
                    "SELECT setval(%s, greatest(%s, (SELECT last_value FROM " + name + ")))",
                    [name, last],
                )
