import csv
import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from earlyhelp.core.seeding import SeedContext, make_faker
from earlyhelp.people.management.commands.duplicates_report import duplicate_pairs
from earlyhelp.people.matching import PROBABLE_MATCH
from earlyhelp.people.models import Person
from earlyhelp.people.seed import seed_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    seed_people(SeedContext(scale="demo", faker=make_faker(), stdout=io.StringIO()))


def _names(pair):
    return {pair.first.full_name, pair.second.full_name}


def test_the_planted_duplicate_is_the_top_probable_pair_and_twins_are_not_probable(demo):
    pairs = duplicate_pairs()
    assert pairs, "expected at least the planted duplicate"
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True)
    keys = [(p.first.pk, p.second.pk) for p in pairs]
    assert len(keys) == len(set(keys)) and all(a < b for a, b in keys)
    planted = [p for p in pairs if _names(p) == {"William Fairweather", "Billy Fairwether"}]
    assert len(planted) == 1
    assert planted[0].score >= PROBABLE_MATCH
    assert planted[0].reasons
    # The first demo household has twins: same surname, birthday and address.
    twin_birthdays = (
        Person.objects.values("family_name", "date_of_birth", "postcode")
        .order_by()
        .annotate(n=Count("id"))
        .filter(n__gte=2)
    )
    assert twin_birthdays.exists()
    for group in twin_birthdays:
        twins = set(
            Person.objects.filter(
                family_name=group["family_name"],
                date_of_birth=group["date_of_birth"],
                postcode=group["postcode"],
            ).values_list("pk", flat=True)
        )
        for pair in pairs:
            if {pair.first.pk, pair.second.pk} <= twins:
                assert pair.score < PROBABLE_MATCH


def test_command_prints_and_writes_csv(demo, tmp_path):
    output = tmp_path / "dups.csv"
    out = io.StringIO()
    call_command(
        "duplicates-report", "--min-score", str(PROBABLE_MATCH), "--output", str(output), stdout=out
    )
    text = out.getvalue()
    assert "William Fairweather" in text and "Billy Fairwether" in text
    assert "2017-05-09" in text
    with output.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(float(row["score"]) >= PROBABLE_MATCH for row in rows)
    planted = {"William Fairweather", "Billy Fairwether"}
    assert any({r["name"], r["other_name"]} == planted for r in rows)
    assert "possible duplicate pairs" in text


def test_min_score_filters(demo):
    assert all(p.score >= 0.99 for p in duplicate_pairs(0.99))
