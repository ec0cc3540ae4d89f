import csv
import importlib.util
import io
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from earlyhelp.people import importer, services
from earlyhelp.people.importer import ImportFileError, import_people, validate_row
from earlyhelp.people.models import Person

pytestmark = pytest.mark.django_db

HEADER = "source_id,given_name,family_name,date_of_birth,sex,postcode,nhs_number,upn,extra\n"
GOOD = [
    "P1,Adrian,Roberts,2009-09-22,M,ct1 8ja,9434765919,,x\n",
    "P2,Joanna,Mistry-Khan,2011-01-26,F,S5 9PT,,,y\n",
    "P3,Olivia,Mistry,2021-10-08,U,,,,\n",
]
ROOT = Path(__file__).resolve().parents[3]


def _write(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


def _report(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _people_rows(n: int, start: int = 1) -> list[str]:
    return [
        f"S{i:05d},Given{chr(65 + i % 26)},Family{chr(65 + i // 26 % 26)},2010-01-{1 + i % 28:02d},F,,,\n"
        for i in range(start, start + n)
    ]


def test_good_rows_are_imported_with_matching_keys_and_history(tmp_path):
    result = import_people(_write(tmp_path / "people.csv", GOOD))
    assert (result.read, result.imported, result.rejected) == (3, 3, 0)
    adrian = Person.objects.get(source_id="P1")
    assert adrian.date_of_birth == date(2009, 9, 22)
    assert adrian.postcode == "CT1 8JA"
    assert adrian.postcode_district == "CT1"
    assert adrian.family_name_key and adrian.given_name_key
    assert adrian.nhs_number == "9434765919"
    assert adrian.disabilities == [] and adrian.ethnicity == "NOBT" and not adrian.is_restricted
    assert adrian.created_at is not None and adrian.updated_at is not None
    record = adrian.history.get()
    assert record.history_change_reason == "Imported from people.csv"
    assert record.history_type == "+" and record.history_user is None
    assert (record.id, record.source_id, record.family_name_key, record.postcode) == (
        adrian.pk,
        "P1",
        adrian.family_name_key,
        "CT1 8JA",
    )
    assert record.date_of_birth == date(2009, 9, 22)
    assert Person.objects.get(source_id="P2").family_name == "Mistry-Khan"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("X,A,B,2024-13-01,M,,,", "date_of_birth 2024-13-01 is not a real date"),
        ("X,A,B,2012-02-30,M,,,", "date_of_birth 2012-02-30 is not a real date"),
        ("X,A,B,31/01/2012,M,,,", "date_of_birth 31/01/2012 is not written YYYY-MM-DD"),
        ("X,A,B,2100-01-01,M,,,", "date_of_birth 2100-01-01 is in the future"),
        ("X,A,B,2012-01-01,M,,9434765918,", "nhs_number 9434765918 fails the check digit"),
        ("X,A,B,2012-01-01,M,,94347659,", "nhs_number 94347659 is not 10 digits"),
        ("X,A,B,2012-01-01,Male,,,", "sex Male is not M, F or U"),
        ("X,A,B,2012-01-01,M,QQ1 1AA,,", "postcode QQ1 1AA is not a valid UK postcode"),
        ("X,A,B,2012-01-01,M,LS6 2AC,,", "postcode LS6 2AC is not a valid UK postcode"),
        ("X,A,,2012-01-01,M,,,", "family_name is blank"),
        ("X,A,B,2012-01-01,M,,,B123456789012", "upn B123456789012 fails the check letter"),
    ],
)
def test_each_rule_has_a_plain_reason(row, reason):
    values = dict(zip(importer.COLUMNS, row.split(","), strict=True))
    valid, reasons = validate_row(values, 1, date(2026, 11, 24))
    assert valid is None
    assert reasons == [reason]


def test_bad_rows_are_reported_with_row_numbers_and_not_imported(tmp_path):
    rows = [
        *GOOD,
        "P4,Ann,Lee,2024-13-01,F,,,,\n",
        "P5,Bob,Lee,2012-01-01,X,,9434765918,,\n",
        "P1,Adrian,Again,2009-09-22,M,,,,\n",  # source_id repeated in the file
        "P6,Cat,Lee,2012-01-01,F,,9434765919,,\n",  # NHS number of row 1
    ]
    path = _write(tmp_path / "people.csv", rows)
    result = import_people(path)
    assert (result.imported, result.rejected) == (3, 4)
    assert result.report_path == tmp_path / "people.rejected.csv"
    report = _report(result.report_path)
    assert [(r["row_number"], r["source_id"]) for r in report] == [
        ("4", "P4"),
        ("5", "P5"),
        ("6", "P1"),
        ("7", "P6"),
    ]
    assert report[0]["reason"] == "date_of_birth 2024-13-01 is not a real date"
    assert report[1]["reason"] == (
        "sex X is not M, F or U; nhs_number 9434765918 fails the check digit"
    )
    assert report[2]["reason"] == "source_id P1 appears earlier in the file"
    assert report[3]["reason"] == "nhs_number 9434765919 is also given on row 1"
    assert not Person.objects.filter(source_id__in=["P4", "P5", "P6"]).exists()
    assert Person.objects.get(source_id="P1").family_name == "Roberts"


def test_identifier_held_by_someone_else_is_rejected_not_merged(tmp_path):
    import_people(_write(tmp_path / "first.csv", GOOD[:1]))
    path = _write(tmp_path / "second.csv", ["Q1,Ade,Roberts,2009-09-22,M,,9434765919,,\n"])
    result = import_people(path)
    assert (result.imported, result.rejected) == (0, 1)
    assert _report(result.report_path)[0]["reason"] == (
        "nhs_number 9434765919 is already held for another person (source_id P1)"
    )
    assert Person.objects.count() == 1


def test_missing_required_column_writes_nothing(tmp_path):
    header = "source_id,given_name,date_of_birth,postcode\n"
    path = _write(tmp_path / "people.csv", ["P1,Adrian,2009-09-22,\n"], header=header)
    with pytest.raises(ImportFileError, match="missing the columns family_name, sex"):
        import_people(path)
    assert Person.objects.count() == 0
    assert not (tmp_path / "people.rejected.csv").exists()


def test_running_again_imports_nothing_new(tmp_path):
    path = _write(tmp_path / "people.csv", GOOD)
    import_people(path)
    again = import_people(path)
    assert (again.read, again.imported, again.already_imported, again.rejected) == (3, 0, 3, 0)
    assert Person.objects.count() == 3
    assert Person.history.count() == 3


def test_interrupted_import_leaves_whole_batches_and_a_rerun_finishes_it(tmp_path, monkeypatch):
    path = _write(tmp_path / "people.csv", _people_rows(25))
    real = services.insert_imported_people
    calls = {"n": 0}

    def crash_on_third_batch(people, *, reason):
        calls["n"] += 1
        real(people, reason=reason)
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed half-way")

    monkeypatch.setattr(services, "insert_imported_people", crash_on_third_batch)
    with pytest.raises(KeyboardInterrupt):
        import_people(path, batch_size=10)
    assert Person.objects.count() == 20  # batches 1 and 2 whole; batch 3 rolled back entirely
    assert Person.history.count() == 20

    monkeypatch.setattr(services, "insert_imported_people", real)
    result = import_people(path, batch_size=10)
    assert (result.imported, result.already_imported) == (5, 20)
    source_ids = list(Person.objects.values_list("source_id", flat=True))
    assert sorted(source_ids) == sorted(f"S{i:05d}" for i in range(1, 26))


def _synth():
    spec = importlib.util.spec_from_file_location(
        "people_synth", ROOT / "benchmarks" / "people_synth.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("people_synth", module)
    spec.loader.exec_module(module)
    return module


def test_generated_file_rejects_exactly_the_labelled_rows(tmp_path):
    synth = _synth()
    path = tmp_path / "import-1k.csv"
    synth.main(
        [
            "import-file",
            "--rows",
            "1000",
            "--bad-fraction",
            "0.01",
            "--seed",
            "3",
            "--output",
            str(path),
        ]
    )
    expected = _report(synth.expected_path(path))
    assert len(expected) == 10
    result = import_people(path, batch_size=300)
    rejected = _report(result.report_path)
    assert [(r["row_number"], r["source_id"]) for r in rejected] == [
        (r["row_number"], r["source_id"]) for r in expected
    ]
    assert (result.read, result.imported, result.rejected) == (1000, 990, 10)
    assert Person.objects.count() == 990


def test_command_shows_progress_and_summary(tmp_path):
    path = _write(tmp_path / "people.csv", [*_people_rows(5), "BAD,A,B,2012-02-30,M,,,,\n"])
    out = io.StringIO()
    call_command(
        "import",
        "people",
        str(path),
        "--batch-size",
        "2",
        "--report",
        str(tmp_path / "r.csv"),
        stdout=out,
    )
    text = out.getvalue()
    assert "2 rows read: 2 imported" in text
    assert "Read 6 rows: imported 5, already imported 0, rejected 1" in text
    assert "rows/second" in text
    assert _report(tmp_path / "r.csv")[0]["row_number"] == "6"


def test_command_reports_a_missing_column_clearly(tmp_path):
    path = _write(tmp_path / "people.csv", ["P1\n"], header="source_id\n")
    with pytest.raises(CommandError, match="missing the columns given_name"):
        call_command("import", "people", str(path))
    with pytest.raises(CommandError):
        call_command("import", "families", str(path))
