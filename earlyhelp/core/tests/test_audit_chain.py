"""The access log is hash-chained and `earlyhelp audit verify` finds any row changed or removed
behind the append-only triggers' back (issue 4; ADR 0003). Runs on SQLite and PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import import_module
from io import StringIO
from itertools import pairwise
from types import SimpleNamespace

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.test import RequestFactory
from django.urls import reverse

from earlyhelp.accounts.tests.factories import UserFactory, sign_in
from earlyhelp.core.audit import (
    CHAIN_GENESIS,
    CHAINED_FIELDS,
    append_access_event,
    canonical_event,
    chain_hash,
    record_access,
)
from earlyhelp.core.models import AccessAction, AccessEvent

pytestmark = pytest.mark.django_db

TABLE = AccessEvent._meta.db_table
append_only = import_module("earlyhelp.core.migrations.0002_access_event_append_only")


def record_events(count: int) -> list[AccessEvent]:
    user = UserFactory()
    events = []
    for number in range(count):
        request = RequestFactory().get(f"/people/{number}/")
        request.user = user
        request.request_id = f"req-{number}"
        events.append(
            record_access(
                request,
                AccessAction.VIEW,
                object_type="person",
                object_id=number,
                person_id=number,
                description=f"Viewed person {number}",
            )
        )
    return events


@contextmanager
def triggers_lifted() -> Iterator[None]:
    """What someone with direct database access could do: lift the append-only triggers,
    tamper, and put them back (with migration 0002's own SQL)."""
    editor = SimpleNamespace(connection=connection, execute=connection.cursor().execute)
    append_only.backward(None, editor)
    try:
        yield
    finally:
        append_only.forward(None, editor)


def tamper(sql: str, params: list) -> None:
    with triggers_lifted(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify(*args: str) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def verify_fails(*args: str) -> str:
    with pytest.raises(CommandError) as failure:
        verify(*args)
    return str(failure.value)


def test_chain_verifies_after_several_events():
    events = record_events(5)
    rows = list(AccessEvent.objects.order_by("id"))
    assert rows[0].previous_hash == CHAIN_GENESIS
    for before, after in pairwise(rows):
        assert after.previous_hash == before.row_hash
    output = verify()
    assert "Audit trail verified: 5 events, chain unbroken." in output
    assert f"Head hash: {events[-1].row_hash}" in output
    assert f"row {events[-1].pk}" in output


def test_an_empty_trail_verifies():
    assert "Audit trail verified: 0 events, chain unbroken." in verify()


def test_the_hash_covers_what_the_database_gives_back():
    event = record_events(1)[0]
    stored = AccessEvent.objects.values(*CHAINED_FIELDS, "previous_hash", "row_hash").get()
    assert chain_hash(stored["previous_hash"], stored) == stored["row_hash"] == event.row_hash


def test_canonical_serialisation_is_fixed():
    # Changing the serialisation would make every existing chain fail: this pins it.
    values = {
        "id": 1,
        "occurred_at": datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
        "actor_id": 7,
        "actor_label": "jo@example.org",
        "action": AccessAction.VIEW,
        "object_type": "person",
        "object_id": "42",
        "description": "Viewed Jo Bloggs",
        "person_id": "42",
        "family_id": None,
        "reason": "",
        "request_id": "req-1",
        "path": "/people/42/",
    }
    assert canonical_event(values) == (
        '{"action":"view","actor_id":7,"actor_label":"jo@example.org",'
        '"description":"Viewed Jo Bloggs","family_id":null,"id":1,"object_id":"42",'
        '"object_type":"person","occurred_at":"2026-11-24T09:30:00.000000+00:00",'
        '"path":"/people/42/","person_id":42,"reason":"","request_id":"req-1"}'
    )
    assert chain_hash(CHAIN_GENESIS, values) == chain_hash(CHAIN_GENESIS, dict(values))


@pytest.mark.parametrize("field", [name for name in CHAINED_FIELDS if name != "id"])
def test_every_meaningful_field_is_covered(field):
    event = record_events(1)[0]
    values = {name: getattr(event, name) for name in CHAINED_FIELDS}
    changed = dict(values)
    if field == "occurred_at":
        changed[field] = datetime(2000, 1, 1, tzinfo=UTC)
    elif field in ("actor_id", "person_id", "family_id"):
        changed[field] = 999_999
    else:
        changed[field] = f"{values[field]}!"
    assert chain_hash(CHAIN_GENESIS, changed) != chain_hash(CHAIN_GENESIS, values)


def test_a_row_changed_in_the_database_is_detected_and_named():
    events = record_events(5)
    third = events[2]
    tamper(f"UPDATE {TABLE} SET description = %s WHERE id = %s", ["Nothing to see", third.pk])
    message = verify_fails()
    assert "Audit trail BROKEN: 5 events checked." in message
    assert f"First broken row: row {third.pk}, recorded " in message
    assert "contents were changed" in message
    assert "further problem" not in message


def test_a_changed_and_rehashed_row_is_caught_at_the_next_row():
    events = record_events(4)
    second = events[1]
    values = {name: getattr(second, name) for name in CHAINED_FIELDS}
    values["reason"] = "forged"
    tamper(
        f"UPDATE {TABLE} SET reason = %s, row_hash = %s WHERE id = %s",
        ["forged", chain_hash(second.previous_hash, values), second.pk],
    )
    message = verify_fails()
    assert f"First broken row: row {events[2].pk}, recorded " in message
    assert f"does not follow on from the row before it (row {second.pk})" in message


def test_a_deleted_middle_row_is_detected():
    events = record_events(5)
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [events[2].pk])
    message = verify_fails()
    assert "Audit trail BROKEN: 4 events checked." in message
    assert f"First broken row: row {events[3].pk}, recorded " in message
    assert "rows were removed or inserted" in message
    assert f"Row ids jump from {events[1].pk} to {events[3].pk}" in message


def test_a_deleted_first_row_is_detected():
    events = record_events(3)
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [events[0].pk])
    message = verify_fails()
    assert f"First broken row: row {events[1].pk}" in message
    assert "earlier rows were removed" in message


def test_later_problems_are_counted_after_the_first():
    events = record_events(6)
    tamper(f"UPDATE {TABLE} SET path = '/x/' WHERE id IN (%s, %s)", [events[1].pk, events[4].pk])
    message = verify_fails()
    assert f"First broken row: row {events[1].pk}" in message
    assert "1 further problem found after it." in message


def test_recorded_head_hash_exposes_rows_removed_from_the_end():
    events = record_events(4)
    head = events[-1].row_hash
    assert "The recorded hash is still part of the chain." in verify("--recorded-hash", head)
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [events[-1].pk])
    assert "Audit trail verified: 3 events" in verify()  # the chain alone cannot tell
    message = verify_fails("--recorded-hash", head)
    assert f"the recorded hash {head} is not in it" in message


def test_new_events_chain_on_after_tampering_is_found():
    events = record_events(3)
    tamper(f"UPDATE {TABLE} SET description = 'x' WHERE id = %s", [events[1].pk])
    record_events(1)
    assert f"First broken row: row {events[1].pk}" in verify_fails()


def test_triggers_still_refuse_update_and_delete():
    event = record_events(2)[1]
    for sql in (
        f"UPDATE {TABLE} SET row_hash = %s WHERE id = %s",
        f"UPDATE {TABLE} SET previous_hash = %s WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, ["f" * 64, event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(description="changed")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")
    assert "Audit trail verified: 2 events" in verify()


def test_rows_written_around_the_chain_writer_are_refused():
    record_events(1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessEvent.objects.create(action=AccessAction.VIEW, object_type="person")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessEvent.objects.bulk_create([AccessEvent(action="view", object_type="person")])


def test_the_chain_cannot_fork():
    first = record_events(1)[0]
    forged = AccessEvent(action="view", object_type="person", previous_hash=first.previous_hash)
    forged.row_hash = "a" * 64
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save(force_insert=True)


def test_writer_inside_an_outer_transaction_chains_too():
    with transaction.atomic():
        events = record_events(2)
        extra = append_access_event(action=AccessAction.EXPORT, object_type="family")
    assert extra.previous_hash == events[-1].row_hash
    assert "Audit trail verified: 3 events" in verify()


def test_command_line_exit_status_and_output(capsys, monkeypatch):
    # run_from_argv closes every connection when it finishes; on PostgreSQL that would end
    # the test's own transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    events = record_events(3)
    execute_from_command_line(["earlyhelp", "audit", "verify", "--chunk-size", "2"])  # no exit
    assert "Audit trail verified: 3 events, chain unbroken." in capsys.readouterr().out
    tamper(f"UPDATE {TABLE} SET actor_label = 'someone@else' WHERE id = %s", [events[0].pk])
    with pytest.raises(SystemExit) as broken:
        execute_from_command_line(["earlyhelp", "audit", "verify"])
    assert broken.value.code == 1
    assert f"First broken row: row {events[0].pk}" in capsys.readouterr().err


def test_admin_shows_the_hashes_read_only(client):
    event = record_events(1)[0]
    sign_in(client, UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:core_accessevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert event.row_hash in page.text and event.previous_hash in page.text
    assert 'name="row_hash"' not in page.text and 'name="previous_hash"' not in page.text
