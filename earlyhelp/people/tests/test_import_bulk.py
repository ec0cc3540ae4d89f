"""The bulk writer (earlyhelp/people/bulk.py) and the import through it, on SQLite and PostgreSQL.

`services.insert_imported_people` delegates to `bulk.insert_people_rows`; the `bulk_writer`
fixture makes sure these tests exercise the bulk writer whichever way services.py stands."""

import csv
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from earlyhelp.people import bulk, services
from earlyhelp.people.importer import import_people
from earlyhelp.people.models import Family, FamilyMember, Person

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
HEADER = "source_id,given_name,family_name,date_of_birth,sex,postcode,nhs_number,upn\n"


@pytest.fixture
def bulk_writer(monkeypatch):
    monkeypatch.setattr(services, "insert_imported_people", bulk.insert_people_rows)


def _person(source_id: str, **extra):
    row = {
        "source_id": source_id,
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth": date(2012, 3, 4),
        "sex": "F",
        "nhs_number": "",
        "upn": "",
        "family_name_key": "LFLS",
        "given_name_key": "AT",
        "postcode": "LS6 2AB",
        "postcode_district": "LS6",
    }
    return {**row, **extra}


def test_people_and_history_rows_are_written_with_defaults():
    with transaction.atomic():
        ids = bulk.insert_people_rows(
            [_person("A1", nhs_number="9434765919"), _person("A2", given_name="Grace")],
            reason="Imported from test.csv",
        )
    assert len(ids) == 2
    ada, grace = Person.objects.get(pk=ids[0]), Person.objects.get(pk=ids[1])
    assert (ada.source_id, grace.given_name) == ("A1", "Grace")
    assert ada.date_of_birth == date(2012, 3, 4) and ada.nhs_number == "9434765919"
    assert ada.disabilities == [] and ada.ethnicity == "NOBT" and not ada.is_restricted
    assert ada.created_at == ada.updated_at and ada.created_at is not None
    record = ada.history.get()
    assert (record.history_type, record.history_change_reason) == ("+", "Imported from test.csv")
    assert record.history_user is None and record.history_date == ada.created_at
    assert (record.source_id, record.postcode, record.date_of_birth) == (
        "A1",
        "LS6 2AB",
        date(2012, 3, 4),
    )
    assert Person.history.count() == 2


def test_ids_never_clash_with_later_or_deleted_people():
    first = Person.objects.create(given_name="First")
    deleted = Person.objects.create(given_name="Deleted")
    deleted_id = deleted.pk
    deleted.delete()  # its history keeps its id: that id must never be given to someone else
    with transaction.atomic():
        ids = bulk.insert_people_rows([_person(f"B{i}") for i in range(3)], reason="r")
    assert min(ids) > deleted_id > first.pk
    later = Person.objects.create(given_name="Later")  # the ORM carries on after the bulk ids
    assert later.pk > max(ids)


def test_other_models_with_foreign_keys_and_history():
    family = Family.objects.create(name="Lovelace family")
    with transaction.atomic():
        people = bulk.insert_people_rows([_person("C1"), _person("C2")], reason="r")
        ids = bulk.bulk_insert(
            FamilyMember,
            ("family_id", "person_id", "role", "joined_on"),
            [
                (family.pk, people[0], "parent", date(2020, 1, 1)),
                (family.pk, people[1], "child", None),
            ],
            reason="Demo data",
        )
    members = FamilyMember.objects.filter(pk__in=ids).order_by("pk")
    assert [(m.person_id, m.role, m.joined_on) for m in members] == [
        (people[0], "parent", date(2020, 1, 1)),
        (people[1], "child", None),
    ]
    history = FamilyMember.history.order_by("history_id")
    assert [(h.id, h.history_change_reason) for h in history] == [
        (ids[0], "Demo data"),
        (ids[1], "Demo data"),
    ]


def test_a_failed_write_leaves_nothing_behind():
    with transaction.atomic():
        bulk.insert_people_rows([_person("D1", nhs_number="9434765919")], reason="r")
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_people_rows([_person("D2"), _person("D3", nhs_number="9434765919")], reason="r")
    assert list(Person.objects.values_list("source_id", flat=True)) == ["D1"]
    assert Person.history.count() == 1


def test_unknown_columns_are_refused():
    with pytest.raises(ValueError, match="no insertable column shoe_size"):
        bulk.bulk_insert(Person, ("given_name", "shoe_size"), [("A", 1)], reason="r")
    with pytest.raises(ValueError, match="cannot look up given_name"):
        bulk.people_holding("given_name", ["A"])


def test_people_holding_finds_identifiers_in_chunks():
    with transaction.atomic():
        bulk.insert_people_rows(
            [_person("E1", nhs_number="9434765919"), _person("E2", upn="A000000000000")],
            reason="r",
        )
    wanted = [f"X{i}" for i in range(12_000)] + ["E2", "E1", ""]
    assert bulk.people_holding("source_id", wanted) == {"E1": "E1", "E2": "E2"}
    assert bulk.people_holding("nhs_number", ["9434765919", ""]) == {"9434765919": "E1"}
    assert bulk.people_holding("upn", ["A000000000000"]) == {"A000000000000": "E2"}


def test_import_through_the_bulk_writer(tmp_path, bulk_writer):
    rows = [
        "P1,Adrian,Roberts,2009-09-22,M,ct1 8ja,9434765919,\n",
        "P2,Joanna,Mistry-Khan,2011-01-26,F,S5 9PT,,A000000000000\n",
        "P3,Olivia,Mistry,2021-10-08,U,,,\n",
        "P4,Bad,Date,2012-02-30,U,,,\n",
        "P5,Same,Nhs,2012-02-03,U,,9434765919,\n",
    ]
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    result = import_people(path, batch_size=2)
    assert (result.read, result.imported, result.rejected) == (5, 3, 2)
    adrian = Person.objects.get(source_id="P1")
    assert (adrian.postcode, adrian.postcode_district) == ("CT1 8JA", "CT1")
    assert adrian.family_name_key and adrian.given_name_key
    assert adrian.history.get().history_change_reason == "Imported from people.csv"
    again = import_people(path, batch_size=2)
    assert (again.imported, again.already_imported, again.rejected) == (0, 3, 2)
    assert Person.objects.count() == Person.history.count() == 3


def test_interrupted_bulk_import_leaves_whole_batches(tmp_path, monkeypatch):
    lines = [
        f"S{i:05d},Given{i},Family{i % 7},2010-01-{1 + i % 28:02d},F,,,\n" for i in range(1, 26)
    ]
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    calls = {"n": 0}

    def crash_on_third_batch(people, *, reason):
        calls["n"] += 1
        bulk.insert_people_rows(people, reason=reason)
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed half-way")

    monkeypatch.setattr(services, "insert_imported_people", crash_on_third_batch)
    with pytest.raises(KeyboardInterrupt):
        import_people(path, batch_size=10)
    assert Person.objects.count() == Person.history.count() == 20
    monkeypatch.setattr(services, "insert_imported_people", bulk.insert_people_rows)
    result = import_people(path, batch_size=10)
    assert (result.imported, result.already_imported) == (5, 20)
    assert Person.objects.count() == Person.history.count() == 25


def _synth_file(path: Path, rows: int) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "people_synth.py"),
            "import-file",
            "--rows",
            str(rows),
            "--bad-fraction",
            "0.01",
            "--seed",
            "5",
            "--output",
            str(path),
        ],
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is POSIX")
def test_kill_minus_nine_half_way_then_rerun_imports_each_person_once(tmp_path):
    """A real `kill -9` of `earlyhelp import people` in a subprocess, on its own SQLite file."""
    rows = 10_000
    data = tmp_path / "people.csv"
    _synth_file(data, rows)
    with (tmp_path / "people.expected.csv").open(newline="") as handle:
        bad = sum(1 for _ in csv.DictReader(handle))
    database = tmp_path / "kill.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "EARLYHELP_VAR_DIR": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
        "DEBUG": "0",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    command = [*manage, "import", "people", str(data), "--batch-size", "200"]
    child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for line in child.stdout:
        if "rows read" in line:  # the first batch is committed: kill it in the middle of the rest
            break
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL

    def counts() -> tuple[int, int, int]:
        with sqlite3.connect(database) as db:
            people, distinct = db.execute(
                "SELECT COUNT(*), COUNT(DISTINCT source_id) FROM people_person"
            ).fetchone()
            history = db.execute("SELECT COUNT(*) FROM people_historicalperson").fetchone()[0]
        return people, distinct, history

    people, distinct, history = counts()
    assert 0 < people < rows - bad  # killed half-way
    assert people == distinct == history  # whole people, each with its history row
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert "already imported" in done.stdout
    assert counts() == (rows - bad, rows - bad, rows - bad)  # each person exactly once


def test_dates_pass_through_unchanged():
    days = [date(1900, 1, 1), date(2026, 11, 24), date(2000, 2, 29)]
    with transaction.atomic():
        ids = bulk.insert_people_rows(
            [_person(f"F{i}", date_of_birth=day) for i, day in enumerate(days)], reason="r"
        )
    got = dict(Person.objects.filter(pk__in=ids).values_list("source_id", "date_of_birth"))
    assert got == {f"F{i}": day for i, day in enumerate(days)}


def test_sqlite_bulk_session_puts_the_settings_back():
    from django.db import connection

    if connection.vendor != "sqlite":
        with bulk.sqlite_bulk_session():  # nothing to do on PostgreSQL
            return

    def settings() -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            wal = cursor.fetchone()[0]
            cursor.execute("PRAGMA cache_size")
            return wal, cursor.fetchone()[0]

    before = settings()
    with bulk.sqlite_bulk_session(wal_pages=1234, cache_kib=4096):
        assert settings() == (1234, -4096)
    assert settings() == before
