"""The only write path for assessments and area scores.

Saving answers is optimistic: each section carries a version number, and a save made from an
older version than the stored one raises `SaveConflict` with both versions, so nobody's words
are overwritten silently. The row is locked while the version is compared and written."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from earlyhelp.accounts.models import Membership, User
from earlyhelp.accounts.roles import Role
from earlyhelp.core.calendar import calendar_for_council
from earlyhelp.core.models import CouncilConfiguration
from earlyhelp.episodes.models import ChronologyKind, Episode, EpisodeStatus
from earlyhelp.episodes.services import add_chronology_entry
from earlyhelp.people.codes import FamilyRole

from .default_template import DEFAULT_TEMPLATE_NAME
from .models import (
    SCORE_MAX,
    SCORE_MIN,
    AgreementMethod,
    AreaScore,
    AreaScoreSource,
    Assessment,
    AssessmentSettings,
    AssessmentStatus,
    AssessmentTemplate,
    QuestionKind,
)

MAX_ANSWER_LENGTH = 20_000


def _reason(obj: Any, reason: str) -> None:
    obj._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"


# --- Who may do what ----------------------------------------------------------------------------


def _team_roles(user: Any, episode: Episode) -> set[str]:
    if not getattr(user, "is_authenticated", False) or episode.allocated_team_id is None:
        return set()
    return set(
        Membership.objects.filter(
            Membership.current_q(), user=user, team_id=episode.allocated_team_id
        ).values_list("role", flat=True)
    )


def may_write(user: Any, episode: Episode) -> bool:
    """The lead practitioner and the allocated team (its managers too) write assessments."""
    if not getattr(user, "is_authenticated", False) or user.is_auditor:
        return False
    return episode.lead_practitioner_id == user.pk or bool(_team_roles(user, episode))


def may_sign_off(user: Any, episode: Episode) -> bool:
    """A current team manager of the allocated team."""
    return Role.TEAM_MANAGER in _team_roles(user, episode)


# --- Templates ----------------------------------------------------------------------------------


def current_template(name: str = DEFAULT_TEMPLATE_NAME) -> AssessmentTemplate:
    """The newest published version of the named template (else of any template)."""
    published = AssessmentTemplate.objects.filter(published=True).order_by("-version", "-pk")
    template = published.filter(name=name).first() or published.first()
    if template is None:
        raise ValidationError("No assessment template has been published.")
    return template


def children_in_scope(episode: Episode) -> list[tuple[int, str]]:
    """(person id, name) of the family's current children, for the per-child questions."""
    members = (
        episode.family.members.filter(role=FamilyRole.CHILD, left_on__isnull=True)
        .select_related("person")
        .order_by("person__date_of_birth", "person_id")
    )
    return [(m.person_id, str(m.person)) for m in members]


def section_answer_keys(
    section: dict[str, Any], children: list[tuple[int, str]]
) -> list[tuple[str, dict[str, Any], tuple[int, str] | None]]:
    """Every answer key on a section page: (key, question, child or None)."""
    if section.get("per_child"):
        return [
            (f"{q['key']}__{child[0]}", q, child)
            for child in children
            for q in section["questions"]
        ]
    return [(q["key"], q, None) for q in section["questions"]]


# --- Starting, saving, submitting ---------------------------------------------------------------


def due_date(started_on: date, config: CouncilConfiguration | None = None) -> date:
    config = config or CouncilConfiguration.current()
    return calendar_for_council(config).add_working_days(started_on, config.assessment_working_days)


@transaction.atomic
def start_assessment(
    *,
    actor: User,
    episode: Episode,
    template: AssessmentTemplate | None = None,
    started_on: date | None = None,
) -> Assessment:
    """Start the episode's assessment; an assessment already under way is returned instead."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.status != EpisodeStatus.OPEN:
        raise ValidationError("Only an open, allocated episode can be assessed.")
    if not may_write(actor, episode):
        raise ValidationError("Only the lead practitioner or the allocated team may assess.")
    under_way = episode.assessments.filter(
        status__in=[AssessmentStatus.IN_PROGRESS, AssessmentStatus.RETURNED]
    ).first()
    if under_way is not None:
        return under_way
    started_on = started_on or timezone.localdate()
    assessment = Assessment(
        episode=episode,
        template=template or current_template(),
        started_by=actor,
        started_on=started_on,
        due_on=due_date(started_on),
    )
    _reason(assessment, "Assessment started")
    assessment.save()
    add_chronology_entry(
        family=episode.family,
        episode=episode,
        kind=ChronologyKind.ASSESSMENT,
        summary=f"Early help assessment started (due {assessment.due_on:%-d %B %Y})",
        source=assessment,
        actor=actor,
        significant=False,
    )
    return assessment


def clean_answer(question: dict[str, Any], value: Any) -> str:
    """One posted answer as stored: text trimmed of trailing space; a score 1-10 or empty; a
    choice one of its values or empty. Anything else raises ValidationError."""
    text = "" if value is None else str(value)
    if len(text) > MAX_ANSWER_LENGTH:
        raise ValidationError(f"{question['label']} must be {MAX_ANSWER_LENGTH} characters or less")
    kind = question["kind"]
    if kind == QuestionKind.SCORE:
        text = text.strip()
        if text and not (text.isdigit() and SCORE_MIN <= int(text) <= SCORE_MAX):
            raise ValidationError(f"{question['label']} must be a whole number from 1 to 10")
    elif kind == QuestionKind.CHOICE:
        text = text.strip()
        if text and text not in {str(c[0]) for c in question["choices"]}:
            raise ValidationError(f"Select an option for {question['label'].lower()}")
    return text.rstrip() if kind in (QuestionKind.TEXT, QuestionKind.LONG_TEXT) else text


@dataclass
class SaveConflict(Exception):
    """Someone saved the section since the version this save started from."""

    stored_version: int
    yours: dict[str, str]
    stored: dict[str, str]
    saved_by: str
    saved_at: str

    def differing(self) -> list[str]:
        return [k for k in self.yours if self.yours[k] != self.stored.get(k, "")]


@transaction.atomic
def save_section(
    *,
    actor: User,
    assessment: Assessment,
    section_key: str,
    answers: dict[str, Any],
    base_version: int,
) -> Assessment:
    """Save a section's answers made from `base_version` of it. Only that section's keys are
    written. Raises SaveConflict when the stored section is newer and differs from `answers`."""
    locked = Assessment.objects.select_for_update().select_related("template", "episode")
    assessment = locked.get(pk=assessment.pk)
    if not assessment.editable:
        raise ValidationError("This assessment has been submitted and can no longer be changed.")
    if not may_write(actor, assessment.episode):
        raise ValidationError("You may not change this assessment.")
    section = assessment.template.section(section_key)
    if section is None:
        raise ValidationError("No such section.")
    children = children_in_scope(assessment.episode)
    yours: dict[str, str] = {}
    for key, question, _child in section_answer_keys(section, children):
        yours[key] = clean_answer(question, answers.get(key, ""))
    stored = {key: str(assessment.answers.get(key, "")) for key in yours}
    current = assessment.version_of(section_key)
    if base_version != current:
        if yours == stored:
            return assessment  # the same words: nothing to choose between
        saved = assessment.section_saved.get(section_key, {})
        raise SaveConflict(
            stored_version=current,
            yours=yours,
            stored=stored,
            saved_by=str(saved.get("by_name", "")),
            saved_at=str(saved.get("at", "")),
        )
    if yours == stored:
        return assessment
    assessment.answers = {**assessment.answers, **yours}
    assessment.section_versions = {**assessment.section_versions, section_key: current + 1}
    assessment.section_saved = {
        **assessment.section_saved,
        section_key: {
            "by": actor.pk,
            "by_name": actor.full_name or actor.email,
            "at": timezone.now().isoformat(),
        },
    }
    _reason(assessment, f"Saved {section['title']}")
    assessment.save(update_fields=["answers", "section_versions", "section_saved"])
    return assessment


def section_state(assessment: Assessment, section: dict[str, Any], children: list) -> str:
    """ "not_started", "in_progress" or "completed" (every question answered)."""
    keys = [key for key, _q, _c in section_answer_keys(section, children)]
    answered = [bool(str(assessment.answers.get(key, "")).strip()) for key in keys]
    if keys and all(answered):
        return "completed"
    return "in_progress" if any(answered) else "not_started"


def missing_answers(assessment: Assessment) -> list[tuple[dict[str, Any], str]]:
    """(section, question label) for each required question not yet answered."""
    children = children_in_scope(assessment.episode)
    missing = []
    for section in assessment.template.sections:
        for key, question, child in section_answer_keys(section, children):
            if question.get("required") and not str(assessment.answers.get(key, "")).strip():
                label = question["label"] + (f" ({child[1]})" if child else "")
                missing.append((section, label))
    return missing


@transaction.atomic
def submit(*, actor: User, assessment: Assessment) -> Assessment:
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("template", "episode")
        .get(pk=assessment.pk)
    )
    if not assessment.editable:
        raise ValidationError("This assessment has already been submitted.")
    if not may_write(actor, assessment.episode):
        raise ValidationError("You may not submit this assessment.")
    if missing_answers(assessment):
        raise ValidationError("Answer every required question before submitting.")
    now = timezone.now()
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = now
    assessment.submitted_by = actor
    if not AssessmentSettings.current().managers_sign_off:
        assessment.status = AssessmentStatus.SIGNED_OFF
    _reason(assessment, "Submitted")
    assessment.save()
    scores = {
        section["key"]: int(assessment.answers[question["key"]])
        for section in assessment.template.sections
        if section.get("area")
        for question in section["questions"]
        if question["kind"] == QuestionKind.SCORE
        and str(assessment.answers.get(question["key"], "")).isdigit()
    }
    record_area_scores(
        actor=actor,
        episode=assessment.episode,
        scores=scores,
        source=assessment,
        scored_on=timezone.localdate(),
    )
    add_chronology_entry(
        family=assessment.episode.family,
        episode=assessment.episode,
        kind=ChronologyKind.ASSESSMENT,
        summary="Early help assessment submitted",
        detail=", ".join(
            f"{label}: {score}" for _k, label, score in current_areas(assessment.episode)
        ),
        source=assessment,
        actor=actor,
    )
    return assessment


@transaction.atomic
def sign_off(*, actor: User, assessment: Assessment, approve: bool, comments: str) -> Assessment:
    """A team manager signs the submitted assessment off, or returns it with comments."""
    assessment = (
        Assessment.objects.select_for_update().select_related("episode").get(pk=assessment.pk)
    )
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError("Only a submitted assessment can be signed off.")
    if not may_sign_off(actor, assessment.episode):
        raise ValidationError("Only a manager of the allocated team can sign this off.")
    if not approve and not comments.strip():
        raise ValidationError({"comments": "Say what needs to change"})
    assessment.manager_comments = comments
    if approve:
        assessment.status = AssessmentStatus.SIGNED_OFF
        assessment.signed_off_at = timezone.now()
        assessment.signed_off_by = actor
        summary = "Early help assessment signed off"
    else:
        assessment.status = AssessmentStatus.RETURNED
        summary = "Early help assessment returned for changes"
    _reason(assessment, summary)
    assessment.save()
    add_chronology_entry(
        family=assessment.episode.family,
        episode=assessment.episode,
        kind=ChronologyKind.ASSESSMENT,
        summary=summary,
        detail=comments,
        source=assessment,
        actor=actor,
    )
    return assessment


@transaction.atomic
def record_agreement(
    *,
    actor: User,
    assessment: Assessment,
    agreed_by: str,
    method: str,
    agreed_on: date,
    comments: str = "",
) -> Assessment:
    """Record who in the family agreed the assessment, how and when."""
    assessment = (
        Assessment.objects.select_for_update().select_related("episode").get(pk=assessment.pk)
    )
    if not may_write(actor, assessment.episode):
        raise ValidationError("You may not change this assessment.")
    if method not in AgreementMethod.values:
        raise ValidationError({"method": "Select how the family agreed"})
    if agreed_on > timezone.localdate():
        raise ValidationError({"agreed_on": "The date must be today or in the past"})
    assessment.agreed_by = agreed_by.strip()
    assessment.agreement_method = method
    assessment.agreed_on = agreed_on
    assessment.agreement_comments = comments
    assessment.agreement_recorded_by = actor
    _reason(assessment, "Family agreement recorded")
    assessment.save()
    add_chronology_entry(
        family=assessment.episode.family,
        episode=assessment.episode,
        kind=ChronologyKind.ASSESSMENT,
        summary=f"{assessment.agreed_by} agreed the early help assessment",
        source=assessment,
        actor=actor,
        significant=False,
    )
    return assessment


# --- Area scores (also used by reviews, which re-score the areas) -----------------------------


def _areas_of(episode: Episode) -> list[tuple[str, str]]:
    latest = (
        Assessment.objects.filter(episode=episode)
        .select_related("template")
        .order_by("-pk")
        .first()
    )
    if latest is not None:
        return latest.template.areas()
    try:
        return current_template().areas()
    except ValidationError:
        return []


def current_areas(episode: Episode) -> list[tuple[str, str, int | None]]:
    """(area key, label, latest score or None) for each area the episode is assessed on: the
    areas of its latest assessment's template (else the current template's)."""
    areas = _areas_of(episode)
    latest: dict[str, int] = {}
    for key, score in (
        AreaScore.objects.filter(episode=episode)
        .order_by("scored_on", "pk")
        .values_list("area_key", "score")
    ):
        latest[key] = score
    return [(key, label, latest.get(key)) for key, label in areas]


@transaction.atomic
def record_area_scores(
    *,
    actor: User | None,
    episode: Episode,
    scores: dict[str, int],
    source: Any,
    scored_on: date,
) -> None:
    """Score some of the episode's areas (keys from `current_areas`) from 1 to 10.

    `source` is the record the scores come from: an `Assessment`, or any other record (a
    review meeting: its model name is kept as "review" with its id), or the plain string
    "assessment" or "review"."""
    labels = dict(_areas_of(episode))
    if isinstance(source, str):
        if source not in AreaScoreSource.values:
            raise ValidationError(f"Unknown source of scores {source!r}")
        kind, source_id = source, ""
    else:
        kind = (
            AreaScoreSource.ASSESSMENT if isinstance(source, Assessment) else AreaScoreSource.REVIEW
        )
        source_id = str(source.pk)
    for key, score in scores.items():
        if key not in labels:
            raise ValidationError(f"{key!r} is not an area of this episode's assessment")
        if (
            isinstance(score, bool)
            or not isinstance(score, int)
            or not SCORE_MIN <= score <= SCORE_MAX
        ):
            raise ValidationError(
                f"The score for {labels[key]} must be a whole number from 1 to 10"
            )
    for key, score in scores.items():
        row = AreaScore(
            episode=episode,
            area_key=key,
            area_label=labels[key],
            score=score,
            scored_on=scored_on,
            source=kind,
            source_id=source_id,
            recorded_by=actor,
        )
        _reason(row, f"Scored from the {kind}")
        row.save()


def distance_travelled(episode: Episode) -> dict[str, list[tuple[date, int]]]:
    """Area key → its scores over time, oldest first (every current area, even unscored)."""
    travelled: dict[str, list[tuple[date, int]]] = {key: [] for key, _label in _areas_of(episode)}
    for key, scored_on, score in (
        AreaScore.objects.filter(episode=episode)
        .order_by("scored_on", "pk")
        .values_list("area_key", "scored_on", "score")
    ):
        travelled.setdefault(key, []).append((scored_on, score))
    return travelled
