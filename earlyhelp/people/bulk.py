"""Low-level bulk writer for large, already validated inserts: the people import and the large seed.

`bulk_insert` writes many rows of one model and, when the model keeps a change history
(django-simple-history), one "+" historical row per row with the given change reason, exactly
what `bulk_create_with_history` would leave behind, at a fraction of the cost:

- the columns that vary from row to row are passed as plain tuples, in a fixed order; every other
  column takes one value for the whole call (its default, or the time of the write), prepared
  through the field once rather than once per row;
- the primary keys are allocated up front (PostgreSQL: the table's own sequence; SQLite: after
  the highest id ever used, under the write lock that the transaction holds), so nothing has to
  be read back;
- PostgreSQL loads the rows with `COPY ... FROM STDIN` (psycopg 3); SQLite with one
  `executemany` of a prepared INSERT;
- the history rows are copied inside the database (`INSERT INTO history SELECT ... FROM table`),
  so no value crosses from Python twice.

Everything happens in the caller's transaction (or one of its own), so a failure or a kill leaves
nothing of the call behind. Nothing here validates: callers validate first (the importer
validates every row; the seed draws only valid values). Only SQLite and PostgreSQL are supported,
as for the rest of the project."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .models import Person

#: The columns the importer passes per person (`insert_people_rows`), in this order.
PERSON_COLUMNS = (
    "source_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "nhs_number",
    "upn",
    "family_name_key",
    "given_name_key",
    "postcode",
    "postcode_district",
)

# Field types whose Python values the database drivers take as they are; any other varying
# field's values go through the field's own get_db_prep_save.
_PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}
_SQLITE_CHUNK = 10_000  # well under SQLite's limit of 32,766 parameters per statement


def _quote(name: str | None) -> str:
    assert name, "a table or column name"
    return connection.ops.quote_name(name)


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager_name).model if manager_name else None


def _constant(field: models.Field, now: datetime) -> Any:
    """The prepared value a column takes when the caller does not vary it."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value: Any = now
    elif field.has_default():
        value = field.get_default()
    elif field.null:
        value = None
    else:
        value = field.get_default()  # "" for text columns
    return field.get_db_prep_save(value, connection)


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    kind = field.get_internal_type()
    if kind in _PLAIN_TYPES:
        return None
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    return lambda value: field.get_db_prep_save(value, connection)


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys for `model`; call inside the transaction that uses them."""
    if count <= 0:
        return []
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [_quote(table), pk_column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # Inside the transaction SQLite holds the write lock (the project opens transactions
            # IMMEDIATE), so no one else can take these ids before we insert them. The highest id
            # ever used counts, not just the highest held, so a deleted person's id (which their
            # history still carries) is never given to someone else.
            cursor.execute(f"SELECT MAX({_quote(pk_column)}) FROM {_quote(table)}")  # noqa: S608
            highest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(highest, row[0] if row else 0) + 1
            return list(range(start, start + count))
    raise NotImplementedError(
        f"bulk inserts support SQLite and PostgreSQL, not {connection.vendor}"
    )


def bulk_insert(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    reason: str,
    now: datetime | None = None,
    history: bool = True,
) -> list[int]:
    """Insert `rows` (tuples of the `columns` attnames, in that order) into `model`'s table and,
    when the model has a history and `history` is true, a "+" historical row for each with
    `reason` as its change reason. Returns the new primary keys, in the order of `rows`."""
    if not rows:
        return []
    now = now or timezone.now()
    meta = model._meta
    pk = meta.pk
    by_attname = {f.attname: f for f in meta.concrete_fields}
    unknown = [name for name in columns if name not in by_attname or name == pk.attname]
    if unknown:
        raise ValueError(f"{model.__name__} has no insertable column {', '.join(unknown)}")
    varying = [by_attname[name] for name in columns]
    constant_fields = [f for f in meta.concrete_fields if f.attname not in columns and f is not pk]
    constants = tuple(_constant(f, now) for f in constant_fields)
    converters = [(i, c) for i, f in enumerate(varying) if (c := _converter(f)) is not None]

    with transaction.atomic(savepoint=False):
        ids = allocate_ids(model, len(rows))
        fields = [pk, *varying, *constant_fields]
        full = _full_rows(ids, rows, converters, constants)
        _write(meta.db_table, [f.column for f in fields], full)
        history_model = _history_model(model) if history else None
        if history_model is not None:
            _copy_history(model, history_model, ids, reason=reason, now=now)
    return ids


def _full_rows(
    ids: Sequence[int],
    rows: Sequence[Sequence[Any]],
    converters: list[tuple[int, Callable[[Any], Any]]],
    constants: tuple[Any, ...],
) -> list[tuple[Any, ...]]:
    if not converters:
        return [(pk, *row, *constants) for pk, row in zip(ids, rows, strict=True)]
    full = []
    for pk, row in zip(ids, rows, strict=True):
        values = list(row)
        for index, convert in converters:
            values[index] = convert(values[index])
        full.append((pk, *values, *constants))
    return full


def _write(table: str, columns: Sequence[str | None], rows: list[tuple[Any, ...]]) -> None:
    names = ", ".join(_quote(c) for c in columns)
    # Table and column names come from the model (quoted); every value is a parameter.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            # Errors come out as Django's (IntegrityError...), as from any other query.
            with (
                connection.wrap_database_errors,
                raw.copy(f"COPY {_quote(table)} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {_quote(table)} ({names}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, rows)


def _copy_history(
    model: type[models.Model],
    history_model: type[models.Model],
    ids: list[int],
    *,
    reason: str,
    now: datetime,
) -> None:
    """One "+" historical row per new row, copied from the table inside the database."""
    source_columns = {f.attname: f.column for f in model._meta.concrete_fields}
    extra = {
        "history_date": connection.ops.adapt_datetimefield_value(now),
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": None,
    }
    targets: list[str] = []
    selects: list[str] = []
    params: list[Any] = []
    for field in history_model._meta.concrete_fields:
        if field.primary_key:  # history_id: the history table's own key
            continue
        targets.append(_quote(field.column))
        if field.attname in source_columns:
            selects.append(_quote(source_columns[field.attname]))
        else:
            selects.append("%s")
            params.append(extra[field.attname] if field.attname in extra else _constant(field, now))
    table = _quote(model._meta.db_table)
    pk_column = _quote(model._meta.pk.column)
    head = (
        f"INSERT INTO {_quote(history_model._meta.db_table)} ({', '.join(targets)}) "  # noqa: S608
        f"SELECT {', '.join(selects)} FROM {table} "
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                head + f"WHERE {pk_column} = ANY(%s) ORDER BY {pk_column}", [*params, ids]
            )
        elif ids == list(range(ids[0], ids[0] + len(ids))):  # SQLite: always consecutive
            cursor.execute(
                head + f"WHERE {pk_column} BETWEEN %s AND %s ORDER BY {pk_column}",
                [*params, ids[0], ids[-1]],
            )
        else:  # pragma: no cover - allocate_ids gives SQLite consecutive ids
            for start in range(0, len(ids), _SQLITE_CHUNK):
                chunk = ids[start : start + _SQLITE_CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    head + f"WHERE {pk_column} IN ({marks}) ORDER BY {pk_column}",
                    [*params, *chunk],
                )


def insert_people_rows(people: Sequence[dict[str, Any]], *, reason: str) -> list[int]:
    """The import's write path: new, already validated people (dicts of the `PERSON_COLUMNS`)
    and their "+" history rows with `reason`, in the caller's transaction. Returns their ids."""
    rows = [tuple(person[name] for name in PERSON_COLUMNS) for person in people]
    return bulk_insert(Person, PERSON_COLUMNS, rows, reason=reason)


def people_holding(column: str, values: Sequence[str]) -> dict[str, str]:
    """{value: source_id} for the people already holding any of `values` in `column` (one of
    source_id, nhs_number, upn, council_person_id: each has a partial unique index that the
    "not blank" condition lets the database use). One indexed query per 10,000 values."""
    if column not in ("source_id", "nhs_number", "upn", "council_person_id"):
        raise ValueError(f"people_holding cannot look up {column}")
    wanted = [value for value in dict.fromkeys(values) if value]
    found: dict[str, str] = {}
    if not wanted:
        return found
    table = _quote(Person._meta.db_table)
    col = _quote(column)
    # Written exactly as the indexes' condition, NOT (col = ''): SQLite uses a partial index only
    # when the query repeats its condition (with `col <> ''` it scans the whole table).
    select = f"SELECT {col}, {_quote('source_id')} FROM {table} WHERE NOT ({col} = '')"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(select + f" AND {col} = ANY(%s)", [wanted])
            found.update(cursor.fetchall())
        else:
            for start in range(0, len(wanted), _SQLITE_CHUNK):
                chunk = wanted[start : start + _SQLITE_CHUNK]
                cursor.execute(select + f" AND {col} IN ({', '.join(['%s'] * len(chunk))})", chunk)
                found.update(cursor.fetchall())
    return found


@contextmanager
def sqlite_bulk_session(wal_pages: int = 20_000, cache_kib: int = 131_072) -> Iterator[None]:
    """SQLite settings for a long bulk write on this connection, put back afterwards (nothing on
    PostgreSQL):

    - the write-ahead log may grow to `wal_pages` pages (80 MB) before it is copied back into the
      database, instead of 1,000 (4 MB); otherwise a write of a few thousand rows a transaction
      pays for a checkpoint at nearly every commit, rewriting the same index pages again and
      again. A checkpoint runs at the end. Committed data is exactly as safe either way;
    - the page cache may hold `cache_kib` KiB (128 MB) instead of 2 MB, so the eleven indexes of
      the people table stay in memory while rows go in."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        wal_before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size")
        cache_before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA wal_autocheckpoint={int(wal_pages)}")
        cursor.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={wal_before}")
            cursor.execute(f"PRAGMA cache_size={cache_before}")
            if not connection.in_atomic_block:
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
