"""The episode API: the caller's own caseload, one episode, its chronology and case notes, as
the lead practitioner, a colleague in the allocated team, a partner on the team around the
family, the auditor, a stranger from another team and someone not signed in; every read in the
access log; the caseload's query count does not grow with its rows."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from earlyhelp.core.models import AccessEvent, ClosureReason, LevelOfNeed
from earlyhelp.episodes import services
from earlyhelp.episodes.api import WITHHELD_NAME
from earlyhelp.episodes.models import CaseNote, ChronologyEntry, ChronologyKind, EpisodeStatus
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import FamilyRole

from .api_world import ApiWorld, api_reads, api_world, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> ApiWorld:
    return api_world()


def url(world: ApiWorld, tail: str = "") -> str:
    return f"/api/episodes/{world.episode.pk}{tail}"


# --- My caseload --------------------------------------------------------------------------------


def test_the_caseload_lists_episodes_the_caller_leads_or_supports(world: ApiWorld) -> None:
    lead = world.get(world.lead, "/api/episodes")
    assert lead.status_code == 200, lead.content
    body = lead.json()
    assert body["count"] == 1
    [row] = body["episodes"]
    assert row["id"] == world.episode.pk
    assert row["family_id"] == world.family.pk
    assert row["status"] == EpisodeStatus.OPEN
    assert row["my_role"] == "lead_practitioner"
    assert row["lead_practitioner"] == {"id": world.lead.pk, "name": "Pat Practitioner"}
    assert row["allocated_team"]["name"] == "Early Help North"
    assert [c["name"] for c in row["children"]] == ["Kai Hughes"]

    nurse = world.get(world.nurse, "/api/episodes").json()
    assert [(r["id"], r["my_role"]) for r in nurse["episodes"]] == [
        (world.episode.pk, "team_around_family")
    ]
    # A colleague in the allocated team may open the family, but it is not their caseload.
    for user in (world.colleague, world.stranger, world.auditor):
        answer = world.get(user, "/api/episodes")
        assert answer.status_code == 200
        assert answer.json()["episodes"] == [], user


def test_the_caseload_needs_credentials_and_is_audited(world: ApiWorld) -> None:
    assert world.get(None, "/api/episodes").status_code == 401
    world.get(world.lead, "/api/episodes")
    [event] = api_reads(world.lead)
    assert event.object_type == "caseload"
    assert event.object_id == str(world.lead.pk)
    assert "1 of 1" in event.description


def test_the_caseload_filters_by_status_and_pages(world: ApiWorld) -> None:
    more = [api_world(f"Family {n}") for n in range(2)]
    for other in more:
        # Pat leads these too (as the lead of another team's family, in real life a handover).
        services.change_lead(
            actor=other.manager, episode=other.episode, new_lead=world.lead, reason="Handover"
        )
        other.episode.refresh_from_db()
    services.close_episode(
        actor=world.lead,
        episode=more[1].episode,
        reason=ClosureReason.objects.get(code="outcomes-met"),
    )
    live = world.get(world.lead, "/api/episodes").json()
    assert live["count"] == 2
    assert {r["id"] for r in live["episodes"]} == {world.episode.pk, more[0].episode.pk}
    closed = world.get(world.lead, "/api/episodes", status="closed").json()
    assert [r["id"] for r in closed["episodes"]] == [more[1].episode.pk]
    first = world.get(world.lead, "/api/episodes", limit=1).json()
    second = world.get(world.lead, "/api/episodes", limit=1, offset=1).json()
    assert (first["count"], len(first["episodes"]), second["offset"]) == (2, 1, 1)
    assert first["episodes"][0]["id"] != second["episodes"][0]["id"]
    bad = world.get(world.lead, "/api/episodes", status="lost", limit=0)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"status", "limit"}


def _caseload_queries(world: ApiWorld) -> int:
    world.get(world.lead, "/api/episodes")  # the token's first use is noted once
    with CaptureQueriesContext(connection) as queries:
        answer = world.get(world.lead, "/api/episodes", limit=100)
    assert answer.status_code == 200
    return len(queries.captured_queries)


def test_the_caseload_query_count_does_not_grow_with_its_rows(world: ApiWorld) -> None:
    def lead_more(how_many: int) -> None:
        for n in range(how_many):
            other = api_world(f"Family {n} {how_many}")
            child = people_services.create_person(
                actor=None, given_name="Second", family_name="Child", is_restricted=n % 2 == 0
            )
            people_services.add_family_member(
                actor=None, family=other.family, person=child, role=FamilyRole.CHILD
            )
            services.add_children_in_scope(other.episode)
            services.change_lead(
                actor=other.manager, episode=other.episode, new_lead=world.lead, reason="Handover"
            )

    lead_more(2)
    few = _caseload_queries(world)
    lead_more(8)
    many = _caseload_queries(world)
    assert world.get(world.lead, "/api/episodes").json()["count"] == 11
    assert many == few


# --- One episode ------------------------------------------------------------------------------


def test_an_episode_with_its_history(world: ApiWorld) -> None:
    episode = world.episode
    level = LevelOfNeed.objects.order_by("number").first()
    assert level is not None
    services.set_level(
        actor=world.lead,
        episode=episode,
        person=world.child,
        level=level,
        changed_on=today(),
        reason="Assessed",
    )
    services.step_up(
        actor=world.lead,
        episode=episode,
        decided_on=today(),
        decided_by="Mo Manager",
        reason="Significant harm",
        social_worker_name="Sol Worker (children's social care)",
    )
    services.step_down(
        actor=world.manager,
        episode=episode,
        decided_on=today(),
        handover_meeting_on=today(),
        receiving_lead=world.colleague,
        family_consent=True,
        reason="Risk reduced",
    )
    services.close_episode(
        actor=world.manager,
        episode=episode,
        reason=ClosureReason.objects.get(code="outcomes-met"),
        note="All outcomes met",
    )
    answer = world.get(world.manager, url(world))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] == EpisodeStatus.CLOSED
    assert body["family_id"] == world.family.pk
    assert body["children"] == [
        {
            "person_id": world.child.pk,
            "name": "Kai Hughes",
            "date_of_birth": "2016-05-06",
            "level": {"number": level.number, "name": level.name},
        }
    ]
    assert [c["to_level"]["number"] for c in body["level_changes"]] == [level.number]
    assert body["lead_practitioner"]["id"] == world.colleague.pk
    assert [spell["lead"]["name"] for spell in body["lead_history"]] == [
        "Cam Colleague",
        "Sol Worker (children's social care)",
        "Pat Practitioner",
    ]
    assert body["lead_history"][0]["family_had_say"] is True
    [nurse] = body["team_around_family"]
    assert (nurse["practitioner"]["name"], nurse["role"]) == ("Nia Nurse", "School nurse")
    assert nurse["left_on"] is not None  # the closure stood the team down
    assert body["step_ups"][0]["social_worker"] == {
        "id": None,
        "name": "Sol Worker (children's social care)",
    }
    assert body["step_downs"][0]["receiving_lead"]["id"] == world.colleague.pk
    assert body["closure"]["reason_code"] == "outcomes-met"
    assert body["closure"]["note"] == "All outcomes met"


def test_who_may_read_an_episode(world: ApiWorld) -> None:
    for user in (world.lead, world.colleague, world.manager, world.nurse, world.auditor):
        assert world.get(user, url(world)).status_code == 200, user
    stranger = world.get(world.stranger, url(world))
    missing = world.get(world.lead, "/api/episodes/999999")
    # A stranger learns nothing: the same answer as for an episode that does not exist.
    assert stranger.status_code == missing.status_code == 404
    assert stranger.json() == missing.json()
    assert world.get(None, url(world)).status_code == 401
    for tail in ("/chronology", "/notes"):
        assert world.get(world.stranger, url(world, tail)).status_code == 404
        assert world.get(None, url(world, tail)).status_code == 401
        assert world.get(world.nurse, url(world, tail)).status_code == 200


def test_a_restricted_child_is_named_only_to_those_who_may_see_them(world: ApiWorld) -> None:
    hidden = people_services.create_person(
        actor=None, given_name="Rae", family_name="Hughes", is_restricted=True
    )
    people_services.add_family_member(
        actor=None, family=world.family, person=hidden, role=FamilyRole.CHILD
    )
    services.add_children_in_scope(world.episode)
    # The lead holds a personal reason; a colleague sees the family through the team only.
    names = {c["name"] for c in world.get(world.lead, url(world)).json()["children"]}
    assert names == {"Kai Hughes", "Rae Hughes"}
    names = {c["name"] for c in world.get(world.colleague, url(world)).json()["children"]}
    assert names == {"Kai Hughes", WITHHELD_NAME}


def test_every_read_is_in_the_access_log(world: ApiWorld) -> None:
    before = AccessEvent.objects.count()
    for tail in ("", "/chronology", "/notes"):
        assert world.get(world.nurse, url(world, tail)).status_code == 200
    events = api_reads(world.nurse)
    assert [e.object_type for e in events] == ["episode", "chronology", "case_notes"]
    assert {e.family_id for e in events} == {world.family.pk}
    # A refused read writes nothing: there was nothing to see.
    world.get(world.stranger, url(world))
    assert AccessEvent.objects.count() == before + 3


# --- Chronology and case notes ----------------------------------------------------------------


def test_the_chronology_newest_first_and_significant_only(world: ApiWorld) -> None:
    services.add_manual_entry(
        actor=world.lead, family=world.family, occurred_on=today(), summary="Home visit agreed"
    )
    services.record_case_note(
        actor=world.lead,
        family=world.family,
        kind="call",
        occurred_on=today() - timedelta(days=3),
        text="Mum says things are better",
        significant=True,
    )
    services.add_chronology_entry(
        family=world.family,
        episode=world.episode,
        kind=ChronologyKind.ASSESSMENT,
        summary="Assessment started",
        significant=False,
    )
    # Another family's events are not this episode's.
    other = api_world("Other family")
    services.add_manual_entry(
        actor=other.lead, family=other.family, occurred_on=today(), summary="Not theirs"
    )
    body = world.get(world.lead, url(world, "/chronology")).json()
    times = [entry["occurred_at"] for entry in body["entries"]]
    assert times == sorted(times, reverse=True)
    summaries = [entry["summary"] for entry in body["entries"]]
    assert body["count"] == len(summaries) == 3
    assert set(summaries) == {
        "Home visit agreed",
        "Assessment started",
        "Phone call: Mum says things are better",
    }
    only = world.get(world.lead, url(world, "/chronology"), significant="true").json()
    assert [entry["summary"] for entry in only["entries"]] == [
        "Home visit agreed",
        "Phone call: Mum says things are better",
    ]


def test_a_case_note_is_recorded_and_a_significant_one_joins_the_chronology(
    world: ApiWorld,
) -> None:
    answer = world.send(
        "POST",
        world.nurse,
        url(world, "/notes"),
        {
            "kind": "visit",
            "occurred_on": "2025-01-06",
            "text": "Saw Kai at school. ",
            "significant": True,
        },
    )
    assert answer.status_code == 201, answer.content
    note = answer.json()
    assert (note["kind"], note["text"], note["episode_id"]) == (
        "visit",
        "Saw Kai at school.",
        world.episode.pk,
    )
    assert note["recorded_by"]["id"] == world.nurse.pk
    assert CaseNote.objects.get(pk=note["id"]).family == world.family
    assert ChronologyEntry.objects.filter(
        family=world.family, kind=ChronologyKind.NOTE, source_id=str(note["id"])
    ).exists()
    listed = world.get(world.lead, url(world, "/notes")).json()
    assert [n["id"] for n in listed["notes"]] == [note["id"]]


def test_who_may_record_a_case_note(world: ApiWorld) -> None:
    body = {"kind": "call", "occurred_on": "2025-01-06", "text": "Called mum"}
    for user in (world.lead, world.colleague, world.manager, world.nurse):
        assert world.send("POST", user, url(world, "/notes"), body).status_code == 201, user
    for user in (world.stranger, world.auditor):
        assert world.send("POST", user, url(world, "/notes"), body).status_code == 404, user
    assert world.send("POST", None, url(world, "/notes"), body).status_code == 401
    assert CaseNote.objects.count() == 4


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "letter"}, "kind"),
        ({"text": "   "}, "text"),
        ({"text": "null \x00 byte"}, "text"),
        ({"occurred_on": "6 January 2025"}, "occurred_on"),
    ],
)
def test_a_bad_case_note_is_refused_with_a_message(
    world: ApiWorld, change: dict[str, str], field: str
) -> None:
    body = {"kind": "call", "occurred_on": "2025-01-06", "text": "Called mum", **change}
    answer = world.send("POST", world.lead, url(world, "/notes"), body)
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == [field]
    assert not CaseNote.objects.exists()


def test_a_case_note_in_the_future_or_on_an_old_episode_is_refused(world: ApiWorld) -> None:
    tomorrow = (today() + timedelta(days=1)).isoformat()
    body = {"kind": "call", "occurred_on": tomorrow, "text": "Not yet"}
    answer = world.send("POST", world.lead, url(world, "/notes"), body)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "occurred_on"
    old = world.episode
    services.close_episode(
        actor=world.lead, episode=old, reason=ClosureReason.objects.get(code="outcomes-met")
    )
    new = services.open_episode(actor=None, family=world.family)
    assert new.pk != old.pk
    body["occurred_on"] = date(2025, 1, 6).isoformat()
    answer = world.send("POST", world.lead, url(world, "/notes"), body)
    assert answer.status_code == 422
    assert f"episode {new.pk}" in answer.json()["errors"][0]["message"]
    assert not CaseNote.objects.exists()
