"""Early help assessments through the API, with the same rules as the pages.

- Reading: an episode's assessments for whoever may open the family's record; one assessment
  for whoever may see its episode (`access.assessments`). Anyone else: 404. Every read is
  written to the access log.
- Writing (saving a section, submitting) is for the lead practitioner and the allocated team
  (`services.may_write`); anyone else gets a 404, as on the pages.
- No lost words: a section is saved with the section `version` the client last saw. Only the
  answers sent change. If someone saved the section since, and the answers sent differ from
  theirs, nothing is saved: 409 with both versions (`yours` and `stored`) and the version now
  stored, to send again once the caller has chosen (`services.save_section` / `SaveConflict`).
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.dateparse import parse_datetime
from ninja import P, PathEx, Router, Schema, Status
from pydantic import Field, StrictInt, StrictStr

from earlyhelp.accounts.models import User
from earlyhelp.core.audit import record_access, record_object_access
from earlyhelp.core.models import AccessAction
from earlyhelp.episodes.access import episodes
from earlyhelp.episodes.api import (
    WITHHELD_NAME,
    EpisodeId,
    NamedOut,
    family_episode_or_404,
    hidden_people,
    user_ref,
)
from earlyhelp.people.api import MAX_ID
from earlyhelp.people.models import Person

from . import services
from .access import assessments
from .models import AgreementMethod, Assessment, AssessmentStatus, QuestionKind

episode_router = Router(tags=["Assessments"])
router = Router(tags=["Assessments"])

AssessmentId = PathEx[int, P(ge=1, le=MAX_ID)]
SectionKey = PathEx[str, P(pattern=r"^[a-z0-9_]{1,60}$")]
Answer = Annotated[
    StrictStr | StrictInt | None, Field(description="Text, a score 1-10, or a choice's value.")
]


# --- Out ----------------------------------------------------------------------------------------


class TemplateOut(Schema):
    name: str
    version: int


class AssessmentSummaryOut(Schema):
    id: int
    episode_id: int
    template: TemplateOut
    status: AssessmentStatus
    status_label: str
    started_on: date
    due_on: date
    started_by: NamedOut | None
    submitted_at: datetime | None
    signed_off_at: datetime | None


class AssessmentsOut(Schema):
    assessments: list[AssessmentSummaryOut] = Field(description="Newest first.")


class ChildRefOut(Schema):
    person_id: int
    name: str


class AnswerOut(Schema):
    key: str = Field(description="The answer's key: the question's, or `<question>__<child>`.")
    question: str
    label: str
    kind: QuestionKind
    required: bool
    child: ChildRefOut | None = Field(description="For a question asked about each child.")
    value: str


class SectionOut(Schema):
    key: str
    title: str
    area: bool = Field(description="An area of the Assessment Framework triangle, scored 1-10.")
    version: int = Field(description="Send it back when saving the section.")
    state: Literal["not_started", "in_progress", "completed"]
    saved_by: str
    saved_at: datetime | None
    answers: list[AnswerOut]


class AreaOut(Schema):
    key: str
    label: str
    score: int | None = Field(description="The latest score, from the assessment or a review.")


class AgreementOut(Schema):
    agreed_by: str
    method: AgreementMethod
    agreed_on: date
    comments: str


class AssessmentOut(AssessmentSummaryOut):
    submitted_by: NamedOut | None
    signed_off_by: NamedOut | None
    manager_comments: str
    agreement: AgreementOut | None
    areas: list[AreaOut]
    sections: list[SectionOut]


class SectionConflictOut(Schema):
    detail: str
    code: Literal["conflict"]
    version: int = Field(description="The section's version now: send it to save yours over.")
    yours: dict[str, str] = Field(description="The section's answers as you sent them.")
    stored: dict[str, str] = Field(description="The section's answers as saved now.")
    differing: list[str] = Field(description="The answer keys where the two differ.")
    saved_by: str
    saved_at: datetime | None


# --- In -----------------------------------------------------------------------------------------


class SectionIn(Schema):
    version: int = Field(ge=0, description="The section's version you last saw (0: never saved).")
    answers: dict[str, Answer] = Field(
        max_length=500,
        description="Answer key to answer. Only the keys sent change; an empty string clears one.",
    )


# --- Helpers ------------------------------------------------------------------------------------


def _caller(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _assessment_or_404(user: User, assessment_id: int, *, write: bool = False) -> Assessment:
    found = (
        assessments.visible_to(user)
        .filter(pk=assessment_id)
        .select_related(
            "template",
            "episode__family",
            "started_by",
            "submitted_by",
            "signed_off_by",
        )
        .first()
    )
    if found is None or (write and not services.may_write(user, found.episode)):
        raise Http404("No such record, or you do not have a reason to see it.")
    return found


def _summary_fields(assessment: Assessment) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "episode_id": assessment.episode_id,
        "template": TemplateOut(name=assessment.template.name, version=assessment.template.version),
        "status": AssessmentStatus(assessment.status),
        "status_label": assessment.get_status_display(),
        "started_on": assessment.started_on,
        "due_on": assessment.due_on,
        "started_by": user_ref(assessment.started_by),
        "submitted_at": assessment.submitted_at,
        "signed_off_at": assessment.signed_off_at,
    }


def _children(user: User, assessment: Assessment) -> list[tuple[int, str]]:
    """The children the per-child questions ask about, a restricted child the caller may not
    see named only as such."""
    children = services.children_in_scope(assessment.episode)
    ids = {pk for pk, _name in children}
    restricted = set(
        Person.objects.filter(pk__in=ids, is_restricted=True).values_list("pk", flat=True)
    )
    hidden = hidden_people(user, ids, restricted)
    return [(pk, WITHHELD_NAME if pk in hidden else name) for pk, name in children]


def _saved_at(value: str) -> datetime | None:
    return parse_datetime(value) if value else None


def _section(
    assessment: Assessment, section: dict[str, Any], children: list[tuple[int, str]]
) -> SectionOut:
    saved = assessment.section_saved.get(section["key"], {})
    return SectionOut(
        key=section["key"],
        title=section["title"],
        area=bool(section.get("area")),
        version=assessment.version_of(section["key"]),
        state=services.section_state(assessment, section, children),  # type: ignore[arg-type]
        saved_by=str(saved.get("by_name", "")),
        saved_at=_saved_at(str(saved.get("at", ""))),
        answers=[
            AnswerOut(
                key=key,
                question=question["key"],
                label=question["label"],
                kind=QuestionKind(question["kind"]),
                required=bool(question.get("required")),
                child=ChildRefOut(person_id=child[0], name=child[1]) if child else None,
                value=str(assessment.answers.get(key, "")),
            )
            for key, question, child in services.section_answer_keys(section, children)
        ],
    )


def _out(user: User, assessment: Assessment) -> AssessmentOut:
    children = _children(user, assessment)
    agreement = None
    if assessment.agreed_on is not None and assessment.agreement_method:
        agreement = AgreementOut(
            agreed_by=assessment.agreed_by,
            method=AgreementMethod(assessment.agreement_method),
            agreed_on=assessment.agreed_on,
            comments=assessment.agreement_comments,
        )
    return AssessmentOut(
        **_summary_fields(assessment),
        submitted_by=user_ref(assessment.submitted_by),
        signed_off_by=user_ref(assessment.signed_off_by),
        manager_comments=assessment.manager_comments,
        agreement=agreement,
        areas=[
            AreaOut(key=key, label=label, score=score)
            for key, label, score in services.current_areas(assessment.episode)
        ],
        sections=[
            _section(assessment, section, children) for section in assessment.template.sections
        ],
    )


def _read(request: HttpRequest, assessment: Assessment) -> AssessmentOut:
    out = _out(_caller(request), assessment)
    record_object_access(request, assessment, AccessAction.API_READ)
    return out


# --- Operations ---------------------------------------------------------------------------------


@episode_router.get(
    "/{episode_id}/assessments",
    response=AssessmentsOut,
    summary="An episode's assessments",
)
def episode_assessments(request: HttpRequest, episode_id: EpisodeId) -> AssessmentsOut:
    user = _caller(request)
    episode = family_episode_or_404(user, episode_id)
    if not episodes.visible_to(user).filter(pk=episode.pk).exists():
        raise Http404("No such record, or you do not have a reason to see it.")
    rows = (
        Assessment.objects.filter(episode=episode)
        .select_related("template", "started_by")
        .order_by("-started_on", "-pk")
    )
    out = AssessmentsOut(assessments=[AssessmentSummaryOut(**_summary_fields(a)) for a in rows])
    record_access(
        request,
        AccessAction.API_READ,
        object_type="assessments",
        object_id=episode.pk,
        description=f"Assessments (API): {episode.family}"[:255],
        family_id=episode.family_id,
    )
    return out


@router.get(
    "/{assessment_id}",
    response=AssessmentOut,
    summary="An assessment",
    description="Its template, status and dates, the area scores, and every section's answers "
    "with the section's version (send it back when saving the section).",
)
def get_assessment(request: HttpRequest, assessment_id: AssessmentId) -> AssessmentOut:
    return _read(request, _assessment_or_404(_caller(request), assessment_id))


@router.patch(
    "/{assessment_id}/sections/{section_key}",
    response={200: AssessmentOut, 409: SectionConflictOut},
    summary="Save a section's answers",
    description="Send the section's `version` you last saw and the answers that change. If the "
    "section was saved by someone else since, and your answers differ from theirs, nothing is "
    "saved and the answer is 409 with both versions: choose, then send again with the version "
    "now stored. A submitted assessment cannot be changed (422).",
)
def save_section(
    request: HttpRequest,
    assessment_id: AssessmentId,
    section_key: SectionKey,
    payload: SectionIn,
) -> Status[AssessmentOut] | Status[SectionConflictOut]:
    user = _caller(request)
    assessment = _assessment_or_404(user, assessment_id, write=True)
    section = assessment.template.section(section_key)
    if section is None:
        raise Http404("No such section.")
    children = services.children_in_scope(assessment.episode)
    keys = [key for key, _q, _c in services.section_answer_keys(section, children)]
    unknown = sorted(set(payload.answers) - set(keys))
    if unknown:
        raise ValidationError(
            {f"answers.{key}": "Not a question in this section." for key in unknown[:20]}
        )
    answers = {key: str(assessment.answers.get(key, "")) for key in keys}
    answers.update({key: "" if v is None else str(v) for key, v in payload.answers.items()})
    try:
        saved = services.save_section(
            actor=user,
            assessment=assessment,
            section_key=section_key,
            answers=answers,
            base_version=payload.version,
        )
    except services.SaveConflict as conflict:
        # The answer shows the stored words: a read of case data.
        record_object_access(request, assessment, AccessAction.API_READ)
        return Status(
            409,
            SectionConflictOut(
                detail="Someone else saved this section since the version you sent. Nothing "
                "was saved. Choose between the two, then send again with the version now stored.",
                code="conflict",
                version=conflict.stored_version,
                yours=conflict.yours,
                stored=conflict.stored,
                differing=conflict.differing(),
                saved_by=conflict.saved_by,
                saved_at=_saved_at(conflict.saved_at),
            ),
        )
    return Status(200, _read(request, _assessment_or_404(user, saved.pk)))


@router.post(
    "/{assessment_id}/submit",
    response=AssessmentOut,
    summary="Submit the assessment",
    description="Every required question must be answered (422 lists those that are not). "
    "Writes the area scores; a manager then signs it off when the council asks for that.",
)
def submit(request: HttpRequest, assessment_id: AssessmentId) -> AssessmentOut:
    user = _caller(request)
    assessment = _assessment_or_404(user, assessment_id, write=True)
    if assessment.editable:
        missing: dict[str, list[str]] = {}
        for section, label in services.missing_answers(assessment):
            missing.setdefault(f"sections.{section['key']}", []).append(f"Answer {label!r}")
        if missing:
            raise ValidationError(missing)
    services.submit(actor=user, assessment=assessment)
    return _read(request, _assessment_or_404(user, assessment.pk))
