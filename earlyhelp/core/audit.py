"""Recording reads of case data. Every view of a child's record, every search and every export
calls `record_access` (directly, through `AuditedDetailMixin`, or through `audited` on an API
operation) so an auditor can later see exactly who looked at what.

The rows form a hash chain (ADR 0003): each row stores the SHA-256 of the row before it and of
itself. `append_access_event` is the only writer; `verify_chain` re-walks the chain."""

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any, Protocol

from django.db import connections, router, transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import AccessAction, AccessEvent

# What the first row chains from.
CHAIN_GENESIS = "0" * 64

# Every meaningful column, in the order the hash covers them. Never change this list or
# `canonical_event` without a migration that re-chains: old rows would stop verifying.
CHAINED_FIELDS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "description",
    "person_id",
    "family_id",
    "reason",
    "request_id",
    "path",
)
_INTEGER_FIELDS = frozenset({"id", "actor_id", "person_id", "family_id"})

# Arbitrary constant naming the PostgreSQL advisory lock that serialises chain writers.
CHAIN_LOCK_KEY = 4_711_000_003


def canonical_event(values: Mapping[str, Any]) -> str:
    """The one serialisation of a row that its hash covers: JSON, sorted keys, no spaces.

    Values are normalised to what the database gives back (integers, text, UTC time to the
    microsecond), so the writer's hash and the verifier's agree whatever types callers pass.
    """
    document: dict[str, Any] = {}
    for name in CHAINED_FIELDS:
        value = values[name]
        if name == "occurred_at":
            if timezone.is_naive(value):
                value = value.replace(tzinfo=UTC)
            value = value.astimezone(UTC).isoformat(timespec="microseconds")
        elif name in _INTEGER_FIELDS:
            value = None if value is None else int(value)
        else:
            value = str(value)
        document[name] = value
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(previous_hash: str, values: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the previous row's hash followed by this row's canonical serialisation."""
    return hashlib.sha256((previous_hash + canonical_event(values)).encode()).hexdigest()


def _claim_chain_head(alias: str) -> tuple[str, int]:
    """Inside the caller's transaction: lock the chain, return (head hash, id for the new row).

    The id is chosen here because it is part of the row's hash.
    """
    connection = connections[alias]
    # The table name is our own model's, quoted: nothing user-supplied reaches the SQL.
    table = connection.ops.quote_name(AccessEvent._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Held until the transaction ends, so the next writer reads the head only after this
            # row is committed. A separate statement: READ COMMITTED takes each statement's
            # snapshot when it starts, so the head must be read after the lock is granted.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
            cursor.execute(
                f"SELECT (SELECT row_hash FROM {table} ORDER BY id DESC LIMIT 1),"  # noqa: S608
                " nextval(pg_get_serial_sequence(%s, 'id'))",
                [AccessEvent._meta.db_table],
            )
            head, next_id = cursor.fetchone()
        elif connection.vendor == "sqlite":
            # SQLite has one writer at a time: transactions begin IMMEDIATE (settings), so this
            # transaction already holds the write lock. AUTOINCREMENT never reuses an id, hence
            # sqlite_sequence as well as the highest id.
            cursor.execute(
                f"SELECT (SELECT row_hash FROM {table} ORDER BY id DESC LIMIT 1),"  # noqa: S608
                " MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0),"
                f" COALESCE((SELECT MAX(id) FROM {table}), 0)) + 1",
                [AccessEvent._meta.db_table],
            )
            head, next_id = cursor.fetchone()
        else:
            raise NotImplementedError(
                f"The access log's hash chain supports SQLite and PostgreSQL, not {connection.vendor}"
            )
    return head or CHAIN_GENESIS, next_id


def append_access_event(**fields: Any) -> AccessEvent:
    """The only way a row enters the access log: chain it to the current head and insert it.

    Reading the head and inserting happen in one transaction under the chain lock, so two
    concurrent requests can never both chain from the same row (and if they somehow did, the
    unique `previous_hash` constraint would refuse the second).
    """
    alias = router.db_for_write(AccessEvent)
    with transaction.atomic(using=alias):
        previous_hash, next_id = _claim_chain_head(alias)
        event = AccessEvent(id=next_id, occurred_at=timezone.now(), **fields)
        event.previous_hash = previous_hash
        event.row_hash = chain_hash(
            previous_hash, {name: getattr(event, name) for name in CHAINED_FIELDS}
        )
        event.save(force_insert=True, using=alias)
    return event


class AuditSubject(Protocol):
    """A record that knows whose data it is. Domain models implement `audit_subject`."""

    pk: Any

    def audit_subject(self) -> dict[str, int | None]:
        """Return {"person_id": ..., "family_id": ...} for the people this record is about."""
        ...


def record_access(
    request: HttpRequest,
    action: str,
    *,
    object_type: str,
    object_id: Any = "",
    description: str = "",
    person_id: int | None = None,
    family_id: int | None = None,
    reason: str = "",
) -> AccessEvent:
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    return append_access_event(
        actor=actor,
        actor_label=getattr(actor, "email", "") if actor else "anonymous",
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        description=description[:255],
        person_id=person_id,
        family_id=family_id,
        reason=reason,
        request_id=str(getattr(request, "request_id", ""))[:64],
        path=request.get_full_path()[:500],
    )


def record_object_access(request: HttpRequest, obj: Any, action: str = AccessAction.VIEW) -> None:
    subject = obj.audit_subject() if hasattr(obj, "audit_subject") else {}
    record_access(
        request,
        action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        description=str(obj)[:255],
        person_id=subject.get("person_id"),
        family_id=subject.get("family_id"),
    )


class AuditedDetailMixin:
    """For DetailView-style views: writes a 'viewed' AccessEvent for the object shown.

    Works with any view exposing `get_object()`; records after the access check has passed
    (a 404 for a record the user may not see writes nothing: there was nothing to see).
    """

    audit_action = AccessAction.VIEW
    request: HttpRequest

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)  # type: ignore[misc]
        record_object_access(self.request, obj, self.audit_action)
        return obj


def audited(object_type: str, action: str = AccessAction.API_READ) -> Callable:
    """Decorator for API operations that read case data: records one AccessEvent per call.

    The operation's keyword arguments named `<object_type>_id` (or `id`) become the object id.
    """

    def decorator(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            result = func(request, *args, **kwargs)
            object_id = kwargs.get(f"{object_type}_id", kwargs.get("id", ""))
            record_access(request, action, object_type=object_type, object_id=object_id)
            return result

        return wrapper

    return decorator


@dataclass(frozen=True)
class ChainBreak:
    """The first row at which the chain fails, in words an auditor can act on."""

    row_id: int
    occurred_at: datetime
    kind: str  # "changed" or "link"
    explanation: str


@dataclass
class ChainReport:
    events: int = 0
    head_id: int | None = None
    head_occurred_at: datetime | None = None
    head_hash: str = ""
    first_break: ChainBreak | None = None
    breaks: int = 0
    recorded_hash_found: bool = False


def _rows(chunk_size: int) -> Iterator[dict[str, Any]]:
    columns = (*CHAINED_FIELDS, "previous_hash", "row_hash")
    rows = AccessEvent.objects.order_by("id").values_list(*columns)
    for row in rows.iterator(chunk_size=chunk_size):
        yield dict(zip(columns, row, strict=True))


def describe_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%d %B %Y %H:%M:%S UTC")


def verify_chain(*, chunk_size: int = 5000, recorded_hash: str = "") -> ChainReport:
    """Walk every row in id order, streaming, and recompute each hash.

    A row whose own hash no longer matches its fields was changed. A row whose `previous_hash`
    is not the hash of the row before it means rows were removed or inserted there (or the row
    before was changed and its hash recomputed to hide it). After a break the walk carries on
    from the stored hashes, so later breaks are counted too.
    """
    report = ChainReport()
    expected_previous = CHAIN_GENESIS
    previous_id: int | None = None
    for row in _rows(chunk_size):
        report.events += 1
        problem: tuple[str, str] | None = None
        if chain_hash(row["previous_hash"], row) != row["row_hash"]:
            problem = (
                "changed",
                "Its contents were changed after it was written: its stored hash no longer "
                "matches its fields.",
            )
        elif row["previous_hash"] != expected_previous:
            if previous_id is None:
                detail = (
                    "It should be the first event in the chain but does not start from the "
                    "beginning: one or more earlier rows were removed."
                )
            else:
                detail = (
                    f"It does not follow on from the row before it (row {previous_id}): one or "
                    "more rows were removed or inserted between them, or that row was changed "
                    "and its hash recomputed."
                )
                if row["id"] != previous_id + 1:
                    detail += f" (Row ids jump from {previous_id} to {row['id']}.)"
            problem = ("link", detail)
        if problem is not None:
            report.breaks += 1
            if report.first_break is None:
                report.first_break = ChainBreak(
                    row["id"], row["occurred_at"], problem[0], problem[1]
                )
        if recorded_hash and row["row_hash"] == recorded_hash:
            report.recorded_hash_found = True
        expected_previous = row["row_hash"]
        previous_id = row["id"]
        report.head_id, report.head_occurred_at = row["id"], row["occurred_at"]
    report.head_hash = expected_previous if report.events else ""
    return report


def describe_break(found: ChainBreak) -> str:
    return f"row {found.row_id}, recorded {describe_time(found.occurred_at)}.\n{found.explanation}"
