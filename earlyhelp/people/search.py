"""Find the people already recorded who may be the person described: identifiers first, then
blocking on the indexed matching keys, then `matching.score` in Python.

Two queries whatever the size of the population: one for exact identifiers, one OR of indexed
blocking lookups capped at `BLOCK_CAP` rows. The cap is deterministic and keeps the strongest blocks:
rows are ranked in SQL by which keys they share with the query (`_block_priority`: the exact date of
birth above everything else, then the names, then a swapped day and month, the birth year and the
postcode), then by id. Callers pass the queryset the user may see
(`access.visible_to(user)`) and write the search's `AccessEvent`; this module only finds."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import CombinedExpression

from .identifiers import validate_nhs_number, validate_upn
from .matching import Match, PersonRecord, blocking_keys, score, swapped_day_month
from .models import Person

BLOCK_CAP = 2000
"""Most rows scored per lookup. A date of birth blocks about 35 people in a million; a common
surname within one birth year a few hundred; a common surname and first name across all years or
a surname alone can pass the cap. What is cut is then the weakest rows, never an exact date of birth."""

# Priority weights. Sharing the exact date of birth outranks any combination of the others
# (3 + 2 + 2 + 1 = 8 < 10), so those rows are the last to be cut.
_EXACT_DOB, _SWAPPED_DOB, _SAME_YEAR = 10, 3, 1
_SURNAME, _GIVEN, _POSTCODE = 2, 2, 1


def _clean(validate, value: str) -> str:
    try:
        return validate(value) if value else ""
    except ValidationError:
        return ""


def _identifier_q(query: PersonRecord) -> Q | None:
    # Each lookup also says "not blank": the unique indexes are partial (blank values repeat),
    # and SQLite only uses a partial index when the query implies the index's condition.
    conditions = Q()
    if nhs := _clean(validate_nhs_number, query.nhs_number):
        conditions |= Q(nhs_number=nhs) & ~Q(nhs_number="")
    if upn := _clean(validate_upn, query.upn):
        conditions |= Q(upn=upn) & ~Q(upn="")
    if query.council_person_id:
        conditions |= Q(council_person_id=query.council_person_id) & ~Q(council_person_id="")
    if query.source_id:
        conditions |= Q(source_id=query.source_id) & ~Q(source_id="")
    return conditions if conditions.children else None


def _year(value: str) -> tuple[date, date]:
    year = int(value)
    return date(year, 1, 1), date(year, 12, 31)


def _blocking_q(query: PersonRecord) -> Q | None:
    conditions = Q()
    for key in blocking_keys(query):
        kind = key[0]
        if kind == "dob":
            conditions |= Q(date_of_birth=date.fromisoformat(key[1]))
        elif kind == "name_year":
            conditions |= Q(family_name_key=key[1], date_of_birth__range=_year(key[2]))
        elif kind == "names":
            conditions |= Q(family_name_key=key[1], given_name_key=key[2])
        elif kind == "given_year":
            conditions |= Q(given_name_key=key[1], date_of_birth__range=_year(key[2]))
        elif kind == "postcode":
            conditions |= Q(postcode=key[1])
        elif kind == "name_district":
            conditions |= Q(family_name_key=key[1], postcode_district=key[2])
        elif kind == "surname":
            conditions |= Q(family_name_key=key[1])
    return conditions if conditions.children else None


def _when(condition: Q, weight: int) -> Case:
    return Case(When(condition, then=Value(weight)), default=Value(0), output_field=IntegerField())


def _block_priority(query: PersonRecord) -> Case | CombinedExpression | None:
    """How strong the evidence a blocked row shares with the query, as an SQL expression: the
    order in which rows survive the cap. Built from the same keys as `_blocking_q`."""
    keys = blocking_keys(query)
    surname_keys = sorted({k[1] for k in keys if k[0] in ("name_year", "names", "name_district")})
    surname_keys += sorted({k[1] for k in keys if k[0] == "surname"})
    given_keys = sorted(
        {k[2] for k in keys if k[0] == "names"} | {k[1] for k in keys if k[0] == "given_year"}
    )
    postcodes = [k[1] for k in keys if k[0] == "postcode"]
    terms: list[Case] = []
    if dob := query.date_of_birth:
        dob_terms = [When(Q(date_of_birth=dob), then=Value(_EXACT_DOB))]
        if swapped := swapped_day_month(dob):
            dob_terms.append(When(Q(date_of_birth=swapped), then=Value(_SWAPPED_DOB)))
        dob_terms.append(When(Q(date_of_birth__range=_year(str(dob.year))), then=Value(_SAME_YEAR)))
        terms.append(Case(*dob_terms, default=Value(0), output_field=IntegerField()))
    if surname_keys:
        terms.append(_when(Q(family_name_key__in=surname_keys), _SURNAME))
    if given_keys:
        terms.append(_when(Q(given_name_key__in=given_keys), _GIVEN))
    if postcodes:
        terms.append(_when(Q(postcode__in=postcodes), _POSTCODE))
    if not terms:
        return None
    total: Case | CombinedExpression = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def _normalised(query: PersonRecord) -> PersonRecord:
    """Identifiers in stored form so "943 476 5919" agrees with "9434765919" when scored."""
    return PersonRecord(
        given_name=query.given_name,
        family_name=query.family_name,
        other_names=query.other_names,
        date_of_birth=query.date_of_birth,
        sex=query.sex if query.sex in ("M", "F") else "",
        postcode=query.postcode,
        nhs_number=_clean(validate_nhs_number, query.nhs_number),
        upn=_clean(validate_upn, query.upn),
        council_person_id=query.council_person_id,
        source_id=query.source_id,
        key=query.key,
    )


def find_candidates(
    query: PersonRecord,
    *,
    limit: int = 5,
    people: QuerySet[Person] | None = None,
    exclude_id: int | None = None,
) -> list[tuple[Person, Match]]:
    """Up to `limit` people from `people` (default: everyone) ranked by `score`, best first.
    Anyone sharing an identifier with the query is always scored; `exclude_id` leaves out the
    person the query was built from (for duplicate reports)."""
    # A record merged into another is kept only so the merge can be undone: never a candidate.
    people = Person.objects.filter(merged_into__isnull=True) if people is None else people
    if exclude_id is not None:
        people = people.exclude(pk=exclude_id)
    query = _normalised(query)
    found: dict[int, Person] = {}
    if (identifiers := _identifier_q(query)) is not None:
        found.update((p.pk, p) for p in people.filter(identifiers))
    if (blocking := _blocking_q(query)) is not None:
        rows = people.filter(blocking).exclude(pk__in=list(found))
        if (priority := _block_priority(query)) is not None:
            # Strongest blocks first, then id: the cap is deterministic and cuts the weakest.
            rows = rows.alias(block_priority=priority).order_by("-block_priority", "pk")
        else:
            rows = rows.order_by("pk")
        rows = rows[:BLOCK_CAP]
        found.update((p.pk, p) for p in rows)
    scored = [(person, score(query, person.as_record())) for person in found.values()]
    scored.sort(key=lambda pair: (-pair[1].score, pair[0].pk))
    return scored[:limit]
