"""`earlyhelp match FILE.csv --output OUT.csv`: batch matching for data-quality work."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from earlyhelp.people.audit import record_batch_read
from earlyhelp.people.importer import ImportFileError, read_csv, record_from_row
from earlyhelp.people.search import find_candidates

OUTPUT_COLUMNS = ["query_id", "candidate_source_id", "score", "reasons"]


def candidate_id(person) -> str:
    """The person's source_id, or `person:<id>` for someone not imported from another system."""
    return person.source_id or f"person:{person.pk}"


class Command(BaseCommand):
    help = (
        "For each row of FILE.csv (the people import format; extra columns ignored) write up to 5 "
        "candidates already held, best first: query_id (the row's source_id), "
        "candidate_source_id (or person:<id> when the person has none), score (0-1, 3 decimals) "
        'and reasons (joined with "; "). A row with no candidates writes no lines. '
        "Nothing is merged or changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Query rows in the import format.")
        parser.add_argument("--output", type=Path, required=True, help="The CSV to write.")
        parser.add_argument("--limit", type=int, default=5, help="Candidates per row (default 5).")

    def handle(self, *args, file: Path, output: Path, limit: int, **options):
        if not file.is_file():
            raise CommandError(f"There is no file {file}.")
        queries = lines = 0
        try:
            with output.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(OUTPUT_COLUMNS)
                for row in read_csv(file):
                    queries += 1
                    query = record_from_row(row)
                    for person, match in find_candidates(query, limit=limit):
                        writer.writerow(
                            [
                                query.source_id,
                                candidate_id(person),
                                f"{match.score:.3f}",
                                "; ".join(match.reasons),
                            ]
                        )
                        lines += 1
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        record_batch_read("match", f"{file.name}: {queries:,} rows, {lines:,} candidates")
        self.stdout.write(
            self.style.SUCCESS(f"Matched {queries:,} rows: {lines:,} candidates in {output}.")
        )
