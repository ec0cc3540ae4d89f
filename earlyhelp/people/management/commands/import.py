"""`earlyhelp import people FILE.csv`: bulk import (see docs/people-import-format.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from earlyhelp.people.importer import (
    DEFAULT_BATCH_SIZE,
    ImportFileError,
    ImportResult,
    import_people,
)


class Command(BaseCommand):
    help = (
        "Import people from a CSV file (docs/people-import-format.md). Rejected rows are written "
        "to a report with their row number and reason; rows whose source_id is already held are "
        "skipped, so an interrupted import can simply be run again. Nothing is ever merged."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["people"], help="What to import: people.")
        parser.add_argument("file", type=Path, help="The CSV file.")
        parser.add_argument(
            "--report",
            type=Path,
            default=None,
            help="Where to write rejected rows (default: <name>.rejected.csv next to the file).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Rows written per transaction (default {DEFAULT_BATCH_SIZE:,}).",
        )

    def handle(self, *args, kind: str, file: Path, report: Path | None, batch_size: int, **options):
        def progress(result: ImportResult) -> None:
            self.stdout.write(
                f"  {result.read:,} rows read: {result.imported:,} imported, "
                f"{result.already_imported:,} already imported, {result.rejected:,} rejected"
            )

        self.stdout.write(f"Importing people from {file}...")
        try:
            result = import_people(
                file, report_path=report, batch_size=batch_size, progress=progress
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(result.summary()))
        if result.rejected:
            self.stdout.write(f"Rejected rows and reasons: {result.report_path}")
