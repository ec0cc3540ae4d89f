"""Requests for support for the fictional council of Kingsbridge. Never real people.

Demo scale (about 30 contacts over the last four weeks, across the demo families) goes through
the services as the pages would: the school's safeguarding lead (`dsl@`) sends requests about
her pupils on the online form's write path; other agencies' contacts arrive as submitted
contacts; the demo screener claims, rates (some red, amber, green; some overdue, some due soon)
and decides them, with every outcome; two "open early help" decisions wait for allocation and
one is allocated to the demo practitioner; the consultation line has a few calls. Times are moved
back after each step so the queue looks like a real Monday.

Large scale (a large council: about 100,000 contacts a year over 6 years, DOMAIN.md section 7)
goes through the bulk writer (earlyhelp/people/bulk.py), with a "+" history row and a reason for
every contact, subject and decision: about 600,000 contacts with their subjects, RAG ratings and
decisions, the episodes that "open early help" decisions started, and only the last day and a
half's few hundred contacts still open. Families are drawn so some come back again and again
(re-referrals), which gives the contact page children with long histories.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from earlyhelp.accounts.models import Membership, Team, User
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.core.calendar import WorkingCalendar, calendar_for_council
from earlyhelp.core.models import CouncilConfiguration
from earlyhelp.core.seeding import SeedContext
from earlyhelp.episodes import services as episode_services
from earlyhelp.episodes.models import Episode, EpisodeStatus
from earlyhelp.people import bulk
from earlyhelp.people import services as people_services
from earlyhelp.people.access import people as people_access
from earlyhelp.people.codes import FamilyRole, InvolvementReason
from earlyhelp.people.models import Family, FamilyMember, Involvement, Person

from . import consultation, services, submission
from .codes import (
    ContactMethod,
    ContactSource,
    ContactStatus,
    FamilyConsent,
    Outcome,
    Rag,
    ThresholdMet,
    Urgency,
)
from .models import Contact, ContactDecision, ContactSubject, RagRating

SEED_REASON = "Demo data"

# --- What requests say ----------------------------------------------------------------------------

#: (worry codes, what the referrer wrote, what has been tried), by the kind of referrer.
CONCERNS: dict[str, list[tuple[list[str], str, str]]] = {
    "school": [
        (
            ["16A"],
            "Often arrives hungry and in the same clothes; attendance has dropped to 82% this term.",
            "Breakfast club, a uniform grant and two meetings with mum.",
        ),
        (
            ["14A", "4A"],
            "Angry outbursts in class and two fixed-term exclusions; says he cannot sleep.",
            "Behaviour plan and a referral to the school counsellor (six-month wait).",
        ),
        (
            ["7A", "4B"],
            "Caring for mum, who is unwell, and for a younger brother; often late and tired.",
            "Young carers' lunch club; mum agreed to talk to us.",
        ),
        (
            ["3B"],
            "Told her teacher that dad shouts and mum cries; worried about going home.",
            "Talked with mum, who asked for help. Spoke with the police liaison officer.",
        ),
    ],
    "health": [
        (
            ["4B"],
            "Mum has low mood since the birth and is struggling with the baby and the toddler.",
            "Extra health visitor contacts and a GP appointment for mum.",
        ),
        (
            ["16A", "6B"],
            "Baby has missed two immunisations; the home is cold and there is little food.",
            "Food bank voucher; reminder letters about the immunisations.",
        ),
        (
            ["2B"],
            "Dad told the GP he uses cannabis daily; the children are young.",
            "Advice about the local drug and alcohol service; dad has not contacted them.",
        ),
    ],
    "police": [
        (
            ["3B", "3A"],
            "Domestic incident at the home overnight; the children were present. Standard risk "
            "(DASH).",
            "Officers attended; advice given; the victim declined a referral to IDVA.",
        ),
        (
            ["10A"],
            "Reported missing twice this month, found in the town centre late at night.",
            "Return home interviews.",
        ),
        (
            ["24A", "13A"],
            "Stopped with older youths suspected of carrying drugs; large sums of cash.",
            "Words of advice to the young person and parents.",
        ),
    ],
    "other": [
        (
            ["20"],
            "The family has rent arrears and has been given notice; the children are anxious.",
            "Money advice appointment; a discretionary housing payment application.",
        ),
        (
            ["1B", "16A"],
            "Neighbours report the parents drinking heavily and the children left alone.",
            "Nothing yet.",
        ),
        (
            ["4A", "15A"],
            "Teenager self-harming; on the CAMHS waiting list.",
            "School nurse drop-ins; a safety plan with the family.",
        ),
    ],
}

RATIONALES = {
    Rag.RED: "A risk of harm today: needs a decision within hours.",
    Rag.AMBER: "Needs are growing and the family cannot manage alone; decide within a day.",
    Rag.GREEN: "No immediate risk; the family agrees to help and the school is involved.",
}
DECISION_RATIONALES = {
    Outcome.OPEN_EARLY_HELP: "Several needs, the family consents and no one agency can meet "
    "them: a whole-family early help assessment with a lead practitioner.",
    Outcome.PARTNER_LED: "The school knows the family well and can lead, with advice from an "
    "early help advisor.",
    Outcome.SIGNPOST: "A single need that universal and community services can meet.",
    Outcome.NO_FURTHER_ACTION: "Already resolved; the referrer will contact us again if "
    "things change.",
    Outcome.SOCIAL_CARE: "Reasonable cause to suspect significant harm: referred to children's "
    "social care (strategy discussion).",
}
SIGNPOSTS = (
    "Kingsbridge Family Hub parenting course; holiday activities and food programme.",
    "Citizens Advice money and debt advice; the local food bank.",
    "Young carers' service (Kingsbridge Family Action).",
)


# --- Demo -----------------------------------------------------------------------------------------


@dataclass
class _Demo:
    now: datetime
    calendar: WorkingCalendar
    config: CouncilConfiguration
    screener: User
    users: dict[str, User]


def _received_for_left(demo: _Demo, hours: float | timedelta, left: timedelta) -> datetime:
    """A receipt time whose `hours`-working-hour target is about `left` from now (negative:
    overdue), found by stepping back a quarter of an hour at a time."""
    received = demo.now - timedelta(minutes=10)
    target = demo.now + left
    for _ in range(4000):
        if demo.calendar.add_working_hours(received, hours) <= target:
            return received
        received -= timedelta(minutes=15)
    return received


def _office_hours(demo: _Demo, rng: random.Random, days_ago: int) -> datetime:
    """A weekday office-hours time about `days_ago` days ago."""
    day = timezone.localtime(demo.now - timedelta(days=days_ago))
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day.replace(hour=rng.randint(9, 15), minute=rng.choice([5, 20, 35, 50]), second=0)


def _backdate(contact: Contact, received_at: datetime) -> Contact:
    """Move a contact's receipt (and its targets) back: the seed writes weeks in a moment."""
    contact.received_at = received_at
    services.set_decision_target(contact)
    Contact.objects.filter(pk=contact.pk).update(
        received_at=received_at,
        created_at=received_at,
        decision_due_at=contact.decision_due_at,
        due_at=contact.due_at,
    )
    return contact


def _children_of(family: Family) -> list[Person]:
    return [
        m.person
        for m in FamilyMember.objects.filter(
            family=family, role=FamilyRole.CHILD, left_on__isnull=True
        )
        .select_related("person")
        .order_by("pk")
    ]


def _parents_of(family: Family) -> list[Person]:
    return [
        m.person
        for m in FamilyMember.objects.filter(
            family=family, role=FamilyRole.PARENT, left_on__isnull=True
        )
        .select_related("person")
        .order_by("pk")
    ]


def _from_dsl(demo: _Demo, child: Person, concern: tuple[list[str], str, str]) -> Contact:
    """The school's safeguarding lead sends a request on the form's write path."""
    dsl = demo.users["dsl"]
    contact = submission.start_draft(actor=dsl)
    submission.add_subject(actor=dsl, contact=contact, person=child, is_child=True)
    submission.save_draft(
        actor=dsl,
        contact=contact,
        worries=concern[0],
        worries_detail=concern[1],
        already_tried=concern[2],
        family_consent=FamilyConsent.YES,
        consent_detail="Mum agreed at a meeting in school.",
        urgency=Urgency.SOON,
    )
    return submission.submit_contact(actor=dsl, contact=contact)


def _arrived(
    demo: _Demo,
    *,
    family: Family,
    source: str,
    referrer: User | None,
    referrer_name: str,
    concern: tuple[list[str], str, str],
    method: str = ContactMethod.ONLINE,
    with_parent: bool = False,
    received_at: datetime,
) -> Contact:
    """A contact from another agency, as submission leaves it: in the queue, and the front door
    has a reason to open each person on it."""
    membership = submission.referrer_membership(referrer) if referrer else None
    year = timezone.localtime(received_at).year
    contact = Contact(
        reference=f"FD-{year}-{_next_number(year):06d}",
        status=ContactStatus.AWAITING_SCREENING,
        method=method,
        source=source,
        received_at=received_at,
        referrer=referrer,
        referrer_organisation=membership.organisation if membership else None,
        referrer_name=referrer.full_name if referrer else referrer_name,
        referrer_email=referrer.email if referrer else "",
        referrer_phone=referrer.phone if referrer else "01632 960999",
        family=family,
        worries=concern[0],
        worries_detail=concern[1],
        already_tried=concern[2],
        family_consent=FamilyConsent.YES
        if source != ContactSource.POLICE
        else FamilyConsent.NO_SAFEGUARDING,
        urgency=Urgency.SOON,
        created_by=referrer if method == ContactMethod.ONLINE else demo.screener,
    )
    services.set_decision_target(contact)
    contact._change_reason = SEED_REASON  # type: ignore[attr-defined]
    contact.save()
    team = submission.front_door_team()
    subjects = [(child, True) for child in _children_of(family)[:2]]
    if with_parent:
        subjects += [(parent, False) for parent in _parents_of(family)[:1]]
    for person, is_child in subjects:
        ContactSubject.objects.create(contact=contact, person=person, is_child=is_child)
        people_services.start_involvement(
            actor=None,
            reason=InvolvementReason.FRONT_DOOR,
            person=person,
            team=team,
            note=f"Request for support {contact.reference}",
        )
    people_services.start_involvement(
        actor=None,
        reason=InvolvementReason.FRONT_DOOR,
        family=family,
        team=team,
        note=f"Request for support {contact.reference}",
    )
    Contact.objects.filter(pk=contact.pk).update(created_at=received_at)
    return contact


def _rate(demo: _Demo, contact: Contact, rag: str, after: timedelta) -> None:
    services.rate(actor=demo.screener, contact=contact, rag=rag, rationale=RATIONALES[Rag(rag)])
    assert contact.received_at is not None
    RagRating.objects.filter(contact=contact).update(rated_at=contact.received_at + after)
    Contact.objects.filter(pk=contact.pk).update(claimed_at=contact.received_at + after)


def _decide(demo: _Demo, contact: Contact, outcome: str, rag: str, hours: int) -> ContactDecision:
    _rate(demo, contact, rag, timedelta(minutes=40))
    decision = services.decide(
        actor=demo.screener,
        contact=contact,
        outcome=outcome,
        rationale=DECISION_RATIONALES[Outcome(outcome)],
        signposted_to=SIGNPOSTS[contact.pk % len(SIGNPOSTS)] if outcome == Outcome.SIGNPOST else "",
    )
    contact.refresh_from_db()
    assert contact.received_at is not None
    decided_at = min(
        demo.calendar.add_working_hours(contact.received_at, hours),
        demo.now - timedelta(minutes=30),
    )
    timing = services.measure(contact, decided_at, demo.calendar)
    ContactDecision.objects.filter(pk=decision.pk).update(
        decided_at=decided_at,
        referrer_told_at=decided_at,
        working_hours_taken=timing.working_hours,
        within_target=timing.within_target,
    )
    Episode.objects.filter(source_contact=contact).update(opened_at=decided_at)
    return decision


def _seed_demo(context: SeedContext) -> None:
    users: dict[str, User] = context.objects.get("demo_users", {})
    teams: dict[str, Team] = context.objects.get("teams", {})
    families = list(Family.objects.order_by("pk")[:40])
    if not users or not teams or len(families) < 40:
        context.say("Front door: no demo accounts or families, nothing to do")
        return
    config = CouncilConfiguration.current()
    demo = _Demo(
        now=timezone.now(),
        calendar=calendar_for_council(config),
        config=config,
        screener=users["screener"],
        users=users,
    )
    rng = random.Random(20261124)
    school, health, police, other = (
        CONCERNS["school"],
        CONCERNS["health"],
        CONCERNS["police"],
        CONCERNS["other"],
    )
    hours = {rag: services.rag_hours(config, rag) for rag in Rag.values}
    day = demo.calendar.day_length

    # The DSL's pupils (she may open their records): requests on the form's write path.
    pupils = list(
        people_access.visible_to(users["dsl"])
        .filter(family_memberships__role=FamilyRole.CHILD)
        .distinct()
        .order_by("pk")[:5]
    )
    dsl_contacts = []
    for index, pupil in enumerate(pupils):
        contact = _from_dsl(demo, pupil, school[index % len(school)])
        received = _office_hours(demo, rng, [1, 3, 9, 16, 24][index])
        dsl_contacts.append(_backdate(contact, received))

    def arrive(
        family_index: int, source: str, who: str | None, concern: Any, **kwargs: Any
    ) -> Contact:
        return _arrived(
            demo,
            family=families[family_index],
            source=source,
            referrer=users.get(who) if who else None,
            referrer_name=kwargs.pop("name", "Caller"),
            concern=concern,
            **kwargs,
        )

    # --- Still with the front door: rated and not, overdue and due soon ----------------------
    open_contacts = [
        # Red, received a few hours ago and now overdue.
        (
            arrive(
                20,
                ContactSource.POLICE,
                "police",
                police[0],
                with_parent=True,
                received_at=_received_for_left(demo, hours[Rag.RED], -timedelta(hours=1)),
            ),
            Rag.RED,
        ),
        # Amber, due in about two working hours.
        (
            arrive(
                21,
                ContactSource.HEALTH_VISITOR,
                "health.visitor",
                health[0],
                received_at=_received_for_left(demo, hours[Rag.AMBER], timedelta(hours=2)),
            ),
            Rag.AMBER,
        ),
        # Amber, overdue by half a day.
        (
            arrive(
                22,
                ContactSource.SCHOOLS,
                "teacher",
                school[1],
                received_at=_received_for_left(demo, hours[Rag.AMBER], -timedelta(hours=4)),
            ),
            Rag.AMBER,
        ),
        # Green, plenty of time.
        (
            arrive(
                23,
                ContactSource.OTHER_HEALTH,
                "health.visitor",
                health[2],
                received_at=_received_for_left(demo, hours[Rag.GREEN], timedelta(hours=40)),
            ),
            Rag.GREEN,
        ),
        (
            arrive(
                24,
                ContactSource.POLICE,
                "police",
                police[1],
                received_at=_received_for_left(demo, hours[Rag.RED], timedelta(hours=2)),
            ),
            Rag.RED,
        ),
    ]
    for contact, rag in open_contacts:
        _rate(demo, contact, rag, timedelta(minutes=30))
    # Not rated yet: the decision target (one working day) holds them.
    arrive(
        25,
        ContactSource.SCHOOLS,
        "teacher",
        school[2],
        received_at=_received_for_left(demo, day, timedelta(hours=5)),
    )
    arrive(
        26,
        ContactSource.HOUSING,
        None,
        other[0],
        method=ContactMethod.EMAIL,
        name="Priya Nair, Kingsbridge Homes",
        received_at=_received_for_left(demo, day, -timedelta(hours=1)),
    )
    arrive(
        27,
        ContactSource.ACQUAINTANCE,
        None,
        other[1],
        method=ContactMethod.PHONE,
        name="A neighbour (did not give a name)",
        received_at=_received_for_left(demo, day, timedelta(hours=1)),
    )
    # A family's own request: the children are named, not yet matched to records.
    own = submission.submit_self_request(
        parent_name="Jo Marsh",
        relationship="Mum",
        children=[{"given_name": "Ellie", "family_name": "Marsh", "date_of_birth": "2015-06-02"}],
        help_wanted="Ellie will not go to school and I do not know what to do any more.",
        phone="07700 900456",
    )
    _backdate(own, _received_for_left(demo, day, timedelta(hours=6)))

    # --- Decided, every outcome ----------------------------------------------------------------
    decided: list[tuple[Contact, Any, Any, int]] = [
        (dsl_contacts[2], Outcome.OPEN_EARLY_HELP, Rag.AMBER, 6),
        (dsl_contacts[3], Outcome.PARTNER_LED, Rag.GREEN, 7),
        (dsl_contacts[4], Outcome.SIGNPOST, Rag.GREEN, 8),
    ]
    received_days_ago = [2, 3, 5, 6, 8, 10, 12, 13, 15, 17, 18, 19, 20]
    plan = [
        (28, ContactSource.HEALTH_VISITOR, "health.visitor", health[1], Outcome.OPEN_EARLY_HELP),
        (29, ContactSource.POLICE, "police", police[2], Outcome.OPEN_EARLY_HELP),
        (30, ContactSource.SCHOOLS, "teacher", school[3], Outcome.OPEN_EARLY_HELP),
        (31, ContactSource.POLICE, "police", police[0], Outcome.SOCIAL_CARE),
        (32, ContactSource.OTHER_HEALTH, "health.visitor", health[2], Outcome.SIGNPOST),
        (33, ContactSource.OTHER, "family.support", other[2], Outcome.PARTNER_LED),
        (34, ContactSource.POLICE, "police", police[1], Outcome.NO_FURTHER_ACTION),
        (35, ContactSource.SCHOOLS, "teacher", school[0], Outcome.NO_FURTHER_ACTION),
        (36, ContactSource.HEALTH_VISITOR, "health.visitor", health[0], Outcome.SIGNPOST),
        (37, ContactSource.POLICE, "police", police[0], Outcome.SOCIAL_CARE),
        (38, ContactSource.HOUSING, None, other[0], Outcome.SIGNPOST),
        (39, ContactSource.SCHOOLS, "teacher", school[2], Outcome.NO_FURTHER_ACTION),
        (14, ContactSource.POLICE, "police", police[1], Outcome.PARTNER_LED),
    ]
    for (index, source, who, concern, outcome), days in zip(plan, received_days_ago, strict=True):
        received = _office_hours(demo, rng, days)
        contact = arrive(
            index,
            source,
            who,
            concern,
            method=ContactMethod.ONLINE if who else ContactMethod.EMAIL,
            name="Kingsbridge Homes tenancy team",
            with_parent=source == ContactSource.POLICE,
            received_at=received,
        )
        rag = Rag.RED if outcome == Outcome.SOCIAL_CARE else rng.choice([Rag.AMBER, Rag.GREEN])
        decided.append((contact, outcome, rag, rng.choice([3, 5, 7, 9, 20])))
    for contact, outcome, rag, taken in decided:
        _decide(demo, contact, outcome, rag, taken)

    # One "open early help" decision allocated to the demo practitioner; the others wait.
    episode = (
        Episode.objects.filter(
            source_contact=decided[3][0], status=EpisodeStatus.AWAITING_ALLOCATION
        )
        .order_by("pk")
        .first()
    )
    if episode is not None:
        episode_services.allocate(
            actor=users["manager"],
            episode=episode,
            team=teams["north"],
            lead_practitioner=users["practitioner"],
            note="Allocation meeting: North has capacity and knows the school",
        )

    # The consultation line.
    calls = [
        ("Head of Year 9, Harbour View", "Is a pupil sleeping at friends' houses a referral?", 2),
        ("GP practice nurse", "Dad's drinking: should I ask for early help or social care?", 4),
        ("Nursery manager", "A child with bruises the parent explained; what next?", 6),
    ]
    for (caller, question, ago), threshold in zip(
        calls, (ThresholdMet.NO, ThresholdMet.UNSURE, ThresholdMet.YES), strict=True
    ):
        consultation.record_consultation(
            actor=demo.screener,
            caller_name=caller,
            caller_agency=caller.split(",")[-1].strip(),
            question=question,
            advice="Talked it through against the continuum of need; agreed next steps.",
            threshold_met=threshold,
            called_at=demo.now - timedelta(days=ago, hours=2),
            follow_up="Caller will send a request for support if things do not improve.",
        )
    context.say(
        f"Front door: {Contact.objects.exclude(status=ContactStatus.DRAFT).count()} contacts "
        f"({Contact.objects.filter(status__in=services.OPEN_STATUSES).count()} open), "
        f"{Episode.objects.count()} episodes, {len(calls)} consultation calls"
    )


# --- Large ----------------------------------------------------------------------------------------

YEARS = 6
LARGE_PER_YEAR = 100_000
LARGE_OPEN = 300  # the last day and a half's contacts, still with the front door
_CHUNK = 25_000

# Contact sources of a large council (most from the police, schools and health), by weight.
SOURCE_WEIGHTS: dict[str, int] = {
    ContactSource.POLICE: 24,
    ContactSource.SCHOOLS: 20,
    ContactSource.HEALTH_VISITOR: 6,
    ContactSource.OTHER_HEALTH: 6,
    ContactSource.GP: 3,
    ContactSource.SCHOOL_NURSE: 2,
    ContactSource.A_AND_E: 3,
    ContactSource.EDUCATION_SERVICES: 2,
    ContactSource.FAMILY: 4,
    ContactSource.SELF: 4,
    ContactSource.ACQUAINTANCE: 1,
    ContactSource.HOUSING: 4,
    ContactSource.LA_SOCIAL_CARE: 4,
    ContactSource.LA_EARLY_HELP: 5,
    ContactSource.LA_OTHER_INTERNAL: 1,
    ContactSource.OTHER_LEGAL: 2,
    ContactSource.OTHER: 5,
    ContactSource.ANONYMOUS: 1,
    ContactSource.UNKNOWN: 1,
}
# Per thousand decisions: about 13% open early help, so 600,000 contacts give the large council's
# 80,000 episodes over six years (DOMAIN.md section 7).
OUTCOME_WEIGHTS: dict[str, int] = {
    Outcome.OPEN_EARLY_HELP: 134,
    Outcome.PARTNER_LED: 90,
    Outcome.SIGNPOST: 250,
    Outcome.NO_FURTHER_ACTION: 326,
    Outcome.SOCIAL_CARE: 200,
}
#: An episode lasts four months to nearly two years (uniformly): about 12,000 are open at once.
EPISODE_DAYS = (120, 660)
#: Decisions younger than this still wait for allocation (a few hundred at once).
WAITING_DAYS = 10
RAG_WEIGHTS: dict[str, int] = {Rag.RED: 10, Rag.AMBER: 35, Rag.GREEN: 55}
_CONCERN_KIND: dict[str, str] = {
    ContactSource.SCHOOLS: "school",
    ContactSource.EDUCATION_SERVICES: "school",
    ContactSource.POLICE: "police",
    ContactSource.OTHER_LEGAL: "police",
}
_HEALTH = {"3A", "3B", "3C", "3D", "3E", "3F"}
_NAMED_ONLY = {"1A", "1B", "1D", "9", "10", "4", "7"}


@dataclass
class _Referrer:
    user_id: int | None
    organisation_id: int | None
    name: str
    email: str


@dataclass
class _Large:
    rng: random.Random
    now: datetime
    calendar: WorkingCalendar
    config: CouncilConfiguration
    referrers: dict[str, list[_Referrer]]
    named: list[str]
    screeners: list[int]
    families: list[int]
    regulars: list[int]
    members: dict[int, tuple[list[int], list[int]]]  # family: (children, parents)
    due_cache: dict[tuple[datetime, int], datetime]
    early_help_teams: list[tuple[int, list[int]]]  # (team, its practitioners)
    front_door_team: int


def _referrer_pools(context: SeedContext) -> dict[str, list[_Referrer]]:
    """Staff who send requests, by the kind of their organisation."""
    pools: dict[str, list[_Referrer]] = {}
    rows = Membership.objects.filter(
        Membership.current_q(), role__in=(Role.PRACTITIONER, Role.DESIGNATED_SAFEGUARDING_LEAD)
    ).values_list(
        "user_id", "organisation_id", "organisation__kind", "user__full_name", "user__email"
    )
    for user_id, organisation_id, kind, name, email in rows.order_by("pk"):
        pools.setdefault(kind, []).append(_Referrer(user_id, organisation_id, name, email))
    return pools


def _pool_for(large: _Large, source: str) -> list[_Referrer]:
    if source in ("2A",):
        return large.referrers.get(OrganisationKind.SCHOOL, [])
    if source in _HEALTH:
        return large.referrers.get(OrganisationKind.HEALTH, [])
    if source == "6":
        return large.referrers.get(OrganisationKind.POLICE, [])
    if source.startswith("5") or source == "2B":
        return large.referrers.get(OrganisationKind.COUNCIL, [])
    if source == "8":
        return large.referrers.get(OrganisationKind.VOLUNTARY, [])
    return []


def _receipts(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    """`count` receipt times between `start` and `end`, in order, in the council's local time:
    mostly weekday office hours, some evenings, nights and weekends (the police's above all)."""
    zone = timezone.get_current_timezone()
    first = timezone.localtime(start).date()
    days = (timezone.localtime(end).date() - first).days + 1
    return sorted(_receipt(rng, start, end, zone, first, days) for _ in range(count))


def _receipt(
    rng: random.Random, start: datetime, end: datetime, zone: Any, first: date, days: int
) -> datetime:
    while True:
        day = first + timedelta(days=int(days * rng.random()))
        if day.weekday() >= 5 and rng.random() > 0.2:
            continue
        if day.weekday() < 5 and rng.random() < 0.85:
            seconds = 9 * 3600 + int(8 * 3600 * rng.random())
        else:
            seconds = int(86400 * rng.random())
        at = datetime.combine(day, time(seconds // 3600, seconds // 60 % 60, seconds % 60))
        at = at.replace(tzinfo=zone)
        if start <= at < end:
            return at


def _after_working_hours(large: _Large, start: datetime, hours: int) -> datetime:
    """`hours` working hours after `start`. The calendar is exact but costs ~20 µs a call; over
    600,000 contacts it is worked out once per quarter of an hour of receipt and the minutes
    within it added on (exact in working hours; a few minutes out across a closing time)."""
    base = start.replace(minute=start.minute - start.minute % 15, second=0, microsecond=0)
    key = (base, hours)
    due = large.due_cache.get(key)
    if due is None:
        due = large.due_cache[key] = large.calendar.add_working_hours(base, hours)
    return due + (start - base)


def _draw_family(large: _Large) -> int:
    # Seven in ten contacts are about a family that has been in touch before (re-referrals);
    # those families come back again and again, so some children have long histories.
    pool = large.regulars if large.rng.random() < 0.7 else large.families
    return pool[int(len(pool) * large.rng.random())]


def _weighted(rng: random.Random, weights: dict[str, int]) -> Iterator[str]:
    keys, values = list(weights), list(weights.values())
    while True:
        yield from rng.choices(keys, weights=values, k=1000)


_CONTACT_COLUMNS = (
    "reference",
    "status",
    "method",
    "source",
    "received_at",
    "referrer_id",
    "referrer_organisation_id",
    "referrer_name",
    "referrer_email",
    "family_id",
    "worries",
    "worries_detail",
    "already_tried",
    "family_consent",
    "urgency",
    "claimed_by_id",
    "claimed_at",
    "rag",
    "due_at",
    "decision_due_at",
    "created_by_id",
    "created_at",
    "updated_at",
)
_DECISION_COLUMNS = (
    "contact_id",
    "outcome",
    "rationale",
    "signposted_to",
    "decided_by_id",
    "decided_at",
    "working_hours_taken",
    "within_target",
    "referrer_told_at",
)


@dataclass
class _Drawn:
    row: tuple[Any, ...]
    subjects: list[tuple[int, bool]]
    rag: str
    received_at: datetime
    screener: int | None
    decision: tuple[Any, ...] | None  # without contact_id
    family_id: int


def _draw_contact(
    large: _Large,
    reference: str,
    received_at: datetime,
    source: str,
    rag: str,
    outcome: str | None,
) -> _Drawn:
    rng = large.rng
    family_id = _draw_family(large)
    children, parents = large.members[family_id]
    subjects = [(children[0], True)] if children else []
    if len(children) > 1 and rng.random() < 0.4:
        subjects = [(child, True) for child in children]
    if parents and rng.random() < 0.3:
        subjects.append((parents[0], False))
    pool = _pool_for(large, source)
    referrer = pool[int(len(pool) * rng.random())] if pool else None
    if source == ContactSource.SELF:
        method = ContactMethod.SELF_REQUEST
    elif referrer is None or rng.random() < 0.15:
        method = ContactMethod.PHONE if rng.random() < 0.7 else ContactMethod.EMAIL
    elif source == ContactSource.SCHOOLS and rng.random() < 0.1:
        method = ContactMethod.API
    else:
        method = ContactMethod.ONLINE
    kind = "health" if source in _HEALTH else _CONCERN_KIND.get(source, "other")
    concerns = CONCERNS[kind]
    worries, detail, tried = concerns[int(len(concerns) * rng.random())]
    screener = large.screeners[int(len(large.screeners) * rng.random())]
    decision_due = _after_working_hours(
        large, received_at, large.config.front_door_decision_working_days * 8
    )
    rated = outcome is not None or rng.random() < 0.6
    due = (
        _after_working_hours(large, received_at, services.rag_hours(large.config, rag))
        if rated
        else None
    )
    claimed_at = received_at + timedelta(minutes=20 + int(rng.random() * 90)) if rated else None
    decision = None
    status = ContactStatus.SCREENING if rated else ContactStatus.AWAITING_SCREENING
    if outcome is not None:
        status = ContactStatus.DECIDED
        target_hours = services.rag_hours(large.config, rag)
        # Most decisions meet their target; about one in seven does not.
        taken = max(1, int(target_hours * (rng.random() * 0.9 if rng.random() < 0.86 else 1.3)))
        decided_at = _after_working_hours(large, received_at, taken)
        target = due or decision_due
        decision = (
            outcome,
            DECISION_RATIONALES[Outcome(outcome)],
            SIGNPOSTS[int(len(SIGNPOSTS) * rng.random())] if outcome == Outcome.SIGNPOST else "",
            screener,
            decided_at,
            Decimal(taken).quantize(Decimal("0.01")),
            decided_at <= target,
            decided_at,
        )
    named = large.named[int(len(large.named) * rng.random())]
    row = (
        reference,
        status,
        method,
        source,
        received_at,
        referrer.user_id if referrer and method != ContactMethod.SELF_REQUEST else None,
        referrer.organisation_id if referrer else None,
        referrer.name if referrer else ("Anonymous" if source == "9" else named),
        referrer.email if referrer else "",
        family_id,
        worries,
        detail,
        tried,
        FamilyConsent.NO_SAFEGUARDING if source == ContactSource.POLICE else FamilyConsent.YES,
        Urgency.SOON if rag != Rag.RED else Urgency.TODAY,
        screener if rated else None,
        claimed_at,
        rag if rated else "",
        due,
        decision_due,
        (referrer.user_id if method in (ContactMethod.ONLINE, ContactMethod.API) else screener)
        if referrer
        else (None if method == ContactMethod.SELF_REQUEST else screener),
        received_at,
        decision[4] if decision else received_at,
    )
    return _Drawn(row, subjects, rag if rated else "", received_at, screener, decision, family_id)


def _write_chunk(large: _Large, drawn: list[_Drawn]) -> list[int]:
    contact_ids = bulk.bulk_insert(
        Contact, _CONTACT_COLUMNS, [d.row for d in drawn], reason=SEED_REASON, now=large.now
    )
    subjects = [
        (contact_id, person_id, is_child)
        for contact_id, d in zip(contact_ids, drawn, strict=True)
        for person_id, is_child in d.subjects
    ]
    bulk.bulk_insert(
        ContactSubject,
        ("contact_id", "person_id", "is_child"),
        subjects,
        reason=SEED_REASON,
        now=large.now,
    )
    ratings = [
        (
            contact_id,
            d.rag,
            RATIONALES[Rag(d.rag)],
            d.screener,
            d.row[_CONTACT_COLUMNS.index("claimed_at")],
        )
        for contact_id, d in zip(contact_ids, drawn, strict=True)
        if d.rag
    ]
    bulk.bulk_insert(
        RagRating,
        ("contact_id", "rag", "rationale", "rated_by_id", "rated_at"),
        ratings,
        reason=SEED_REASON,
    )
    decisions = [
        (contact_id, *d.decision)
        for contact_id, d in zip(contact_ids, drawn, strict=True)
        if d.decision is not None
    ]
    bulk.bulk_insert(
        ContactDecision, _DECISION_COLUMNS, decisions, reason=SEED_REASON, now=large.now
    )
    return contact_ids


def _large_context(context: SeedContext) -> _Large | None:
    front_door = context.objects.get("front_door_team")
    teams = context.objects.get("early_help_teams", [])
    if front_door is None:
        return None
    rng = random.Random(20261125)
    members: dict[int, tuple[list[int], list[int]]] = {}
    for family_id, person_id, role in (
        FamilyMember.objects.filter(left_on__isnull=True)
        .order_by("family_id", "pk")
        .values_list("family_id", "person_id", "role")
        .iterator(chunk_size=50_000)
    ):
        children, parents = members.setdefault(family_id, ([], []))
        (children if role == FamilyRole.CHILD else parents).append(person_id)
    families = [pk for pk, (children, _) in members.items() if children]
    if not families:
        return None
    regulars = rng.sample(families, k=max(1, len(families) * 2 // 5))
    screeners = list(
        Membership.objects.filter(Membership.current_q(), team=front_door)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    early_help = [
        (
            team.pk,
            list(
                Membership.objects.filter(Membership.current_q(), team=team)
                .order_by("user_id")
                .values_list("user_id", flat=True)
            ),
        )
        for team in teams
    ]
    config = CouncilConfiguration.current()
    faker = context.faker
    return _Large(
        rng=rng,
        now=timezone.now(),
        calendar=calendar_for_council(config),
        config=config,
        referrers=_referrer_pools(context),
        named=[faker.name() for _ in range(300)],
        screeners=screeners,
        families=families,
        regulars=regulars,
        members=members,
        due_cache={},
        early_help_teams=[(team, users) for team, users in early_help if users],
        front_door_team=front_door.pk,
    )


def _episodes(large: _Large, opened: list[tuple[int, int, datetime]]) -> int:
    """Episodes for "open early help" decisions (contact, family, decided at). Each lasts
    `EPISODE_DAYS` (drawn); a family's episode closes at the latest the day before its next one
    opens, so a family has at most one episode not yet closed, as `open_episode` keeps it.
    Decisions of the last `WAITING_DAYS` wait for allocation; the rest were allocated within a
    fortnight and are open or closed. The episodes seeder (earlyhelp/episodes/seed.py) gives
    them their children, assessments, plans, meetings, step ups and closure reasons."""
    rng, now = large.rng, large.now
    rows = []
    involvements: list[tuple[Any, ...]] = []
    by_family: dict[int, list[tuple[datetime, int]]] = {}
    for contact_id, family_id, decided_at in opened:
        by_family.setdefault(family_id, []).append((decided_at, contact_id))
    low, high = EPISODE_DAYS
    for family_id in sorted(by_family):
        decisions = sorted(by_family[family_id])
        for index, (decided_at, contact_id) in enumerate(decisions):
            following = decisions[index + 1][0] if index + 1 < len(decisions) else None
            ends = decided_at + timedelta(days=low + int((high - low) * rng.random()))
            team, lead, allocated_at, closed_at = None, None, None, None
            if following is None and now - decided_at < timedelta(days=WAITING_DAYS):
                status = EpisodeStatus.AWAITING_ALLOCATION
            else:
                team_id, users = large.early_help_teams[
                    int(len(large.early_help_teams) * rng.random())
                ]
                team, lead = team_id, users[int(len(users) * rng.random())]
                allocated_at = decided_at + timedelta(days=1 + int(rng.random() * 12))
                if following is not None and following - timedelta(days=1) < ends:
                    ends = max(following - timedelta(days=1), decided_at + timedelta(hours=1))
                if following is None and ends > now:
                    status = EpisodeStatus.OPEN
                    allocated_at = min(allocated_at, now - timedelta(hours=2))
                    involvements.append(
                        (family_id, None, team, InvolvementReason.ALLOCATED_TEAM, allocated_at)
                    )
                    involvements.append(
                        (family_id, lead, None, InvolvementReason.LEAD_PRACTITIONER, allocated_at)
                    )
                else:
                    status = EpisodeStatus.CLOSED
                    closed_at = max(
                        min(ends, now - timedelta(hours=1)), decided_at + timedelta(hours=1)
                    )
                    allocated_at = min(allocated_at, closed_at)
            rows.append(
                (family_id, status, contact_id, decided_at, team, lead, allocated_at, closed_at)
            )
    rows.sort(key=lambda row: (row[3], row[2]))  # in the order they opened
    bulk.bulk_insert(
        Episode,
        (
            "family_id",
            "status",
            "source_contact_id",
            "opened_at",
            "allocated_team_id",
            "lead_practitioner_id",
            "allocated_at",
            "closed_at",
        ),
        rows,
        reason="Demo data: opened by the front door's decision",
        now=now,
    )
    bulk.bulk_insert(
        Involvement,
        ("family_id", "user_id", "team_id", "reason", "started_at"),
        involvements,
        reason=SEED_REASON,
        now=now,
    )
    return len(rows)


def _seed_large(context: SeedContext) -> None:
    large = _large_context(context)
    if large is None:
        context.say("Front door: no families or front-door team, nothing to do")
        return
    rng, now = large.rng, large.now
    sources = _weighted(rng, SOURCE_WEIGHTS)
    outcomes = _weighted(rng, OUTCOME_WEIGHTS)
    rags = _weighted(rng, RAG_WEIGHTS)
    # One contact a year for every household of the large council (100,000); fewer when fewer
    # households were seeded (tests of the whole seed command seed a few thousand).
    total = YEARS * min(LARGE_PER_YEAR, len(large.families))
    open_start = now - timedelta(hours=36)
    history_start = now - timedelta(days=365 * YEARS)
    # Receipt times for the decided history, in order, so references follow the calendar.
    times = _receipts(rng, history_start, open_start, total - LARGE_OPEN)
    times += _receipts(rng, open_start, now, LARGE_OPEN)
    numbers: dict[int, int] = {}
    opened: list[tuple[int, int, datetime]] = []
    open_people: list[tuple[int, list[tuple[int, bool]]]] = []
    written = 0
    with bulk.sqlite_bulk_session():
        for start in range(0, total, _CHUNK):
            drawn = []
            for index in range(start, min(start + _CHUNK, total)):
                received_at = times[index]
                year = received_at.year  # in local time, as drawn
                numbers[year] = numbers.get(year, 0) + 1
                is_open = index >= total - LARGE_OPEN
                rag = next(rags)
                outcome = None if is_open else next(outcomes)
                if outcome == Outcome.SOCIAL_CARE and rng.random() < 0.5:
                    rag = Rag.RED
                drawn.append(
                    _draw_contact(
                        large,
                        f"FD-{year}-{numbers[year]:06d}",
                        received_at,
                        next(sources),
                        rag,
                        outcome,
                    )
                )
            ids = _write_chunk(large, drawn)
            for contact_id, d in zip(ids, drawn, strict=True):
                if d.decision is not None and d.decision[0] == Outcome.OPEN_EARLY_HELP:
                    opened.append((contact_id, d.family_id, d.decision[4]))
                elif d.decision is None:
                    open_people.append((d.family_id, d.subjects))
            written += len(drawn)
        episodes = _episodes(large, opened)
        # The front door's reason to open the people on the contacts it still holds.
        involvements = {
            (None, person_id) for _family, subjects in open_people for person_id, _ in subjects
        } | {(family_id, None) for family_id, _subjects in open_people}
        bulk.bulk_insert(
            Involvement,
            ("family_id", "person_id", "team_id", "reason", "note"),
            [
                (family_id, person_id, large.front_door_team, InvolvementReason.FRONT_DOOR, "")
                for family_id, person_id in sorted(involvements, key=str)
            ],
            reason=SEED_REASON,
            now=now,
        )
    context.say(
        f"Front door: {written} contacts over {YEARS} years ({LARGE_OPEN} still open), "
        f"{episodes} early help episodes"
    )


def seed_front_door(context: SeedContext) -> None:
    if context.scale == "demo":
        _seed_demo(context)
    else:
        _seed_large(context)


def _next_number(year: int) -> int:
    """The next free contact number in `year`."""
    last = Contact.objects.filter(reference__startswith=f"FD-{year}-").aggregate(
        last=Max("reference")
    )["last"]
    return int(last.rsplit("-", 1)[1]) + 1 if last else 1
