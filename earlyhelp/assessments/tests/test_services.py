"""Assessments: templates as versioned data, the due date in working days, saving with
conflict detection, submitting (which writes area scores), and the area-score services that
reviews use for distance travelled."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from earlyhelp.assessments import services
from earlyhelp.assessments.default_template import DEFAULT_SECTIONS_V1, DEFAULT_TEMPLATE_NAME
from earlyhelp.assessments.models import (
    AreaScore,
    AssessmentSettings,
    AssessmentStatus,
    AssessmentTemplate,
)
from earlyhelp.core.models import CouncilConfiguration
from earlyhelp.episodes.models import ChronologyEntry

from .conftest import Case

pytestmark = pytest.mark.django_db

AREAS = ["development", "parenting", "environment"]


def complete(case: Case, assessment) -> None:
    answers = {
        "development": {"development_score": "4"},
        "parenting": {"parenting_score": "6"},
        "environment": {"environment_score": "3"},
        "analysis": {"analysis": "Ava is anxious about school."},
        "decision": {"decision": "family_plan", "decision_reasons": "Agreed with mum."},
    }
    for section, values in answers.items():
        services.save_section(
            actor=case.lead,
            assessment=assessment,
            section_key=section,
            answers=values,
            base_version=assessment.version_of(section),
        )
        assessment.refresh_from_db()


def test_the_default_template_is_seeded_as_version_one() -> None:
    template = services.current_template()
    assert (template.name, template.version, template.published) == (
        DEFAULT_TEMPLATE_NAME,
        1,
        True,
    )
    assert [key for key, _label in template.areas()] == AREAS
    template.full_clean()


def test_an_assessment_keeps_the_template_version_it_started_with(case: Case) -> None:
    first = services.start_assessment(actor=case.lead, episode=case.episode)
    v2 = AssessmentTemplate.objects.create(
        name=DEFAULT_TEMPLATE_NAME, version=2, published=True, sections=DEFAULT_SECTIONS_V1[:4]
    )
    assert services.current_template() == v2
    first.refresh_from_db()
    assert first.template.version == 1
    # Starting again returns the assessment under way, not a new one on version 2.
    assert services.start_assessment(actor=case.colleague, episode=case.episode) == first


def test_a_council_template_must_be_well_formed() -> None:
    bad = AssessmentTemplate(name="Ours", sections=[{"key": "a", "title": "A", "questions": []}])
    with pytest.raises(ValidationError):
        bad.full_clean()
    area_without_score = [
        {
            "key": "a",
            "title": "A",
            "area": True,
            "questions": [{"key": "q", "label": "Q", "kind": "text"}],
        }
    ]
    with pytest.raises(ValidationError):
        AssessmentTemplate(name="Ours", sections=area_without_score).full_clean()


def test_due_ten_working_days_later_skipping_the_easter_bank_holidays(case: Case) -> None:
    # Started on the Thursday before Easter.
    assessment = services.start_assessment(
        actor=case.lead, episode=case.episode, started_on=date(2026, 4, 2)
    )
    # Good Friday 3 April and Easter Monday 6 April 2026 are not working days.
    assert assessment.started_on == date(2026, 4, 2)
    assert assessment.due_on == date(2026, 4, 20)


def test_the_due_date_follows_the_councils_setting(case: Case) -> None:
    config = CouncilConfiguration.current()
    config.assessment_working_days = 5
    config.save()
    assessment = services.start_assessment(
        actor=case.lead, episode=case.episode, started_on=date(2026, 11, 23)
    )
    assert assessment.due_on == date(2026, 11, 30)


def test_a_stranger_cannot_start_an_assessment(case: Case) -> None:
    with pytest.raises(ValidationError):
        services.start_assessment(actor=case.stranger, episode=case.episode)


def test_saving_from_an_old_version_is_a_conflict_with_both_versions(case: Case) -> None:
    assessment = services.start_assessment(actor=case.lead, episode=case.episode)
    services.save_section(
        actor=case.lead,
        assessment=assessment,
        section_key="about",
        answers={"reason": "Mine", "contributors": "Mum"},
        base_version=0,
    )
    with pytest.raises(services.SaveConflict) as conflict:
        services.save_section(
            actor=case.colleague,
            assessment=assessment,
            section_key="about",
            answers={"reason": "Theirs", "contributors": "Mum"},
            base_version=0,
        )
    assert conflict.value.stored_version == 1
    assert conflict.value.yours["reason"] == "Theirs"
    assert conflict.value.stored["reason"] == "Mine"
    assert conflict.value.differing() == ["reason"]
    assert conflict.value.saved_by == "Pat Practitioner"
    assessment.refresh_from_db()
    assert assessment.answers["reason"] == "Mine"
    # Saving the same words from an old version is no conflict; another section is independent.
    services.save_section(
        actor=case.colleague,
        assessment=assessment,
        section_key="about",
        answers={"reason": "Mine", "contributors": "Mum"},
        base_version=0,
    )
    services.save_section(
        actor=case.colleague,
        assessment=assessment,
        section_key="analysis",
        answers={"analysis": "Theirs"},
        base_version=0,
    )


def test_per_child_questions_are_answered_for_each_child(case: Case) -> None:
    assessment = services.start_assessment(actor=case.lead, episode=case.episode)
    ava, ben = case.children
    services.save_section(
        actor=case.lead,
        assessment=assessment,
        section_key="child_voice",
        answers={f"wishes_feelings__{ava.pk}": "To see dad", f"wishes_feelings__{ben.pk}": "Lego"},
        base_version=0,
    )
    assessment.refresh_from_db()
    assert assessment.answers[f"wishes_feelings__{ben.pk}"] == "Lego"


def test_a_score_must_be_one_to_ten(case: Case) -> None:
    assessment = services.start_assessment(actor=case.lead, episode=case.episode)
    with pytest.raises(ValidationError):
        services.save_section(
            actor=case.lead,
            assessment=assessment,
            section_key="parenting",
            answers={"parenting_score": "11"},
            base_version=0,
        )


def test_submitting_needs_the_required_answers_and_writes_area_scores(case: Case) -> None:
    assessment = services.start_assessment(actor=case.lead, episode=case.episode)
    with pytest.raises(ValidationError):
        services.submit(actor=case.lead, assessment=assessment)
    complete(case, assessment)
    assessment = services.submit(actor=case.lead, assessment=assessment)
    assert assessment.status == AssessmentStatus.SUBMITTED
    rows = AreaScore.objects.filter(episode=case.episode)
    assert {(r.area_key, r.score, r.source, r.source_id) for r in rows} == {
        ("development", 4, "assessment", str(assessment.pk)),
        ("parenting", 6, "assessment", str(assessment.pk)),
        ("environment", 3, "assessment", str(assessment.pk)),
    }
    assert ChronologyEntry.objects.filter(
        episode=case.episode, summary="Early help assessment submitted"
    ).exists()
    with pytest.raises(ValidationError):
        services.save_section(
            actor=case.lead,
            assessment=assessment,
            section_key="about",
            answers={"reason": "Late"},
            base_version=0,
        )


def test_a_manager_signs_off_or_returns(case: Case) -> None:
    assessment = services.start_assessment(actor=case.lead, episode=case.episode)
    complete(case, assessment)
    services.submit(actor=case.lead, assessment=assessment)
    with pytest.raises(ValidationError):
        services.sign_off(actor=case.lead, assessment=assessment, approve=True, comments="")
    with pytest.raises(ValidationError):
        services.sign_off(actor=case.manager, assessment=assessment, approve=False, comments="")
    returned = services.sign_off(
        actor=case.manager, assessment=assessment, approve=False, comments="Add dad's views"
    )
    assert returned.status == AssessmentStatus.RETURNED and returned.editable
    services.submit(actor=case.lead, assessment=returned)
    signed = services.sign_off(actor=case.manager, assessment=returned, approve=True, comments="")
    assert signed.status == AssessmentStatus.SIGNED_OFF
    assert signed.signed_off_by == case.manager
    assert ChronologyEntry.objects.filter(summary="Early help assessment signed off").exists()


def test_without_sign_off_a_submitted_assessment_is_final(case: Case) -> None:
    AssessmentSettings.objects.create(managers_sign_off=False)
    assessment = services.start_assessment(actor=case.lead, episode=case.episode)
    complete(case, assessment)
    assert services.submit(actor=case.lead, assessment=assessment).status == "signed_off"


def test_the_family_agreement_is_recorded(case: Case) -> None:
    assessment = services.start_assessment(actor=case.lead, episode=case.episode)
    services.record_agreement(
        actor=case.lead,
        assessment=assessment,
        agreed_by="Kim Hughes (mum)",
        method="in_person",
        agreed_on=date(2026, 1, 5),
    )
    assessment.refresh_from_db()
    assert (assessment.agreed_by, assessment.agreement_recorded_by) == (
        "Kim Hughes (mum)",
        case.lead,
    )


# --- Area scores and distance travelled ----------------------------------------------------------


def test_current_areas_before_any_score(case: Case) -> None:
    assert services.current_areas(case.episode) == [
        ("development", "Child's developmental needs", None),
        ("parenting", "Parenting capacity", None),
        ("environment", "Family and environmental factors", None),
    ]
    assert services.distance_travelled(case.episode) == {key: [] for key in AREAS}


def test_reviews_rescore_areas_and_distance_travelled_shows_the_journey(case: Case) -> None:
    assessment = services.start_assessment(actor=case.lead, episode=case.episode)
    services.record_area_scores(
        actor=case.lead,
        episode=case.episode,
        scores={"development": 3, "parenting": 5, "environment": 4},
        source=assessment,
        scored_on=date(2026, 1, 10),
    )
    services.record_area_scores(
        actor=case.lead,
        episode=case.episode,
        scores={"development": 6, "parenting": 7},
        source="review",
        scored_on=date(2026, 2, 21),
    )
    assert services.current_areas(case.episode) == [
        ("development", "Child's developmental needs", 6),
        ("parenting", "Parenting capacity", 7),
        ("environment", "Family and environmental factors", 4),
    ]
    assert services.distance_travelled(case.episode) == {
        "development": [(date(2026, 1, 10), 3), (date(2026, 2, 21), 6)],
        "parenting": [(date(2026, 1, 10), 5), (date(2026, 2, 21), 7)],
        "environment": [(date(2026, 1, 10), 4)],
    }
    review_row = AreaScore.objects.get(scored_on=date(2026, 2, 21), area_key="development")
    assert (review_row.source, review_row.source_id) == ("review", "")


@pytest.mark.parametrize(
    "scores", [{"development": 0}, {"development": 11}, {"unknown": 5}, {"parenting": True}]
)
def test_record_area_scores_refuses_bad_scores(case: Case, scores: dict) -> None:
    with pytest.raises(ValidationError):
        services.record_area_scores(
            actor=case.lead,
            episode=case.episode,
            scores=scores,
            source="review",
            scored_on=date.today(),
        )
    assert not AreaScore.objects.exists()
