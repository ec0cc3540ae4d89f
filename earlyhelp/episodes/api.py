"""Episodes through the API, with the same rules as the pages.

- `GET /api/episodes` is the caller's own caseload (as on "My caseload"): episodes they lead or
  are on the team around the family for; all but closed ones unless `status` says otherwise.
- One episode, its chronology and its case notes are for whoever may open the family's record
  (as on the family record's pages): anyone else gets a 404, whether the episode exists or not.
- Adding a case note needs a working reason to see the family (not the auditor's, not
  break-glass): the same as the notes page. It goes through `services.record_case_note`, onto
  the family's current episode.
- Every read is written to the access log.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import P, PathEx, Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from earlyhelp.accounts.models import User
from earlyhelp.core.access import Action
from earlyhelp.core.audit import record_access, record_object_access
from earlyhelp.core.models import AccessAction, LevelOfNeed
from earlyhelp.people.access import families, people
from earlyhelp.people.api import MAX_ID, IsoDate

from . import services
from .access import episodes
from .models import (
    CaseNote,
    ChronologyEntry,
    ChronologyKind,
    Episode,
    EpisodeChild,
    EpisodeStatus,
    LevelChange,
    NoteKind,
    TeamAroundFamilyMember,
)

router = Router(tags=["Episodes"])

#: The most rows one page of a list returns.
PAGE_LIMIT = 100
#: What a child the caller may not see is called (a restricted person, in a family they see).
WITHHELD_NAME = "Restricted record"

EpisodeId = PathEx[int, P(ge=1, le=MAX_ID)]
# A note may run over lines; no other control characters (PostgreSQL refuses NUL).
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
NoteText = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=20_000, pattern=rf"^[^{_CONTROL}]*[^{_CONTROL}\s][^{_CONTROL}]*$"
    ),
]


# --- Out ----------------------------------------------------------------------------------------


class NamedOut(Schema):
    id: int | None = Field(description="Empty for someone with no account here.")
    name: str


class LevelOut(Schema):
    number: int
    name: str


class ChildOut(Schema):
    person_id: int
    name: str = Field(description=f'"{WITHHELD_NAME}" for a child the caller may not see.')
    date_of_birth: date | None
    level: LevelOut | None


class EpisodeSummaryOut(Schema):
    id: int
    family_id: int
    family_name: str
    status: EpisodeStatus
    status_label: str
    opened_at: datetime
    allocated_team: NamedOut | None
    lead_practitioner: NamedOut | None
    children: list[ChildOut]


class CaseloadEpisodeOut(EpisodeSummaryOut):
    my_role: Literal["lead_practitioner", "team_around_family"]


class CaseloadOut(Schema):
    count: int
    limit: int
    offset: int
    episodes: list[CaseloadEpisodeOut]


class LevelChangeOut(Schema):
    person_id: int
    from_level: LevelOut | None
    to_level: LevelOut
    changed_on: date
    reason: str
    changed_by: NamedOut | None


class LeadSpellOut(Schema):
    lead: NamedOut
    started_at: datetime
    ended_at: datetime | None
    family_had_say: bool
    family_view: str
    reason: str


class TeamMemberOut(Schema):
    id: int
    practitioner: NamedOut
    organisation: str
    role: str
    joined_on: date
    left_on: date | None


class StepUpOut(Schema):
    decided_on: date
    decided_by: str
    reason: str
    handover_notes: str
    social_worker: NamedOut


class StepDownOut(Schema):
    decided_on: date
    handover_meeting_on: date
    receiving_lead: NamedOut
    family_consent: bool
    reason: str


class ClosureOut(Schema):
    closed_at: datetime
    reason_code: str
    reason: str
    note: str
    closed_by: NamedOut | None


class EpisodeOut(EpisodeSummaryOut):
    allocated_at: datetime | None
    lead_history: list[LeadSpellOut] = Field(description="Newest first.")
    team_around_family: list[TeamMemberOut] = Field(description="Current members first.")
    level_changes: list[LevelChangeOut] = Field(description="Newest first.")
    step_ups: list[StepUpOut]
    step_downs: list[StepDownOut]
    closure: ClosureOut | None


class ChronologyEntryOut(Schema):
    id: int
    episode_id: int | None
    occurred_at: datetime
    kind: ChronologyKind
    kind_label: str
    summary: str
    detail: str
    significant: bool
    recorded_by: NamedOut | None


class ChronologyOut(Schema):
    count: int
    limit: int
    offset: int
    entries: list[ChronologyEntryOut]


class CaseNoteOut(Schema):
    id: int
    episode_id: int | None
    kind: NoteKind
    kind_label: str
    occurred_on: date
    text: str
    significant: bool
    recorded_by: NamedOut | None
    recorded_at: datetime


class CaseNotesOut(Schema):
    count: int
    limit: int
    offset: int
    notes: list[CaseNoteOut]


# --- In -----------------------------------------------------------------------------------------


class PageQuery(Schema):
    limit: int = Field(default=50, ge=1, le=PAGE_LIMIT)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class CaseloadQuery(PageQuery):
    status: EpisodeStatus | None = Field(
        default=None, description="Only episodes in this state. Left out: all but closed ones."
    )


class ChronologyQuery(PageQuery):
    significant: bool = Field(default=False, description="Only significant events.")


class CaseNoteIn(Schema):
    kind: NoteKind
    occurred_on: IsoDate
    text: NoteText
    significant: bool = Field(
        default=False, description="A significant note is added to the family's chronology."
    )


# --- Helpers ------------------------------------------------------------------------------------


def _caller(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def user_ref(user: User | None) -> NamedOut | None:
    if user is None:
        return None
    return NamedOut(id=user.pk, name=user.full_name or user.email)


def _named(user: User | None, name: str = "") -> NamedOut:
    return user_ref(user) or NamedOut(id=None, name=name)


def _level(level: LevelOfNeed | None) -> LevelOut | None:
    if level is None:
        return None
    return LevelOut(number=level.number, name=level.name)


def hidden_people(user: User, person_ids: set[int], restricted_ids: set[int]) -> set[int]:
    """Of the restricted people among `person_ids`, those `user` may not see (one query)."""
    restricted = person_ids & restricted_ids
    if not restricted:
        return set()
    seen = set(people.visible_to(user).filter(pk__in=restricted).values_list("pk", flat=True))
    return restricted - seen


def family_episode_or_404(user: User, episode_id: int) -> Episode:
    """An episode of a family the caller may open (the family record's rule), else 404."""
    episode = (
        Episode.objects.filter(pk=episode_id, family__in=families.visible_to(user))
        .select_related(
            "family", "allocated_team", "lead_practitioner", "closure_reason", "closed_by"
        )
        .first()
    )
    if episode is None:
        raise Http404("No such record, or you do not have a reason to see it.")
    return episode


def _children(children: list[EpisodeChild], hidden: set[int]) -> list[ChildOut]:
    return [
        ChildOut(
            person_id=child.person_id,
            name=WITHHELD_NAME if child.person_id in hidden else child.person.full_name,
            date_of_birth=None if child.person_id in hidden else child.person.date_of_birth,
            level=_level(child.level),
        )
        for child in children
    ]


def _summary_fields(
    episode: Episode, children: list[EpisodeChild], hidden: set[int]
) -> dict[str, object]:
    team = episode.allocated_team
    lead = episode.lead_practitioner
    return {
        "id": episode.pk,
        "family_id": episode.family_id,
        "family_name": episode.family.name,
        "status": EpisodeStatus(episode.status),
        "status_label": episode.get_status_display(),
        "opened_at": episode.opened_at,
        "allocated_team": NamedOut(id=team.pk, name=team.name) if team else None,
        "lead_practitioner": user_ref(lead)
        if lead
        else (NamedOut(id=None, name=episode.external_lead_name) if episode.lead_name else None),
        "children": _children(children, hidden),
    }


def _children_prefetch() -> Prefetch:
    return Prefetch(
        "children",
        queryset=EpisodeChild.objects.select_related("person", "level").order_by(
            "person__date_of_birth", "pk"
        ),
    )


def _hidden_children(user: User, children: list[EpisodeChild]) -> set[int]:
    """Children the caller may not see (restricted, without a personal reason)."""
    return hidden_people(
        user,
        {child.person_id for child in children},
        {child.person_id for child in children if child.person.is_restricted},
    )


# --- Operations ---------------------------------------------------------------------------------


@router.get(
    "",
    response=CaseloadOut,
    summary="Your caseload",
    description="Episodes you lead or are on the team around the family for, oldest first "
    "(as on My caseload). Filter by `status`; page with `limit` and `offset`.",
)
def my_caseload(request: HttpRequest, filters: Query[CaseloadQuery]) -> CaseloadOut:
    user = _caller(request)
    mine: QuerySet[Episode] = episodes.visible_to(user).filter(
        Q(lead_practitioner=user)
        | Q(
            pk__in=TeamAroundFamilyMember.objects.filter(user=user, left_on__isnull=True).values(
                "episode_id"
            )
        )
    )
    if filters.status is not None:
        mine = mine.filter(status=filters.status)
    else:
        mine = mine.exclude(status=EpisodeStatus.CLOSED)
    count = mine.count()
    rows = list(
        mine.select_related("family", "allocated_team", "lead_practitioner")
        .prefetch_related(_children_prefetch())
        .order_by("opened_at", "pk")[filters.offset : filters.offset + filters.limit]
    )
    hidden = _hidden_children(user, [child for e in rows for child in e.children.all()])
    out = [
        CaseloadEpisodeOut(
            **_summary_fields(episode, list(episode.children.all()), hidden),  # type: ignore[arg-type]
            my_role="lead_practitioner"
            if episode.lead_practitioner_id == user.pk
            else "team_around_family",
        )
        for episode in rows
    ]
    record_access(
        request,
        AccessAction.API_READ,
        object_type="caseload",
        object_id=user.pk,
        description=f"My caseload (API): {len(out)} of {count} families",
    )
    return CaseloadOut(count=count, limit=filters.limit, offset=filters.offset, episodes=out)


@router.get(
    "/{episode_id}",
    response=EpisodeOut,
    summary="An episode",
    description="Status, the children in scope and their levels of need, the lead practitioner "
    "and their history, the team around the family, step ups and downs, and the closure.",
)
def get_episode(request: HttpRequest, episode_id: EpisodeId) -> EpisodeOut:
    user = _caller(request)
    episode = family_episode_or_404(user, episode_id)
    children = list(
        episode.children.select_related("person", "level").order_by("person__date_of_birth", "pk")
    )
    hidden = _hidden_children(user, children)
    changes = LevelChange.objects.filter(child__episode=episode).select_related(
        "child", "from_level", "to_level", "changed_by"
    )
    members = episode.taf_members.select_related("user", "organisation").order_by(
        "-left_on", "joined_on", "pk"
    )
    closure = None
    if episode.status == EpisodeStatus.CLOSED and episode.closed_at is not None:
        reason = episode.closure_reason
        closure = ClosureOut(
            closed_at=episode.closed_at,
            reason_code=reason.code if reason else "",
            reason=reason.label if reason else "",
            note=episode.closure_note,
            closed_by=user_ref(episode.closed_by),
        )
    out = EpisodeOut(
        **_summary_fields(episode, children, hidden),  # type: ignore[arg-type]
        allocated_at=episode.allocated_at,
        lead_history=[
            LeadSpellOut(
                lead=_named(spell.user, spell.name),
                started_at=spell.started_at,
                ended_at=spell.ended_at,
                family_had_say=spell.family_had_say,
                family_view=spell.family_view,
                reason=spell.reason,
            )
            for spell in episode.lead_spells.select_related("user")
        ],
        team_around_family=[
            TeamMemberOut(
                id=member.pk,
                practitioner=_named(member.user),
                organisation=member.organisation.name if member.organisation else "",
                role=member.role,
                joined_on=member.joined_on,
                left_on=member.left_on,
            )
            # Current members (no end date) first.
            for member in sorted(members, key=lambda m: (m.left_on is not None, m.joined_on))
        ],
        level_changes=[
            LevelChangeOut(
                person_id=change.child.person_id,
                from_level=_level(change.from_level),
                to_level=_level(change.to_level),  # type: ignore[arg-type]
                changed_on=change.changed_on,
                reason=change.reason,
                changed_by=user_ref(change.changed_by),
            )
            for change in changes
        ],
        step_ups=[
            StepUpOut(
                decided_on=step.decided_on,
                decided_by=step.decided_by,
                reason=step.reason,
                handover_notes=step.handover_notes,
                social_worker=_named(step.social_worker, step.social_worker_name),
            )
            for step in episode.step_ups.select_related("social_worker")
        ],
        step_downs=[
            StepDownOut(
                decided_on=step.decided_on,
                handover_meeting_on=step.handover_meeting_on,
                receiving_lead=_named(step.receiving_lead),
                family_consent=step.family_consent,
                reason=step.reason,
            )
            for step in episode.step_downs.select_related("receiving_lead")
        ],
        closure=closure,
    )
    record_object_access(request, episode, AccessAction.API_READ)
    return out


def _entry(entry: ChronologyEntry) -> ChronologyEntryOut:
    return ChronologyEntryOut(
        id=entry.pk,
        episode_id=entry.episode_id,
        occurred_at=entry.occurred_at,
        kind=ChronologyKind(entry.kind),
        kind_label=entry.get_kind_display(),
        summary=entry.summary,
        detail=entry.detail,
        significant=entry.significant,
        recorded_by=user_ref(entry.recorded_by),
    )


@router.get(
    "/{episode_id}/chronology",
    response=ChronologyOut,
    summary="An episode's chronology",
    description="The episode's events and the family's events that belong to no episode (its "
    "requests for support and front-door decisions), newest first.",
)
def chronology(
    request: HttpRequest, episode_id: EpisodeId, filters: Query[ChronologyQuery]
) -> ChronologyOut:
    episode = family_episode_or_404(_caller(request), episode_id)
    entries = ChronologyEntry.objects.filter(
        Q(episode=episode) | Q(episode__isnull=True), family_id=episode.family_id
    )
    if filters.significant:
        entries = entries.filter(significant=True)
    count = entries.count()
    rows = entries.select_related("recorded_by").order_by("-occurred_at", "-pk")[
        filters.offset : filters.offset + filters.limit
    ]
    out = ChronologyOut(
        count=count,
        limit=filters.limit,
        offset=filters.offset,
        entries=[_entry(entry) for entry in rows],
    )
    record_access(
        request,
        AccessAction.API_READ,
        object_type="chronology",
        object_id=episode.pk,
        description=f"Chronology (API): {episode.family}"[:255],
        family_id=episode.family_id,
    )
    return out


def _note(note: CaseNote) -> CaseNoteOut:
    return CaseNoteOut(
        id=note.pk,
        episode_id=note.episode_id,
        kind=NoteKind(note.kind),
        kind_label=note.get_kind_display(),
        occurred_on=note.occurred_on,
        text=note.text,
        significant=note.significant,
        recorded_by=user_ref(note.recorded_by),
        recorded_at=note.recorded_at,
    )


@router.get(
    "/{episode_id}/notes",
    response=CaseNotesOut,
    summary="An episode's case notes",
    description="Visits, calls, messages and observations, newest first.",
)
def case_notes(
    request: HttpRequest, episode_id: EpisodeId, filters: Query[PageQuery]
) -> CaseNotesOut:
    episode = family_episode_or_404(_caller(request), episode_id)
    notes = CaseNote.objects.filter(episode=episode)
    count = notes.count()
    rows = notes.select_related("recorded_by").order_by("-occurred_on", "-pk")[
        filters.offset : filters.offset + filters.limit
    ]
    out = CaseNotesOut(
        count=count, limit=filters.limit, offset=filters.offset, notes=[_note(n) for n in rows]
    )
    record_access(
        request,
        AccessAction.API_READ,
        object_type="case_notes",
        object_id=episode.pk,
        description=f"Case notes (API): {episode.family}"[:255],
        family_id=episode.family_id,
    )
    return out


@router.post(
    "/{episode_id}/notes",
    response={201: CaseNoteOut},
    summary="Record a case note",
    description="On the family's current episode only. A significant note is added to the "
    "family's chronology.",
)
def add_case_note(
    request: HttpRequest, episode_id: EpisodeId, payload: CaseNoteIn
) -> Status[CaseNoteOut]:
    user = _caller(request)
    episode = family_episode_or_404(user, episode_id)
    if not families.can(user, Action.CHANGE, episode.family):
        raise Http404("No such record, or you do not have a reason to see it.")
    current = services.current_episode(episode.family)
    if current is None or current.pk != episode.pk:
        raise ValidationError(
            "Case notes are recorded on the family's current episode"
            + (f" (episode {current.pk})" if current is not None else "")
            + ", not on an earlier one."
        )
    if payload.occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "The date must be today or in the past"})
    note = services.record_case_note(
        actor=user,
        family=episode.family,
        kind=payload.kind,
        occurred_on=payload.occurred_on,
        text=payload.text.strip(),
        significant=payload.significant,
    )
    return Status(201, _note(note))
