"""The assessment API: an episode's assessments, one assessment with its answers by section,
saving a section (a stale version with different words is a 409 with both versions, and
nothing is overwritten) and submitting; as the lead practitioner, the allocated team, a partner
on the team around the family, the auditor, a stranger and someone not signed in. Every read
is in the access log."""

import pytest
from django.test import Client

from earlyhelp.accounts.tests.factories import sign_in
from earlyhelp.assessments import services
from earlyhelp.assessments.models import AreaScore, Assessment, AssessmentStatus
from earlyhelp.episodes.tests.api_world import ApiWorld, api_reads, api_world

pytestmark = pytest.mark.django_db

#: The answers the default template requires, by section.
REQUIRED = {
    "development": {"development_score": 4},
    "parenting": {"parenting_score": 6},
    "environment": {"environment_score": 3},
    "analysis": {"analysis": "Kai is anxious about school."},
    "decision": {"decision": "family_plan", "decision_reasons": "Agreed with mum."},
}


@pytest.fixture
def world() -> ApiWorld:
    return api_world()


@pytest.fixture
def assessment(world: ApiWorld) -> Assessment:
    return services.start_assessment(actor=world.lead, episode=world.episode)


def url(assessment: Assessment, tail: str = "") -> str:
    return f"/api/assessments/{assessment.pk}{tail}"


def section_url(assessment: Assessment, key: str) -> str:
    return url(assessment, f"/sections/{key}")


def save(world: ApiWorld, user, assessment: Assessment, key: str, version: int, **answers: object):
    return world.send(
        "PATCH", user, section_url(assessment, key), {"version": version, "answers": answers}
    )


def section(body: dict, key: str) -> dict:
    return next(s for s in body["sections"] if s["key"] == key)


def values(body: dict, key: str) -> dict[str, str]:
    return {a["key"]: a["value"] for a in section(body, key)["answers"]}


# --- Reading ------------------------------------------------------------------------------------


def test_an_episodes_assessments(world: ApiWorld, assessment: Assessment) -> None:
    listed = f"/api/episodes/{world.episode.pk}/assessments"
    answer = world.get(world.nurse, listed)
    assert answer.status_code == 200, answer.content
    [row] = answer.json()["assessments"]
    assert row["id"] == assessment.pk
    assert row["status"] == AssessmentStatus.IN_PROGRESS
    assert row["due_on"] == assessment.due_on.isoformat()
    assert row["template"]["version"] == 1
    assert world.get(world.stranger, listed).status_code == 404
    assert world.get(None, listed).status_code == 401
    [event] = api_reads(world.nurse)
    assert (event.object_type, event.family_id) == ("assessments", world.family.pk)


def test_an_assessment_with_its_answers_by_section(world: ApiWorld, assessment: Assessment) -> None:
    save(
        world,
        world.lead,
        assessment,
        "child_voice",
        0,
        **{f"wishes_feelings__{world.child.pk}": "To see dad"},
    )
    answer = world.get(world.lead, url(assessment))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["template"]["name"], body["template"]["version"]) == (
        assessment.template.name,
        1,
    )
    assert body["started_on"] == assessment.started_on.isoformat()
    assert body["started_by"]["id"] == world.lead.pk
    assert [s["key"] for s in body["sections"]] == [s["key"] for s in assessment.template.sections]
    voice = section(body, "child_voice")
    assert voice["version"] == 1
    assert voice["state"] == "in_progress"
    assert voice["saved_by"] == "Pat Practitioner"
    kai = next(a for a in voice["answers"] if a["key"] == f"wishes_feelings__{world.child.pk}")
    assert kai["value"] == "To see dad"
    assert kai["child"] == {"person_id": world.child.pk, "name": "Kai Hughes"}
    assert [a["key"] for a in body["areas"]] == ["development", "parenting", "environment"]


def test_who_may_read_an_assessment(world: ApiWorld, assessment: Assessment) -> None:
    for user in (world.lead, world.colleague, world.manager, world.nurse, world.auditor):
        assert world.get(user, url(assessment)).status_code == 200, user
    assert world.get(world.stranger, url(assessment)).json() == (
        world.get(world.lead, "/api/assessments/999999").json()
    )
    assert world.get(world.stranger, url(assessment)).status_code == 404
    assert world.get(None, url(assessment)).status_code == 401
    [event] = api_reads(world.auditor)
    assert (event.object_type, event.object_id, event.family_id) == (
        "assessment",
        str(assessment.pk),
        world.family.pk,
    )


# --- Saving a section -------------------------------------------------------------------------


def test_saving_changes_only_the_answers_sent(world: ApiWorld, assessment: Assessment) -> None:
    first = save(world, world.lead, assessment, "about", 0, reason="Worried about school")
    assert first.status_code == 200, first.content
    assert section(first.json(), "about")["version"] == 1
    second = save(world, world.colleague, assessment, "about", 1, contributors="Mum and Kai")
    assert second.status_code == 200
    assert values(second.json(), "about") == {
        "reason": "Worried about school",
        "contributors": "Mum and Kai",
    }
    assessment.refresh_from_db()
    assert assessment.version_of("about") == 2
    assert assessment.answers["contributors"] == "Mum and Kai"


def test_a_stale_version_is_a_conflict_with_both_versions(
    world: ApiWorld, assessment: Assessment
) -> None:
    assert save(world, world.lead, assessment, "about", 0, reason="Mine first").status_code == 200
    stale = save(world, world.colleague, assessment, "about", 0, reason="Theirs, later")
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "conflict"
    assert body["version"] == 1
    assert body["yours"]["reason"] == "Theirs, later"
    assert body["stored"]["reason"] == "Mine first"
    assert body["differing"] == ["reason"]
    assert body["saved_by"] == "Pat Practitioner"
    assert body["saved_at"]
    assessment.refresh_from_db()
    assert assessment.answers["reason"] == "Mine first"  # nothing overwritten
    # The conflict showed the stored words: a read, in the access log.
    assert [e.object_type for e in api_reads(world.colleague)] == ["assessment"]
    # Having chosen, the colleague saves over the version now stored.
    chosen = save(world, world.colleague, assessment, "about", 1, reason="Both: mine and theirs")
    assert chosen.status_code == 200
    assessment.refresh_from_db()
    assert assessment.answers["reason"] == "Both: mine and theirs"
    assert assessment.version_of("about") == 2


def test_a_stale_version_with_the_same_words_is_no_conflict(
    world: ApiWorld, assessment: Assessment
) -> None:
    assert save(world, world.lead, assessment, "about", 0, reason="Same").status_code == 200
    again = save(world, world.colleague, assessment, "about", 0, reason="Same")
    assert again.status_code == 200
    assert section(again.json(), "about")["version"] == 1


def test_who_may_save_a_section(world: ApiWorld, assessment: Assessment) -> None:
    for user in (world.lead, world.colleague, world.manager):
        answer = save(world, user, assessment, "about", 0, reason="Agreed words")
        assert answer.status_code == 200, user
    # A partner on the team around the family and the auditor read, but do not write.
    for user in (world.nurse, world.auditor, world.stranger):
        assert save(world, user, assessment, "about", 0, reason="No").status_code == 404, user
    assert save(world, None, assessment, "about", 0, reason="No").status_code == 401
    assessment.refresh_from_db()
    assert assessment.answers["reason"] == "Agreed words"


def test_a_session_without_csrf_token_cannot_save(world: ApiWorld, assessment: Assessment) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in(client, world.lead)
    answer = client.patch(
        section_url(assessment, "about"),
        '{"version": 0, "answers": {"reason": "x"}}',
        content_type="application/json",
    )
    assert answer.status_code == 403
    assessment.refresh_from_db()
    assert assessment.answers.get("reason", "") == ""


@pytest.mark.parametrize(
    ("key", "answers", "field"),
    [
        ("development", {"development_score": 11}, ""),
        ("development", {"development_score": "lots"}, ""),
        ("decision", {"decision": "adopt"}, ""),
        ("about", {"nonsense": "x"}, "answers.nonsense"),
        ("about", {"reason": True}, "answers.reason"),
    ],
)
def test_bad_answers_are_refused_with_a_message(
    world: ApiWorld, assessment: Assessment, key: str, answers: dict, field: str
) -> None:
    answer = save(world, world.lead, assessment, key, 0, **answers)
    assert answer.status_code == 422, answer.content
    errors = answer.json()["errors"]
    assert errors and errors[0]["message"]
    if field:
        assert any(e["field"].startswith(field) for e in errors), errors
    assessment.refresh_from_db()
    assert assessment.section_versions == {}


def test_an_unknown_section_is_not_found(world: ApiWorld, assessment: Assessment) -> None:
    assert save(world, world.lead, assessment, "hobbies", 0, reason="x").status_code == 404


# --- Submitting -------------------------------------------------------------------------------


def test_submitting_needs_every_required_answer(world: ApiWorld, assessment: Assessment) -> None:
    early = world.send("POST", world.lead, url(assessment, "/submit"), {})
    assert early.status_code == 422
    fields = {e["field"] for e in early.json()["errors"]}
    assert {"sections.development", "sections.analysis", "sections.decision"} <= fields
    for key, answers in REQUIRED.items():
        assert save(world, world.lead, assessment, key, 0, **answers).status_code == 200
    for user in (world.nurse, world.auditor, world.stranger):
        assert world.send("POST", user, url(assessment, "/submit"), {}).status_code == 404
    submitted = world.send("POST", world.lead, url(assessment, "/submit"), {})
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["status"] in (AssessmentStatus.SUBMITTED, AssessmentStatus.SIGNED_OFF)
    assert body["submitted_by"]["id"] == world.lead.pk
    assert {a["key"]: a["score"] for a in body["areas"]} == {
        "development": 4,
        "parenting": 6,
        "environment": 3,
    }
    assert AreaScore.objects.filter(episode=world.episode).count() == 3
    # Submitted: no more changes, and no second submission.
    late = save(world, world.lead, assessment, "about", 0, reason="Too late")
    assert late.status_code == 422
    assert "submitted" in late.json()["errors"][0]["message"]
    assert world.send("POST", world.lead, url(assessment, "/submit"), {}).status_code == 422
