"""Bulk import of people from the CSV format in docs/people-import-format.md.

Every row is validated; rejected rows go to a report with their row number (1-based, header not
counted) and plain-English reasons. Valid rows are written in batches, each batch inside its own
transaction, with matching keys and a history row ("Imported from <file>"), so an interrupted
import leaves whole batches only. Rows whose `source_id` is already held are skipped, so running
the same file again finishes the job and never creates anyone twice. Nothing is ever merged:
possible duplicates of people already held are for `earlyhelp match` and the duplicates report.

The import writes the person and their current postcode (for matching); an import row has no
address lines, so no `Address` row is created."""

import csv
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import transaction

from . import bulk, matching, services
from .identifiers import nhs_check_digit, normalise_postcode, upn_check_letter
from .matching import PersonRecord

COLUMNS = [
    "source_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "nhs_number",
    "upn",
]
REQUIRED_COLUMNS = COLUMNS[:5]
REPORT_COLUMNS = ["row_number", "source_id", "reason"]
DEFAULT_BATCH_SIZE = 5000
SEXES = ("M", "F", "U")
MAX_LENGTH = {"source_id": 100, "given_name": 100, "family_name": 100}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NHS = re.compile(r"\d{10}")
_UPN = re.compile(r"[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]")


class ImportFileError(Exception):
    """The file cannot be imported at all (nothing has been written)."""


@dataclass(slots=True)
class ValidRow:
    row_number: int
    source_id: str
    given_name: str
    family_name: str
    date_of_birth: date
    sex: str
    postcode: str
    nhs_number: str
    upn: str


@dataclass
class ImportResult:
    read: int = 0
    imported: int = 0
    already_imported: int = 0
    rejected: int = 0
    seconds: float = 0.0
    report_path: Path | None = None
    rejections: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def rows_per_second(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (
            f"Read {self.read:,} rows: imported {self.imported:,}, already imported "
            f"{self.already_imported:,}, rejected {self.rejected:,} "
            f"({self.rows_per_second:,.0f} rows/second)."
        )


def default_report_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejected.csv")


def normalise_import_postcode(value: str) -> str | None:
    """Upper-cased with one space before the inward code; None when not a valid UK postcode."""
    return normalise_postcode(value)


@lru_cache(maxsize=65536)
def _postcode(value: str) -> str:
    # People in one household share a postcode, so a file repeats many.
    return normalise_postcode(value) or ""


def _check_nhs(value: str) -> str | None:
    if not _NHS.fullmatch(value):
        return f"nhs_number {value} is not 10 digits"
    if nhs_check_digit(value[:9]) != int(value[9]):
        return f"nhs_number {value} fails the check digit"
    return None


def _check_upn(value: str) -> str | None:
    if not _UPN.fullmatch(value):
        return (
            f"upn {value} is not a letter, 11 digits and a final digit or letter "
            "(13 characters, no I, O or S)"
        )
    if upn_check_letter(value[1:]) != value[0]:
        return f"upn {value} fails the check letter"
    return None


def _check_date(value: str, today: date) -> tuple[date | None, str | None]:
    if len(value) == 10 and value[4] == "-" and value[7] == "-" and _DATE.fullmatch(value):
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            return None, f"date_of_birth {value} is not a real date"
        return (
            (parsed, None) if parsed <= today else (None, f"date_of_birth {value} is in the future")
        )
    if not value:
        return None, "date_of_birth is blank"
    if not _DATE.fullmatch(value):
        return None, f"date_of_birth {value} is not written YYYY-MM-DD"
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None, f"date_of_birth {value} is not a real date"
    if parsed > today:
        return None, f"date_of_birth {value} is in the future"
    return parsed, None


def validate_row(
    row: dict[str, str], row_number: int, today: date
) -> tuple[ValidRow | None, list[str]]:
    """The row cleaned, or None and every reason it cannot be imported."""
    return validate_values(
        [(row.get(column) or "").strip() for column in COLUMNS], row_number, today
    )


def validate_values(
    values: list[str], row_number: int, today: date
) -> tuple[ValidRow | None, list[str]]:
    """`validate_row` for the stripped values of the `COLUMNS`, in that order (the import's hot
    path: a clean row passes each check once and allocates nothing it does not keep)."""
    source_id, given_name, family_name, raw_dob, sex, raw_postcode, nhs_number, raw_upn = values
    reasons: list[str] = []
    for column, value in (
        ("source_id", source_id),
        ("given_name", given_name),
        ("family_name", family_name),
    ):
        if not value:
            reasons.append(f"{column} is blank")
        elif len(value) > MAX_LENGTH[column]:
            reasons.append(f"{column} is longer than {MAX_LENGTH[column]} characters")
    dob, problem = _check_date(raw_dob, today)
    if problem:
        reasons.append(problem)
    if sex not in SEXES:
        shown = sex or "(blank)"
        reasons.append(f"sex {shown} is not M, F or U")
    postcode = ""
    if raw_postcode:
        postcode = _postcode(raw_postcode)
        if not postcode:
            reasons.append(f"postcode {raw_postcode} is not a valid UK postcode")
    if nhs_number and (problem := _check_nhs(nhs_number)):
        reasons.append(problem)
    upn = raw_upn.upper()
    if upn and (problem := _check_upn(upn)):
        reasons.append(problem)
    if reasons or dob is None:
        return None, reasons
    return (
        ValidRow(
            row_number, source_id, given_name, family_name, dob, sex, postcode, nhs_number, upn
        ),
        [],
    )


def parse_date_leniently(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if _DATE.fullmatch(value.strip()) else None
    except ValueError:
        return None


def record_from_row(row: dict[str, str]) -> PersonRecord:
    """A matching query from an import-format row, however rough (for `earlyhelp match`)."""
    values = {column: (row.get(column) or "").strip() for column in COLUMNS}
    sex = values["sex"].upper()
    return PersonRecord(
        given_name=values["given_name"],
        family_name=values["family_name"],
        date_of_birth=parse_date_leniently(values["date_of_birth"]),
        sex=sex if sex in ("M", "F") else "",
        postcode=values["postcode"],
        nhs_number=values["nhs_number"],
        upn=values["upn"],
        source_id=values["source_id"],
    )


def _open_checked(path: Path) -> tuple[Any, list[str]]:
    """The open file and its header; raises ImportFileError (and closes the file) when a required
    column is missing."""
    handle = path.open(newline="", encoding="utf-8-sig")
    reader = csv.reader(handle)
    header = [name.strip() for name in next(reader, [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        handle.close()
        raise ImportFileError(
            f"{path.name} is missing the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}. The first line must name the columns "
            f"{', '.join(COLUMNS)} (postcode, nhs_number and upn may be left out). "
            "Nothing has been imported."
        )
    return handle, header


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    """Rows of an import-format file; raises ImportFileError before yielding anything when a
    required column is missing."""
    handle, header = _open_checked(path)
    with handle:
        yield from csv.DictReader(handle, fieldnames=header)


def read_values(path: Path) -> Iterator[list[str]]:
    """The stripped values of the `COLUMNS` of each row, in that order ("" for a column the file
    leaves out or a short row): the import's reader, without a dict per row."""
    handle, header = _open_checked(path)
    with handle:
        positions = [header.index(column) if column in header else -1 for column in COLUMNS]
        width = len(header)
        for row in csv.reader(handle):
            if not row:  # a blank line is not a row (as csv.DictReader has it)
                continue
            if len(row) < width:
                row = row + [""] * (width - len(row))
            yield [row[i].strip() if i >= 0 else "" for i in positions]


class _Importer:
    def __init__(
        self,
        *,
        reason: str,
        batch_size: int,
        result: ImportResult,
        progress: Callable[[ImportResult], None] | None,
    ) -> None:
        self.reason = reason
        self.batch_size = batch_size
        self.result = result
        self.progress = progress
        self.seen_source_ids: set[str] = set()
        self.nhs_rows: dict[str, int] = {}
        self.upn_rows: dict[str, int] = {}
        # Names repeat a great deal (a family shares a surname): compute each key once.
        self.family_keys: dict[str, str] = {}
        self.given_keys: dict[str, str] = {}

    def reject(self, row_number: int, source_id: str, reasons: Iterable[str]) -> None:
        self.result.rejected += 1
        self.result.rejections.append((row_number, source_id, "; ".join(reasons)))

    def check_in_file(self, row: ValidRow) -> list[str]:
        """Reasons this row clashes with an earlier row of the same file."""
        nhs_number, upn = row.nhs_number, row.upn
        if (
            row.source_id not in self.seen_source_ids
            and not (nhs_number and nhs_number in self.nhs_rows)
            and not (upn and upn in self.upn_rows)
        ):
            self.seen_source_ids.add(row.source_id)
            if nhs_number:
                self.nhs_rows[nhs_number] = row.row_number
            if upn:
                self.upn_rows[upn] = row.row_number
            return []
        reasons = []
        if row.source_id in self.seen_source_ids:
            reasons.append(f"source_id {row.source_id} appears earlier in the file")
        for value, seen, label in (
            (nhs_number, self.nhs_rows, "nhs_number"),
            (upn, self.upn_rows, "upn"),
        ):
            if value and value in seen:
                reasons.append(f"{label} {value} is also given on row {seen[value]}")
        return reasons

    def _keys(self, row: ValidRow) -> tuple[str, str]:
        family = self.family_keys.get(row.family_name)
        if family is None:
            family = self.family_keys[row.family_name] = matching.family_name_key(row.family_name)
        given = self.given_keys.get(row.given_name)
        if given is None:
            given = self.given_keys[row.given_name] = matching.given_name_key(row.given_name)
        return family, given

    def write_batch(self, batch: list[ValidRow]) -> None:
        with transaction.atomic():
            existing = bulk.people_holding("source_id", [r.source_id for r in batch])
            fresh = [r for r in batch if r.source_id not in existing]
            self.result.already_imported += len(batch) - len(fresh)
            held_nhs = bulk.people_holding("nhs_number", [r.nhs_number for r in fresh])
            held_upn = bulk.people_holding("upn", [r.upn for r in fresh])
            people: list[dict[str, Any]] = []
            for row in fresh:
                if (row.nhs_number and row.nhs_number in held_nhs) or (
                    row.upn and row.upn in held_upn
                ):
                    reasons = [
                        f"{label} {value} is already held for another person"
                        + (f" (source_id {held[value]})" if held[value] else "")
                        for label, value, held in (
                            ("nhs_number", row.nhs_number, held_nhs),
                            ("upn", row.upn, held_upn),
                        )
                        if value and value in held
                    ]
                    self.reject(row.row_number, row.source_id, reasons)
                    continue
                family_key, given_key = self._keys(row)
                # The same keys as Person.refresh_matching_keys and set_current_postcode.
                people.append(
                    {
                        "source_id": row.source_id,
                        "given_name": row.given_name,
                        "family_name": row.family_name,
                        "date_of_birth": row.date_of_birth,
                        "sex": row.sex,
                        "nhs_number": row.nhs_number,
                        "upn": row.upn,
                        "family_name_key": family_key,
                        "given_name_key": given_key,
                        "postcode": row.postcode,
                        "postcode_district": row.postcode.split(" ")[0] if row.postcode else "",
                    }
                )
            if people:
                services.insert_imported_people(people, reason=self.reason)
        self.result.imported += len(people)

    def run(self, rows: Iterable[list[str]]) -> None:
        today = date.today()
        batch: list[ValidRow] = []
        result = self.result
        for row_number, values in enumerate(rows, start=1):
            result.read += 1
            valid, reasons = validate_values(values, row_number, today)
            if valid is not None:
                reasons = self.check_in_file(valid)
            if valid is None or reasons:
                self.reject(row_number, values[0], reasons)
                continue
            batch.append(valid)
            if len(batch) >= self.batch_size:
                self.flush(batch)
                batch = []
        if batch:
            self.flush(batch)

    def flush(self, batch: list[ValidRow]) -> None:
        self.write_batch(batch)
        if self.progress:
            self.progress(self.result)


def write_report(path: Path, rejections: list[tuple[int, str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(REPORT_COLUMNS)
        writer.writerows(sorted(rejections))


def import_people(
    path: Path,
    *,
    report_path: Path | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import the file; the rejected rows (if any were read) are written to `report_path`
    (default `<name>.rejected.csv` next to the file), even when the import stops part-way."""
    if batch_size < 1:
        raise ImportFileError("The batch size must be at least 1.")
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"There is no file {path}.")
    result = ImportResult(report_path=report_path or default_report_path(path))
    rows = read_values(path)
    importer = _Importer(
        reason=f"Imported from {path.name}",
        batch_size=batch_size,
        result=result,
        progress=progress,
    )
    start = time.perf_counter()
    try:
        with bulk.sqlite_bulk_session():
            importer.run(rows)
    finally:
        result.seconds = time.perf_counter() - start
        if result.read:
            assert result.report_path is not None
            write_report(result.report_path, result.rejections)
    return result
