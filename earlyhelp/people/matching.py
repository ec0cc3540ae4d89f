"""Person matching: normalisation, blocking keys and a scored comparison with plain reasons.

Pure Python (no ORM) so the same code serves search-before-create, the batch `match` command
and the benchmarks. Scoring adds evidence weights in the spirit of Fellegi-Sunter (agreement on
a rare, reliable field is strong evidence; disagreement on a reliable identifier is strong evidence
against) and squashes the total into 0-1 with a logistic curve. Nothing here ever merges.
"""

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import jellyfish
from rapidfuzz.distance import OSA, JaroWinkler

from .identifiers import normalise_postcode, postcode_district

PROBABLE_MATCH = 0.9
"""At or above this, show the candidate as "probably the same person". 0.9 is a weight total of
about 11.2: it needs the date of birth (or a common mistake in it) *and* both names to agree, or
an identifier. Twins (same surname, birthday and address, different first names) total at most
about 10.3 (score 0.79), so they never reach it. To be recalibrated against the labelled benchmark."""

POSSIBLE_MATCH = 0.5
"""At or above this, show the candidate as "possibly the same person": a weight total of 9, e.g.
the same date of birth and a surname that sounds alike but a first name we cannot reconcile."""

_OFFSET = 9.0  # weight total that maps to a score of 0.5

# A few dozen common UK given names and their short forms. Each group is one name: its full
# spellings joined by "/" (the first preferred), then its short and pet forms. A short form may
# belong to more than one group (Sam: Samuel and Samantha).
_NICKNAME_GROUPS = [
    "william bill will billy liam willie",
    "elizabeth beth liz lizzie betty eliza libby lisa",
    "robert bob rob bobby robbie",
    "margaret maggie meg peggy",
    "catherine/katherine/kathryn kate katie cathy kath kat cath",
    "thomas tom tommy",
    "james jim jimmy jamie",
    "alexander alex sandy alec xander",
    "alexandra alex lexi sandra",
    "daniel dan danny",
    "michael mike mickey mick mikey",
    "jennifer jenny jen",
    "rebecca becky becca",
    "samuel sam sammy",
    "samantha sam sammie sammy",
    "joseph joe joey",
    "jessica jess jessie",
    "charlotte charlie lottie",
    "charles charlie chas chuck",
    "edward ed eddie ted teddy ned",
    "richard rich rick ricky dick richie",
    "matthew matt matty",
    "christopher chris kit",
    "christine chris chrissie tina",
    "nicholas nick nicky",
    "anthony tony ant",
    "victoria vicky tori",
    "abigail abbie abby",
    "oliver ollie olly",
    "frederick fred freddie freddy",
    "henry harry hal hank",
    "isabella/isabel bella izzy bel",
    "amelia millie milly",
    "olivia liv livvy",
    "benjamin ben benny",
    "jacob jake",
    "zachary zach zack zak",
    "joshua josh",
    "nathan nate",
    "jonathan jon jonny",
    "john jack johnny",
    "patrick pat paddy",
    "susan sue susie",
    "deborah debbie deb",
    "stephen steve stevie",
    "steven steve stevie",
    "andrew andy drew",
    "david dave davy davey",
    "peter pete",
    "gregory greg",
    "philip/phillip phil pip",
    "timothy tim timmy",
    "penelope penny",
    "eleanor ellie nell",
    "ellen ellie nell",
    "florence flo florrie",
    "sophia sophie",
    "gabriel gabe",
    "theodore theo ted teddy",
    "archibald archie",
    "mohammed/mohammad/muhammad/mohamed",
    # More everyday British short forms, as records and forms actually show them.
    "harold harry",
    "amanda mandy",
    "natasha tasha",
    "josephine jo josie",
    "joanne jo",
    "jacqueline jackie jacqui",
    "patricia pat patsy trish tricia",
    "nicola nicky nikki",
    "kathleen kath kathy",
    "dorothy dot dottie",
    "emily em emmy",
    "kimberley/kimberly kim",
    "lawrence larry laurie",
    "terence terry",
    "teresa/theresa tess tessa terri",
    "kenneth ken kenny",
    "raymond ray",
    "ronald ron ronnie",
    "leonard len lenny",
    "gillian gill jill",
    "suzanne sue suzy",
    "gareth gaz",
    "gemma gem",
    "danielle/daniella dani",
    "mary molly polly",
    "sarah sally",
    "frances fran frankie",
    "francis fran frankie",
    "anne/ann annie",
    "louise lou",
    "caroline carol carrie",
    "dominic dom",
    "nathaniel nat",
    "sebastian seb",
    "maximilian max",
    "harriet hattie",
]


def _build_nicknames() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for group in _NICKNAME_GROUPS:
        spellings, *short_forms = group.split()
        full = spellings.split("/")
        for name in (*full, *short_forms):
            table.setdefault(name, [])
            if full[0] not in table[name]:
                table[name].append(full[0])
    return {name: tuple(canonicals) for name, canonicals in table.items()}


NICKNAMES = _build_nicknames()
"""Each known given name or short form -> the full names it stands for, first one preferred."""

FULL_FORMS = frozenset(n for g in _NICKNAME_GROUPS for n in g.split()[0].split("/"))
"""The full names in the table, every spelling (Philip and Phillip); the rest are short forms."""

_NOT_LETTERS = re.compile(r"[^a-z ]+")


@lru_cache(maxsize=65536)
def normalise_name(value: str) -> str:
    """Lower case, no accents, apostrophes dropped (O'Brien -> obrien), hyphens and other
    punctuation become spaces (Smith-Jones -> smith jones)."""
    text = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    text = text.lower().replace("'", "").replace("\u2019", "")
    return " ".join(_NOT_LETTERS.sub(" ", text).split())


@lru_cache(maxsize=65536)
def surname_parts(value: str) -> tuple[str, ...]:
    """The whole surname (spaces removed) then each part of a double-barrelled one."""
    name = normalise_name(value)
    if not name:
        return ()
    parts = name.split()
    whole = "".join(parts)
    return (whole, *[p for p in parts if p != whole and len(p) > 1])


@lru_cache(maxsize=65536)
def phonetic_key(value: str) -> str:
    """Metaphone of one normalised word, e.g. smith and smyth -> SM0. Empty for no letters."""
    word = normalise_name(value).replace(" ", "")
    return jellyfish.metaphone(word)[:12] if word else ""


def canonical_given_names(value: str) -> tuple[str, ...]:
    """The full names a given name may stand for: bill -> (william,); sam -> (samuel, samantha)."""
    first = normalise_name(value).split(" ")[0]
    if not first:
        return ()
    return NICKNAMES.get(first, (first,))


def given_name_key(value: str) -> str:
    """The phonetic key of the preferred full form of the first given name (stored, indexed)."""
    names = canonical_given_names(value)
    return phonetic_key(names[0]) if names else ""


def family_name_key(value: str) -> str:
    """The phonetic key of the whole surname (stored, indexed)."""
    parts = surname_parts(value)
    return phonetic_key(parts[0]) if parts else ""


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """What matching needs to know about a person, from a form, an import row or a stored row.
    Every field may be missing. `other_names` holds aliases and previous names, one per item:
    a single word is a surname; otherwise the first word is a given name and the rest a surname."""

    given_name: str = ""
    family_name: str = ""
    other_names: tuple[str, ...] = ()
    date_of_birth: date | None = None
    sex: str = ""
    postcode: str = ""
    nhs_number: str = ""
    upn: str = ""
    council_person_id: str = ""
    source_id: str = ""
    key: object = field(default=None, compare=False)


@dataclass(slots=True)
class Match:
    score: float
    reasons: list[str]

    @property
    def is_probable(self) -> bool:
        return self.score >= PROBABLE_MATCH

    @property
    def is_possible(self) -> bool:
        return self.score >= POSSIBLE_MATCH


def _other_surnames(record: PersonRecord) -> list[str]:
    result: list[str] = []
    for name in record.other_names:
        words = normalise_name(name).split()
        if words:
            surname = words[-1] if len(words) > 1 else words[0]
            result.extend(surname_parts(surname))
    return result


def _other_given_names(record: PersonRecord) -> list[str]:
    return [w[0] for n in record.other_names if len(w := normalise_name(n).split()) > 1]


def swapped_day_month(value: date) -> date | None:
    if value.day == value.month or value.day > 12:
        return None
    return date(value.year, value.day, value.month)


def blocking_keys(record: PersonRecord) -> set[tuple[str, ...]]:
    """Keys a candidate must share with the query to be scored at all. Each kind maps to one
    indexed lookup in `search.py`:
    ("dob", iso) exact and day/month-swapped date of birth; ("name_year", surname key, year) for
    each surname part and previous surname; ("names", surname key, given key); ("given_year",
    given key, year) for changed surnames; ("postcode", pc); ("name_district", surname key, district)
    when there is no date of birth; ("surname", surname key) only when there is nothing else.
    """
    keys: set[tuple[str, ...]] = set()
    dob = record.date_of_birth
    if dob:
        keys.add(("dob", dob.isoformat()))
        if swapped := swapped_day_month(dob):
            keys.add(("dob", swapped.isoformat()))
    surname_keys = {phonetic_key(p) for p in surname_parts(record.family_name)}
    surname_keys.update(phonetic_key(p) for p in _other_surnames(record))
    surname_keys.discard("")
    given_keys = {phonetic_key(n) for n in canonical_given_names(record.given_name)}
    given_keys.discard("")
    postcode = normalise_postcode(record.postcode)
    district = postcode_district(postcode)
    for sk in surname_keys:
        if dob:
            keys.add(("name_year", sk, str(dob.year)))
        for gk in given_keys:
            keys.add(("names", sk, gk))
        if district and not dob:
            keys.add(("name_district", sk, district))
    if dob:
        for gk in given_keys:
            keys.add(("given_year", gk, str(dob.year)))
    if postcode:
        keys.add(("postcode", postcode))
    if not keys:  # a surname and nothing else: the search form's weakest query
        keys.update(("surname", sk) for sk in surname_keys)
    return keys


def _digits(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _dob_evidence(q: date | None, c: date | None) -> tuple[float, str | None]:
    if q is None or c is None:
        return 0.0, None
    if q == c:
        return 5.0, "same date of birth"
    if q.year == c.year and q.day == c.month and q.month == c.day:
        return 3.5, "date of birth with day and month swapped"
    a, b = _digits(q), _digits(c)
    diff = [i for i in range(8) if a[i] != b[i]]
    if len(diff) == 1:
        # Not raised to carry both names alone over PROBABLE_MATCH: about 30 dates are one
        # digit from any date, and in a large council people with a common full name (two
        # Mohammad Davises born 2015-05-17 and 2015-06-17) are that close by chance.
        return 3.0, "date of birth one digit different"
    adjacent = len(diff) == 2 and diff[1] == diff[0] + 1
    if adjacent and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
        return 3.0, "date of birth with two digits swapped"
    if q.year == c.year:
        return -2.0, "same year of birth"
    return -4.0, None


def _one_slip(a: str, b: str) -> bool:
    """Surnames one keystroke apart (a letter added, dropped or changed, or two neighbours
    swapped), both of four letters or more. Jaro-Winkler favours a shared beginning, so it
    misses a slip near the start of a short name (Djvis / Davis, Amith / Smith). Three-letter
    names are left out: too many real surnames are one letter apart (Lee, Lea, Loy)."""
    return len(a) >= 4 and len(b) >= 4 and OSA.distance(a, b, score_cutoff=1) <= 1


def _name_form_reason(qn: str, cn: str, fulls: set[str]) -> str:
    """Say truthfully how two forms of one first name relate: two spellings (Phillip / Philip),
    a short form of the other (Bill / William) or two short forms of one name (Jackie / Jacqui)."""
    if qn in FULL_FORMS and cn in FULL_FORMS:
        return f"first name spelt another way ({qn.title()} / {cn.title()})"
    if qn in FULL_FORMS or cn in FULL_FORMS:
        short, full = (cn, qn) if qn in FULL_FORMS else (qn, cn)
        return f"first name is a short form ({short.title()} / {full.title()})"
    full = " or ".join(sorted(n.title() for n in fulls))
    return f"first names are both short for {full} ({qn.title()} / {cn.title()})"


def _given_evidence(q: PersonRecord, c: PersonRecord) -> tuple[float, str | None]:
    qn = normalise_name(q.given_name).split(" ")[0]
    cn = normalise_name(c.given_name).split(" ")[0]
    if not qn or not cn:
        return 0.0, None
    if qn == cn:
        return 4.0, "same first name"
    q_full, c_full = set(NICKNAMES.get(qn, (qn,))), set(NICKNAMES.get(cn, (cn,)))
    if shared := q_full & c_full:
        return 3.5, _name_form_reason(qn, cn, shared)
    if qn in _other_given_names(c) or cn in _other_given_names(q):
        return 3.0, "first name matches another name recorded"
    similarity = JaroWinkler.similarity(qn, cn)
    # No edit-distance rule for first names, unlike surnames: a one-letter change often makes
    # another real name (Ella / Emma, Jane / June, Dean / Sean), and twins are given such names.
    if similarity >= 0.92:
        return 3.0, "first name spelt similarly"
    if phonetic_key(qn) == phonetic_key(cn):
        return 2.0, "first name sounds alike"
    if len(qn) == 1 or len(cn) == 1:
        return (1.0, "same first initial") if qn[0] == cn[0] else (-3.0, None)
    if similarity >= 0.85:
        return 1.0, "first name spelt similarly"
    return -3.0, "different first name"


def _surname_evidence(q: PersonRecord, c: PersonRecord) -> tuple[float, str | None]:
    q_parts, c_parts = surname_parts(q.family_name), surname_parts(c.family_name)
    if not q_parts or not c_parts:
        return 0.0, None
    if q_parts[0] == c_parts[0]:
        return 4.0, "same surname"
    if set(q_parts) & set(c_parts):
        return 3.0, "surname matches part of a double-barrelled surname"
    q_other, c_other = _other_surnames(q), _other_surnames(c)
    if set(q_parts) & set(c_other) or set(c_parts) & set(q_other):
        return 3.0, "surname matches a previous or other surname"
    if phonetic_key(q_parts[0]) == phonetic_key(c_parts[0]):
        return 3.0, "surname sounds alike"
    if JaroWinkler.similarity(q_parts[0], c_parts[0]) >= 0.9 or _one_slip(q_parts[0], c_parts[0]):
        return 2.5, "surname spelt similarly"
    return -2.0, "different surname"


def _identifier_evidence(q: PersonRecord, c: PersonRecord) -> tuple[float, list[str]]:
    weight, reasons = 0.0, []
    if q.nhs_number and c.nhs_number:
        if q.nhs_number == c.nhs_number:
            weight, reasons = 14.0, ["same NHS number"]
        else:
            weight, reasons = -10.0, ["different NHS numbers recorded"]
    if q.upn and c.upn:
        if q.upn == c.upn:
            weight, reasons = weight + 10.0, [*reasons, "same UPN"]
        else:
            # Temporary UPNs are replaced, so a different one is weaker evidence than an NHS number.
            weight, reasons = weight - 3.0, [*reasons, "different UPNs recorded"]
    if q.council_person_id and q.council_person_id == c.council_person_id:
        weight, reasons = weight + 12.0, [*reasons, "same council person id"]
    if q.source_id and q.source_id == c.source_id:
        weight, reasons = weight + 12.0, [*reasons, "same id in the previous system"]
    return weight, reasons


def score(query: PersonRecord, candidate: PersonRecord) -> Match:
    """How likely `candidate` is the person described by `query`, with the reasons, strongest first."""
    total, reasons = _identifier_evidence(query, candidate)
    dob_weight, dob_reason = _dob_evidence(query.date_of_birth, candidate.date_of_birth)
    given_weight, given_reason = _given_evidence(query, candidate)
    surname_weight, surname_reason = _surname_evidence(query, candidate)
    total += dob_weight + given_weight + surname_weight
    for reason in (dob_reason, given_reason, surname_reason):
        if reason:
            reasons.append(reason)
    # Twins and siblings born the same day share a surname, birthday and address: a first name
    # we can only half reconcile must not carry them over the line.
    if dob_weight == 5.0 and 0 < given_weight < 3.0:
        total -= 3.0
        reasons.append("could be a twin: same birthday, first names differ")
    if query.sex in "MF" and candidate.sex in "MF" and query.sex and candidate.sex:
        if query.sex == candidate.sex:
            total += 0.3
        else:
            total -= 3.0
            reasons.append("different sex recorded")
    q_pc, c_pc = normalise_postcode(query.postcode), normalise_postcode(candidate.postcode)
    if q_pc and c_pc:
        if q_pc == c_pc:
            total += 2.0
            reasons.append("same postcode")
            # The same first name, birthday and address with another surname is a surname
            # that changed (a step-family's name, marriage, adoption, a parent's name taken
            # instead): a household never has two people with one first name and birthday (or
            # a birthday one slip away), and twins have different first names. The postcode
            # only counts for +2 above because a household shares it with the surname; here it
            # is independent of the surname, so the surname's disagreement is dropped and the
            # address counts in full. With an exact or day-month-swapped birthday that is a
            # probable match; with a one-digit slip, a strong possible one.
            if dob_weight >= 3.0 and given_weight >= 3.5 and surname_weight < 0:
                total += -surname_weight + 1.5
                reasons[reasons.index("different surname")] = (
                    "different surname, which may have changed"
                )
        elif postcode_district(q_pc) == postcode_district(c_pc):
            total += 0.7
            reasons.append("same postcode district")
        else:
            total -= 0.5
    probability = 1.0 / (1.0 + math.exp(-(total - _OFFSET)))
    return Match(score=round(probability, 4), reasons=reasons)
