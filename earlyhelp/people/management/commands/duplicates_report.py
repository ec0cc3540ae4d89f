"""`earlyhelp duplicates-report` (or `duplicates_report`): possible duplicate people already held."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand

from earlyhelp.people.audit import record_batch_read
from earlyhelp.people.matching import POSSIBLE_MATCH
from earlyhelp.people.models import Person
from earlyhelp.people.search import find_candidates

CSV_COLUMNS = [
    "score",
    "person_id",
    "source_id",
    "name",
    "date_of_birth",
    "other_person_id",
    "other_source_id",
    "other_name",
    "other_date_of_birth",
    "reasons",
]


@dataclass(frozen=True)
class Pair:
    score: float
    first: Person
    second: Person
    reasons: tuple[str, ...]

    def row(self) -> list[str]:
        return [
            f"{self.score:.3f}",
            str(self.first.pk),
            self.first.source_id,
            self.first.full_name,
            self.first.date_of_birth.isoformat() if self.first.date_of_birth else "",
            str(self.second.pk),
            self.second.source_id,
            self.second.full_name,
            self.second.date_of_birth.isoformat() if self.second.date_of_birth else "",
            "; ".join(self.reasons),
        ]


def duplicate_pairs(min_score: float = POSSIBLE_MATCH) -> list[Pair]:
    """Each pair of people scoring at least `min_score` against each other, once, best first."""
    pairs: dict[tuple[int, int], Pair] = {}
    for person in (
        Person.objects.filter(merged_into__isnull=True).order_by("pk").iterator(chunk_size=2000)
    ):
        for other, match in find_candidates(person.as_record(), exclude_id=person.pk):
            if match.score < min_score:
                continue
            key = (min(person.pk, other.pk), max(person.pk, other.pk))
            if key in pairs:
                continue
            first, second = (person, other) if person.pk < other.pk else (other, person)
            pairs[key] = Pair(match.score, first, second, tuple(match.reasons))
    return sorted(pairs.values(), key=lambda p: (-p.score, p.first.pk, p.second.pk))


class Command(BaseCommand):
    help = (
        "List pairs of people already held who may be the same person (score at least "
        "--min-score, default the 'possible match' level), best first, each pair once. "
        "Nothing is merged: a manager decides."
    )

    def add_arguments(self, parser):
        parser.add_argument("--min-score", type=float, default=POSSIBLE_MATCH)
        parser.add_argument("--output", type=Path, default=None, help="Also write a CSV here.")

    def handle(self, *args, min_score: float, output: Path | None, **options):
        pairs = duplicate_pairs(min_score)
        for pair in pairs:
            first, second = pair.first, pair.second
            self.stdout.write(
                f"{pair.score:.3f}  #{first.pk} {first.source_id or '-'} {first.full_name} "
                f"({first.date_of_birth or 'no date of birth'})  and  "
                f"#{second.pk} {second.source_id or '-'} {second.full_name} "
                f"({second.date_of_birth or 'no date of birth'}): {'; '.join(pair.reasons)}"
            )
        if output is not None:
            with output.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(CSV_COLUMNS)
                writer.writerows(pair.row() for pair in pairs)
        record_batch_read("duplicates-report", f"{len(pairs):,} pairs at {min_score:.2f} or more")
        self.stdout.write(
            f"{len(pairs):,} possible duplicate pairs at score {min_score:.2f} or more."
        )
