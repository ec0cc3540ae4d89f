import csv
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from earlyhelp.people import services
from earlyhelp.people.models import Person
from earlyhelp.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "source_id,given_name,family_name,date_of_birth,sex,postcode,nhs_number,upn,true_source_id\n"
)


@pytest.fixture
def held():
    services.create_person(
        actor=None,
        given_name="William",
        family_name="Smith",
        date_of_birth=date(2016, 3, 4),
        sex="M",
        nhs_number="9434765919",
        source_id="A1",
    )
    services.create_person(
        actor=None, given_name="Harry", family_name="Smith", date_of_birth=date(2016, 3, 4), sex="M"
    )
    services.create_person(
        actor=None,
        given_name="Chloe",
        family_name="Patel",
        date_of_birth=date(1990, 1, 1),
        sex="F",
        source_id="A3",
    )


def _run(tmp_path, rows):
    source = tmp_path / "queries.csv"
    source.write_text(HEADER + "".join(rows), encoding="utf-8")
    output = tmp_path / "out.csv"
    out = io.StringIO()
    call_command("match", str(source), "--output", str(output), stdout=out)
    with output.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle)), out.getvalue()


def test_each_query_gets_ranked_candidates_with_reasons(tmp_path, held):
    lines, out = _run(
        tmp_path,
        [
            "Q1,Billy,Smyth,2016-04-03,M,,,,A1\n",  # nickname, typo, swapped day and month
            "Q2,Zebedee,Quint,1950-06-07,U,,,,\n",  # nobody like this is held
        ],
    )
    assert list(lines[0]) == ["query_id", "candidate_source_id", "score", "reasons"]
    assert [line["query_id"] for line in lines] == ["Q1"] * len(lines)
    assert 1 <= len(lines) <= 5
    best = lines[0]
    assert best["candidate_source_id"] == "A1"
    assert 0 <= float(best["score"]) <= 1
    assert len(best["score"].split(".")[1]) == 3
    assert "; " in best["reasons"]
    harry = Person.objects.get(given_name="Harry")
    assert f"person:{harry.pk}" in {line["candidate_source_id"] for line in lines}
    assert "Matched 2 rows" in out
    assert Person.objects.count() == 3  # nothing changed


def test_identifier_finds_the_person_first(tmp_path, held):
    lines, _ = _run(tmp_path, ["Q1,Will,Smith,2016-03-04,M,,9434765919,,\n"])
    assert lines[0]["candidate_source_id"] == "A1"
    assert float(lines[0]["score"]) >= 0.9


def test_missing_file_or_column_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        call_command("match", str(tmp_path / "nope.csv"), "--output", str(tmp_path / "o.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("source_id\nQ1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing the columns"):
        call_command("match", str(bad), "--output", str(tmp_path / "o.csv"))


def test_batch_commands_write_to_the_access_log(tmp_path):
    from earlyhelp.core.models import AccessEvent

    PersonFactory(given_name="Ada", family_name="Lovelace")
    query = tmp_path / "q.csv"
    query.write_text(
        "source_id,given_name,family_name,date_of_birth,sex,postcode,nhs_number,upn\n"
        "q1,Ada,Lovelace,,U,,,\n"
    )
    call_command("match", query, output=tmp_path / "out.csv", stdout=io.StringIO())
    call_command("duplicates_report", stdout=io.StringIO())
    descriptions = list(
        AccessEvent.objects.filter(object_type="person_batch").values_list("description", flat=True)
    )
    assert any(d.startswith("earlyhelp match: q.csv: 1 rows") for d in descriptions)
    assert any(d.startswith("earlyhelp duplicates-report") for d in descriptions)
