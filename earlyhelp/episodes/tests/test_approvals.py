"""Approvals of step up and closure (issue 6, item 7): with the council's setting on, a
practitioner's step up or closure waits for a manager of the episode's team, who approves it (it
then takes effect as the practitioner asked) or declines it saying why (the practitioner is told
on the episode page, in the chronology and by email). A manager needs no approval; a second
request while one waits is refused; with the settings off nothing changes. Also: the front
door's "refer to children's social care" steps up a family's open episode, and the notes
services keep a change reason in their history."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from earlyhelp.accounts.models import Team, User
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.tests.factories import (
    OrganisationFactory,
    TeamFactory,
    sign_in,
    user_with_role,
)
from earlyhelp.core.models import AccessEvent, ClosureReason, CouncilConfiguration
from earlyhelp.episodes import services
from earlyhelp.episodes.models import (
    ApprovalDecision,
    ApprovalKind,
    ChronologyEntry,
    ChronologyKind,
    EngagementAttempt,
    Episode,
    EpisodeApproval,
    EpisodeStatus,
    StepUp,
    SupervisionNote,
)
from earlyhelp.frontdoor import services as frontdoor_services
from earlyhelp.frontdoor.codes import Outcome, Rag
from earlyhelp.frontdoor.tests.factories import front_door_team, make_contact, screener
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import FamilyRole
from earlyhelp.people.models import Family
from earlyhelp.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def council_team() -> Team:
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL, name="Kingsbridge Council")
    return TeamFactory(organisation=council, name="Early Help North")


@pytest.fixture
def manager(council_team: Team) -> User:
    return user_with_role(Role.TEAM_MANAGER, team=council_team, full_name="Mo Manager")


@pytest.fixture
def lead(council_team: Team) -> User:
    return user_with_role(Role.PRACTITIONER, team=council_team, full_name="Pat Lead")


@pytest.fixture
def social_worker() -> User:
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL, name="Children's Services")
    return user_with_role(
        Role.PRACTITIONER, team=TeamFactory(organisation=council), full_name="Sol Worker"
    )


@pytest.fixture
def stranger_manager() -> User:
    """A council team manager of another team: no say over this family."""
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL, name="Kingsbridge Council 2")
    return user_with_role(
        Role.TEAM_MANAGER, team=TeamFactory(organisation=council), full_name="Sid Stranger"
    )


@pytest.fixture
def approvals_on() -> CouncilConfiguration:
    config = CouncilConfiguration.current()
    config.step_up_needs_approval = True
    config.closure_needs_approval = True
    config.save()
    return config


def open_family(manager: User, team: Team, lead: User) -> tuple[Family, Episode]:
    family = people_services.create_family(actor=None, name="Hughes family")
    child = PersonFactory.create(given_name="Ava", family_name="Hughes")
    people_services.add_family_member(
        actor=None, family=family, person=child, role=FamilyRole.CHILD
    )
    episode = services.open_episode(actor=None, family=family)
    services.allocate(actor=manager, episode=episode, team=team, lead_practitioner=lead)
    episode.refresh_from_db()
    return family, episode


def ask_step_up(lead: User, episode: Episode, social_worker: User | None) -> Any:
    return services.record_step_up(
        actor=lead,
        episode=episode,
        decided_on=date(2026, 11, 10),
        decided_by="Pat Lead and Mo Manager, case discussion",
        reason="Injury to a child",
        handover_notes="Strategy discussion tomorrow",
        social_worker=social_worker,
        social_worker_name="",
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


# --- Services ---------------------------------------------------------------------------------


def test_with_the_settings_off_a_practitioner_steps_up_and_closes_at_once(
    manager: User, council_team: Team, lead: User, social_worker: User
) -> None:
    config = CouncilConfiguration.current()
    assert not config.step_up_needs_approval and not config.closure_needs_approval
    _, episode = open_family(manager, council_team, lead)
    result = ask_step_up(lead, episode, social_worker)
    assert isinstance(result, StepUp)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.STEPPED_UP
    closed = services.record_closure(
        actor=lead, episode=episode, reason=ClosureReason.objects.get(code="stepped-up")
    )
    assert isinstance(closed, Episode) and closed.status == EpisodeStatus.CLOSED
    assert not EpisodeApproval.objects.exists()


def test_a_step_up_waits_for_approval_then_takes_effect_as_asked(
    manager: User,
    council_team: Team,
    lead: User,
    social_worker: User,
    approvals_on: CouncilConfiguration,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    family, episode = open_family(manager, council_team, lead)
    with django_capture_on_commit_callbacks(execute=True):
        request = ask_step_up(lead, episode, social_worker)
    assert isinstance(request, EpisodeApproval)
    assert request.kind == ApprovalKind.STEP_UP and request.is_pending
    assert request.requested_by == lead
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN and episode.lead_practitioner == lead
    assert not StepUp.objects.exists()
    # The team's managers are told, without the family's name.
    assert [m.to for m in mailoutbox] == [[manager.email]]
    assert "Hughes" not in mailoutbox[0].body
    assert ChronologyEntry.objects.filter(
        family=family, kind=ChronologyKind.APPROVAL, summary__contains="sent to a manager"
    ).exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.approve(actor=manager, approval=request, comments="Agreed in supervision")
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.STEPPED_UP
    assert episode.lead_practitioner == social_worker
    record = StepUp.objects.get(episode=episode)
    assert record.decided_on == date(2026, 11, 10)
    assert record.decided_by == "Pat Lead and Mo Manager, case discussion"
    assert record.reason == "Injury to a child"
    assert record.handover_notes == "Strategy discussion tomorrow"
    assert record.recorded_by == lead
    request.refresh_from_db()
    assert request.decision == ApprovalDecision.APPROVED
    assert request.decided_by == manager and request.decided_at is not None
    assert request.comments == "Agreed in supervision"
    reasons = list(
        request.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert len(reasons) == 2 and "approved by Mo Manager" in reasons[1]
    assert ChronologyEntry.objects.filter(family=family, kind=ChronologyKind.STEP_UP).exists()
    assert mailoutbox[-1].to == [lead.email] and "approved" in mailoutbox[-1].subject
    with pytest.raises(ValidationError, match="already approved"):
        services.decline(actor=manager, approval=request, comments="Too late")


def test_a_declined_step_up_changes_nothing_and_the_practitioner_is_told(
    manager: User,
    council_team: Team,
    lead: User,
    social_worker: User,
    approvals_on: CouncilConfiguration,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    family, episode = open_family(manager, council_team, lead)
    request = ask_step_up(lead, episode, social_worker)
    with pytest.raises(ValidationError) as no_reason:
        services.decline(actor=manager, approval=request, comments="  ")
    assert "Enter why you are declining" in str(no_reason.value)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(actor=manager, approval=request, comments="Try a child in need plan first")
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN and episode.lead_practitioner == lead
    assert not StepUp.objects.exists()
    request.refresh_from_db()
    assert request.decision == ApprovalDecision.DECLINED
    entry = ChronologyEntry.objects.get(
        family=family, kind=ChronologyKind.APPROVAL, summary__contains="declined"
    )
    assert entry.significant and entry.detail == "Try a child in need plan first"
    assert mailoutbox[-1].to == [lead.email]
    assert "declined" in mailoutbox[-1].body and "Hughes" not in mailoutbox[-1].body
    page = client_for(lead).get(reverse("episodes:family_episode", args=[family.pk]))
    text = page.content.decode()
    assert "The step up was declined" in text and "Try a child in need plan first" in text
    # Declined, the practitioner may ask again.
    again = ask_step_up(lead, episode, social_worker)
    assert isinstance(again, EpisodeApproval) and again.is_pending


def test_asking_twice_while_one_waits_is_refused_in_plain_words(
    manager: User,
    council_team: Team,
    lead: User,
    social_worker: User,
    approvals_on: CouncilConfiguration,
) -> None:
    _, episode = open_family(manager, council_team, lead)
    ask_step_up(lead, episode, social_worker)
    with pytest.raises(ValidationError) as twice:
        ask_step_up(lead, episode, social_worker)
    assert "already waiting for a manager's approval" in str(twice.value)
    with pytest.raises(ValidationError):
        services.record_closure(
            actor=lead, episode=episode, reason=ClosureReason.objects.get(code="outcomes-met")
        )
    # Even the manager decides the waiting request before doing anything else.
    with pytest.raises(ValidationError):
        ask_step_up(manager, episode, social_worker)
    assert EpisodeApproval.objects.filter(decision=ApprovalDecision.PENDING).count() == 1


def test_a_manager_of_the_team_needs_no_approval(
    manager: User,
    council_team: Team,
    lead: User,
    social_worker: User,
    approvals_on: CouncilConfiguration,
) -> None:
    _, episode = open_family(manager, council_team, lead)
    assert isinstance(ask_step_up(manager, episode, social_worker), StepUp)
    closed = services.record_closure(
        actor=manager, episode=episode, reason=ClosureReason.objects.get(code="stepped-up")
    )
    assert isinstance(closed, Episode) and closed.status == EpisodeStatus.CLOSED
    assert not EpisodeApproval.objects.exists()


def test_a_closure_waits_for_approval_and_closes_with_the_reason_asked(
    manager: User, council_team: Team, lead: User, approvals_on: CouncilConfiguration
) -> None:
    family, episode = open_family(manager, council_team, lead)
    outcomes_met = ClosureReason.objects.get(code="outcomes-met")
    request = services.record_closure(
        actor=lead, episode=episode, reason=outcomes_met, note="All goals met"
    )
    assert isinstance(request, EpisodeApproval) and request.kind == ApprovalKind.CLOSURE
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN
    assert ("Why the episode is closing", "Outcomes met") in services.describe_proposal(request)
    services.approve(actor=manager, approval=request)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED
    assert episode.closure_reason == outcomes_met and episode.closure_note == "All goals met"
    assert episode.closed_by == lead
    assert ChronologyEntry.objects.filter(family=family, kind=ChronologyKind.CLOSURE).exists()


def test_a_manager_of_another_team_cannot_decide(
    manager: User,
    council_team: Team,
    lead: User,
    social_worker: User,
    stranger_manager: User,
    approvals_on: CouncilConfiguration,
) -> None:
    family, episode = open_family(manager, council_team, lead)
    request = ask_step_up(lead, episode, social_worker)
    with pytest.raises(ValidationError):
        services.approve(actor=stranger_manager, approval=request)
    with pytest.raises(ValidationError):
        services.decline(actor=lead, approval=request, comments="Not mine to decide")
    request.refresh_from_db()
    assert request.is_pending
    url = reverse("episodes:approval", args=[family.pk])
    assert client_for(stranger_manager).get(url).status_code == 404
    response = client_for(stranger_manager).post(
        url, {"approval": request.pk, "decision": "approve"}
    )
    assert response.status_code == 404
    listed = client_for(stranger_manager).get(reverse("episodes:approvals")).content.decode()
    assert "Hughes family" not in listed
    request.refresh_from_db()
    assert request.is_pending


# --- Pages ------------------------------------------------------------------------------------


def _step_up_form(social_worker: User) -> dict[str, Any]:
    return {
        "decided_on-day": "10",
        "decided_on-month": "11",
        "decided_on-year": "2026",
        "decided_by": "Pat Lead",
        "reason": "Concerns grew",
        "social_worker": social_worker.pk,
    }


def test_pages_ask_show_and_decide_a_step_up(
    manager: User,
    council_team: Team,
    lead: User,
    social_worker: User,
    approvals_on: CouncilConfiguration,
) -> None:
    family, episode = open_family(manager, council_team, lead)
    lead_client, manager_client = client_for(lead), client_for(manager)
    step_up_url = reverse("episodes:step_up", args=[family.pk])
    form_page = lead_client.get(step_up_url).content.decode()
    assert "needs the approval of a manager of Early Help North" in form_page
    assert "Ask for approval" in form_page
    response = lead_client.post(step_up_url, _step_up_form(social_worker))
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN
    episode_url = reverse("episodes:family_episode", args=[family.pk])
    page = lead_client.get(episode_url).content.decode()
    assert "Step up waiting for approval" in page
    assert "step up is waiting for a manager&#x27;s approval" in page  # the message after asking
    assert step_up_url not in page  # no second request from the episode page
    # Asking again is refused in plain words.
    again = lead_client.get(step_up_url, follow=True).content.decode()
    assert "is waiting for a manager&#x27;s approval. It must be approved or declined" in again
    # The manager sees it on their list and on the episode page, and decides.
    listed = manager_client.get(reverse("episodes:approvals")).content.decode()
    assert "Hughes family" in listed and "Step up to children&#x27;s social care" in listed
    assert "Approve or decline" in manager_client.get(episode_url).content.decode()
    approval_url = reverse("episodes:approval", args=[family.pk])
    detail = lead_client.get(approval_url).content.decode()
    assert "Concerns grew" in detail and "Sol Worker" in detail and "Save decision" not in detail
    request = EpisodeApproval.objects.get()
    assert lead_client.post(approval_url, {"approval": request.pk}).status_code == 404
    empty = manager_client.post(approval_url, {"approval": request.pk, "decision": "decline"})
    assert empty.status_code == 200
    assert "Enter why you are declining the request" in empty.content.decode()
    response = manager_client.post(
        approval_url, {"approval": request.pk, "decision": "approve", "comments": ""}
    )
    assert response.status_code == 302 and response["Location"] == episode_url
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.STEPPED_UP and episode.lead_practitioner == social_worker
    history = lead_client.get(approval_url).content.decode()
    assert "Nothing is waiting for approval" in history and "Approved by Mo Manager" in history


def test_pages_ask_and_decline_a_closure(
    manager: User, council_team: Team, lead: User, approvals_on: CouncilConfiguration
) -> None:
    family, episode = open_family(manager, council_team, lead)
    reason = ClosureReason.objects.get(code="outcomes-met")
    response = client_for(lead).post(
        reverse("episodes:close", args=[family.pk]), {"reason": reason.pk, "note": "Done"}
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN
    assert (
        "Closure waiting for approval"
        in client_for(lead)
        .get(reverse("episodes:family_episode", args=[family.pk]))
        .content.decode()
    )
    request = EpisodeApproval.objects.get()
    response = client_for(manager).post(
        reverse("episodes:approval", args=[family.pk]),
        {"approval": request.pk, "decision": "decline", "comments": "Review first"},
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN
    page = client_for(lead).get(reverse("episodes:family_episode", args=[family.pk]))
    assert "The closure was declined" in page.content.decode()


def test_a_decision_on_a_request_that_changed_is_not_applied(
    manager: User,
    council_team: Team,
    lead: User,
    social_worker: User,
    approvals_on: CouncilConfiguration,
) -> None:
    family, episode = open_family(manager, council_team, lead)
    first = ask_step_up(lead, episode, social_worker)
    services.decline(actor=manager, approval=first, comments="Not yet")
    ask_step_up(lead, episode, social_worker)
    response = client_for(manager).post(
        reverse("episodes:approval", args=[family.pk]),
        {"approval": first.pk, "decision": "approve"},
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN


@pytest.mark.parametrize("name", ["episodes:approval", "episodes:approvals"])
def test_approval_pages_allowed_stranger_anonymous_and_audited(
    name: str,
    manager: User,
    council_team: Team,
    lead: User,
    stranger_manager: User,
    approvals_on: CouncilConfiguration,
) -> None:
    family, episode = open_family(manager, council_team, lead)
    services.record_closure(
        actor=lead, episode=episode, reason=ClosureReason.objects.get(code="outcomes-met")
    )
    url = reverse(name, args=[family.pk] if name == "episodes:approval" else [])
    before = AccessEvent.objects.filter(actor=manager).count()
    response = client_for(manager).get(url)
    assert response.status_code == 200 and "Hughes family" in response.content.decode()
    assert AccessEvent.objects.filter(actor=manager).count() == before + 1
    stranger = client_for(stranger_manager).get(url)
    if name == "episodes:approval":
        assert stranger.status_code == 404
    else:
        assert stranger.status_code == 200 and "Hughes family" not in stranger.content.decode()
        assert client_for(lead).get(url).status_code == 404
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "sign-in" in anonymous["Location"]


# --- The front door's referral to children's social care -------------------------------------


def _refer_to_social_care(children: list[Any], rationale: str) -> Any:
    user = screener(front_door_team())
    contact = make_contact(children=children)
    frontdoor_services.rate(actor=user, contact=contact, rag=Rag.RED, rationale="Injury")
    frontdoor_services.decide(
        actor=user, contact=contact, outcome=Outcome.SOCIAL_CARE, rationale=rationale
    )
    return user, contact


def test_a_referral_to_social_care_steps_up_the_familys_open_episode(
    manager: User, council_team: Team, lead: User
) -> None:
    family, episode = open_family(manager, council_team, lead)
    child = family.members.get(role=FamilyRole.CHILD).person
    user, contact = _refer_to_social_care([child], "Bruising reported by the school")
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.STEPPED_UP
    assert episode.lead_practitioner is None
    assert "Children's social care" in episode.lead_name
    record = StepUp.objects.get(episode=episode)
    assert record.reason == "Bruising reported by the school"
    assert record.social_worker is None
    assert user.full_name in record.decided_by and contact.reference in record.decided_by
    assert record.decided_on == timezone.localdate()
    entry = ChronologyEntry.objects.get(family=family, kind=ChronologyKind.STEP_UP)
    assert "Stepped up to children's social care" in entry.summary


def test_a_referral_to_social_care_without_a_live_episode_changes_nothing(
    manager: User, council_team: Team, lead: User
) -> None:
    family, episode = open_family(manager, council_team, lead)
    services.close_episode(
        actor=lead, episode=episode, reason=ClosureReason.objects.get(code="outcomes-met")
    )
    child = family.members.get(role=FamilyRole.CHILD).person
    _refer_to_social_care([child], "Worries again")
    _refer_to_social_care([PersonFactory.create()], "A child not known to early help")
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED
    assert not StepUp.objects.exists()
    assert Episode.objects.count() == 1


# --- Change reasons ---------------------------------------------------------------------------


def test_engagement_attempts_and_supervision_notes_keep_a_change_reason(
    manager: User, council_team: Team, lead: User
) -> None:
    family, _ = open_family(manager, council_team, lead)
    attempt = services.record_engagement_attempt(
        actor=lead,
        family=family,
        attempted_on=timezone.localdate(),
        method="call",
        outcome="no_answer",
    )
    note = services.record_supervision_note(
        actor=manager,
        family=family,
        kind="oversight",
        occurred_on=timezone.localdate(),
        text="Plan on track",
    )
    assert isinstance(attempt, EngagementAttempt) and isinstance(note, SupervisionNote)
    assert attempt.history.get().history_change_reason == "Engagement attempt: No answer"
    assert note.history.get().history_change_reason == "Management oversight note recorded"


def test_the_database_keeps_one_waiting_request_per_episode(
    manager: User,
    council_team: Team,
    lead: User,
    social_worker: User,
    approvals_on: CouncilConfiguration,
    monkeypatch: Any,
) -> None:
    """Two requests racing past the check: the constraint stops the second, in plain words."""
    _, episode = open_family(manager, council_team, lead)
    ask_step_up(lead, episode, social_worker)
    real = services.pending_approval
    calls: list[int] = []

    def misses_the_first_time(episode: Episode) -> EpisodeApproval | None:
        calls.append(1)
        return None if len(calls) == 1 else real(episode)

    monkeypatch.setattr(services, "pending_approval", misses_the_first_time)
    with pytest.raises(ValidationError, match="already waiting for a manager's approval"):
        ask_step_up(lead, episode, social_worker)
    assert EpisodeApproval.objects.filter(decision=ApprovalDecision.PENDING).count() == 1


def test_the_approvals_list_makes_the_same_queries_for_2_and_10_requests(
    manager: User, council_team: Team, lead: User, approvals_on: CouncilConfiguration
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def requests(count: int) -> None:
        for _ in range(count):
            family = people_services.create_family(actor=None, name="Another family")
            episode = services.open_episode(actor=None, family=family)
            services.allocate(
                actor=manager, episode=episode, team=council_team, lead_practitioner=lead
            )
            services.record_closure(
                actor=lead, episode=episode, reason=ClosureReason.objects.get(code="outcomes-met")
            )

    client = client_for(manager)
    url = reverse("episodes:approvals")
    requests(2)
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    requests(8)
    with CaptureQueriesContext(connection) as ten:
        page = client.get(url).content.decode()
    assert "10 waiting" in page
    assert len(ten.captured_queries) == len(two.captured_queries)


def test_a_referral_to_social_care_closes_a_waiting_request_as_no_longer_needed(
    manager: User,
    council_team: Team,
    lead: User,
    approvals_on: CouncilConfiguration,
    mailoutbox: list,
    django_capture_on_commit_callbacks: Any,
) -> None:
    family, episode = open_family(manager, council_team, lead)
    waiting = services.record_closure(
        actor=lead, episode=episode, reason=ClosureReason.objects.get(code="outcomes-met")
    )
    assert isinstance(waiting, EpisodeApproval) and waiting.is_pending
    child = family.members.get(role=FamilyRole.CHILD).person
    with django_capture_on_commit_callbacks(execute=True):
        _user, contact = _refer_to_social_care([child], "Bruising reported by the school")
    waiting.refresh_from_db()
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.STEPPED_UP
    assert waiting.decision == ApprovalDecision.WITHDRAWN
    assert contact.reference in waiting.comments
    assert services.pending_approval(episode) is None  # nothing left blocking new requests
    assert any("no longer needed" in m.subject for m in mailoutbox if lead.email in m.to)
    assert ChronologyEntry.objects.filter(
        family=family, kind=ChronologyKind.APPROVAL, summary__contains="no longer needed"
    ).exists()
    # Approving the old request afterwards is refused in plain words, not carried out.
    with pytest.raises(ValidationError, match="no longer needed"):
        services.approve(actor=manager, approval=waiting)
    page = client_for(manager).get(reverse("episodes:approval", args=[family.pk])).text
    assert "No longer needed," in page and contact.reference in page
