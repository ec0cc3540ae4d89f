"""The generated permission test: every URL pattern and every API operation, tried as every kind
of user, behaves as `config/access_policy.py` declares.

One scenario world is built per test (a family with a child, an allocated council team, its
manager, a lead practitioner, partners on the team around the family, strangers, a former team
member, a partner whose consent was withdrawn, an auditor, administrators). Each check loops over
every (URL or operation, actor) pair and collects every failure into one message naming the URL,
the actor, what the table says and what happened, so one run shows the whole picture.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from config import access_policy
from config.access_policy import API_OPERATIONS, EXCLUDED_ROUTES, PAGES, Operation, Page, Rel, Who
from earlyhelp.accounts.models import ApiToken, Membership, User
from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.services import create_api_token
from earlyhelp.accounts.tests.factories import (
    OrganisationFactory,
    SchoolFactory,
    TeamFactory,
    sign_in,
    user_with_role,
)
from earlyhelp.api.api import api
from earlyhelp.consent import services as consent_services
from earlyhelp.consent.codes import ConsentDecision, ConsentGivenBy, ConsentMethod, ConsentScope
from earlyhelp.episodes.services import open_episode
from earlyhelp.frontdoor.codes import ContactMethod, ContactStatus, Outcome, ThresholdMet
from earlyhelp.frontdoor.models import (
    ConsultationCall,
    Contact,
    ContactDecision,
    ContactSubject,
    Disagreement,
)
from earlyhelp.people import access as people_access
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import FamilyRole, InvolvementReason
from earlyhelp.people.merge import merge_people
from earlyhelp.subject_access import services as subject_access_services

DOC = Path(__file__).resolve().parent.parent / "docs" / "access-policy.md"
SIGN_IN = reverse("accounts:sign_in")

#: Each actor and the relationships it holds to the scenario's family and its records.
ACTORS: dict[str, Who] = {
    "anonymous": frozenset({Rel.ANONYMOUS}),
    "lead_practitioner": frozenset({Rel.ANY_STAFF, Rel.RECORDER, Rel.LEAD, Rel.SELF}),
    "team_member": frozenset({Rel.ANY_STAFF, Rel.RECORDER, Rel.TEAM}),
    "team_manager": frozenset({Rel.ANY_STAFF, Rel.RECORDER, Rel.TEAM, Rel.MANAGER, Rel.ALLOCATOR}),
    "school_partner": frozenset({Rel.ANY_STAFF, Rel.RECORDER, Rel.TAF_PARTNER}),
    "school_dsl": frozenset({Rel.ANY_STAFF, Rel.RECORDER, Rel.SCHOOL_DSL, Rel.REFERRER}),
    "break_glass_user": frozenset({Rel.ANY_STAFF, Rel.RECORDER, Rel.BREAK_GLASS}),
    "stranger_practitioner": frozenset({Rel.ANY_STAFF, Rel.RECORDER}),
    "stranger_manager": frozenset({Rel.ANY_STAFF, Rel.RECORDER, Rel.ALLOCATOR}),
    "other_agency": frozenset({Rel.ANY_STAFF, Rel.RECORDER}),
    "former_team_member": frozenset({Rel.ANY_STAFF}),
    "partner_consent_withdrawn": frozenset({Rel.ANY_STAFF, Rel.RECORDER}),
    "auditor": frozenset({Rel.ANY_STAFF, Rel.AUDITOR}),
    "org_admin": frozenset({Rel.ANY_STAFF, Rel.ORG_ADMIN}),
    "system_admin": frozenset({Rel.ANY_STAFF, Rel.SYSTEM_ADMIN}),
    "front_door_screener": frozenset({Rel.ANY_STAFF, Rel.RECORDER, Rel.FRONT_DOOR}),
    "front_door_manager": frozenset(
        {Rel.ANY_STAFF, Rel.RECORDER, Rel.FRONT_DOOR, Rel.FRONT_DOOR_MANAGER, Rel.ALLOCATOR}
    ),
}


def allowed(actor: str, relationships: Who) -> bool:
    held = ACTORS[actor]
    if Rel.ANONYMOUS in relationships:
        return True
    if Rel.ANY_STAFF in relationships and actor != "anonymous":
        return True
    return bool(held & relationships)


# --- Walking the project ----------------------------------------------------------------------


def url_patterns(
    resolver: URLResolver | None = None, route: str = "", namespace: str = ""
) -> Iterator[tuple[str, str | None]]:
    """(route, namespaced name) of every URL pattern of the project."""
    for pattern in (resolver or get_resolver()).url_patterns:
        full_route = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, full_route, inner)
        elif isinstance(pattern, URLPattern):
            yield full_route, f"{namespace}{pattern.name}" if pattern.name else None


def _excluded(route: str) -> bool:
    return any(route.startswith(prefix) for prefix in EXCLUDED_ROUTES)


def _as_openapi_path(route: str) -> str:
    """'api/people/<person_id>' -> '/api/people/{person_id}'."""
    parts = [
        "{" + part[1:-1].split(":")[-1] + "}" if part.startswith("<") else part
        for part in route.split("/")
    ]
    return "/" + "/".join(parts)


def api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method.upper() in {"GET", "POST", "PUT", "PATCH", "DELETE"}
    }


def test_every_url_has_an_entry_in_the_policy_table() -> None:
    operation_paths = {path for _, path in api_operations()}
    problems = []
    for route, name in url_patterns():
        if _excluded(route):
            continue
        if name is None:
            problems.append(f"URL pattern {route!r} has no name, so the policy cannot name it")
        elif name in PAGES:
            continue
        elif name.startswith("api:") and _as_openapi_path(route) in operation_paths:
            continue  # an API operation: checked against API_OPERATIONS
        else:
            problems.append(
                f"URL {name!r} ({route!r}) is not in config/access_policy.py PAGES: "
                "say who may read and write it"
            )
    assert not problems, "\n".join(problems)


def test_every_page_entry_names_a_url_that_exists() -> None:
    names = {name for route, name in url_patterns() if not _excluded(route)}
    stale = sorted(set(PAGES) - names)
    assert not stale, f"config/access_policy.py PAGES lists URLs that no longer exist: {stale}"


def test_every_api_operation_has_an_entry_and_every_entry_exists() -> None:
    operations = api_operations()
    missing = sorted(operations - set(API_OPERATIONS))
    stale = sorted(set(API_OPERATIONS) - operations)
    assert not missing, (
        f"API operations missing from config/access_policy.py API_OPERATIONS: {missing}"
    )
    assert not stale, (
        f"config/access_policy.py API_OPERATIONS lists operations that no longer exist: {stale}"
    )


def test_the_rendered_policy_document_is_up_to_date() -> None:
    assert DOC.read_text() == access_policy.render_markdown(), (
        "docs/access-policy.md is out of date: run `python scripts/render_access_policy.py`"
    )


# --- The scenario -------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User | None]
    objects: dict[str, Any]
    tokens: dict[str, str]
    clients: dict[str, Client]

    def client(self, actor: str) -> Client:
        if actor not in self.clients:
            client = Client()
            user = self.users[actor]
            if user is not None:
                sign_in(client, user)
            self.clients[actor] = client
        return self.clients[actor]

    def forget(self, actor: str) -> None:
        self.clients.pop(actor, None)


def _share(family: Any, actor: User, decision: str, **target: Any) -> None:
    consent_services.record_consent(
        actor=actor,
        family=family,
        scope=ConsentScope.SHARE,
        decision=decision,
        given_by=ConsentGivenBy.PARENT_CARER,
        given_by_name="Policy Parent",
        method=ConsentMethod.VERBAL,
        decided_on=timezone.localdate(),
        **target,
    )


def build_world() -> World:
    council = OrganisationFactory(name="Kingsbridge Council", kind=OrganisationKind.COUNCIL)
    allocated = TeamFactory(organisation=council, name="Early Help North")
    other_team = TeamFactory(organisation=council, name="Early Help South")
    leads_team = TeamFactory(organisation=council, name="Family Support")
    school = SchoolFactory(name="Riverside Primary")
    other_school = SchoolFactory(name="Hillside Academy")
    health = OrganisationFactory(name="Kingsbridge Health", kind=OrganisationKind.HEALTH)
    police = OrganisationFactory(name="Kingsbridge Police", kind=OrganisationKind.POLICE)

    users: dict[str, User | None] = {
        "anonymous": None,
        "lead_practitioner": user_with_role(Role.PRACTITIONER, team=leads_team),
        "team_member": user_with_role(Role.PRACTITIONER, team=allocated),
        "team_manager": user_with_role(Role.TEAM_MANAGER, team=allocated),
        "school_partner": user_with_role(Role.PRACTITIONER, organisation=school),
        "school_dsl": user_with_role(Role.DESIGNATED_SAFEGUARDING_LEAD, organisation=school),
        "break_glass_user": user_with_role(Role.PRACTITIONER, team=other_team),
        "stranger_practitioner": user_with_role(Role.PRACTITIONER, team=other_team),
        "stranger_manager": user_with_role(Role.TEAM_MANAGER, team=other_team),
        "other_agency": user_with_role(Role.PRACTITIONER, organisation=health),
        "former_team_member": user_with_role(Role.PRACTITIONER, team=allocated),
        "partner_consent_withdrawn": user_with_role(Role.PRACTITIONER, organisation=other_school),
        "auditor": user_with_role(Role.AUDITOR, organisation=council),
        "org_admin": user_with_role(Role.ADMINISTRATOR, organisation=council),
        "system_admin": User.objects.create_superuser("root@kingsbridge.example"),
        "front_door_screener": user_with_role(
            Role.FRONT_DOOR_SCREENER,
            team=TeamFactory(organisation=council, name="Starting Point", is_front_door=True),
        ),
        "front_door_manager": user_with_role(
            Role.TEAM_MANAGER,
            team=TeamFactory(
                organisation=council, name="Starting Point managers", is_front_door=True
            ),
        ),
    }
    today = timezone.localdate()
    # The former member's only role, in the allocated team, ended yesterday.
    Membership.objects.filter(user=users["former_team_member"]).update(
        started_on=today - timedelta(days=365), ended_on=today - timedelta(days=1)
    )
    manager = users["team_manager"]
    assert manager is not None

    family = people_services.create_family(actor=None, name="Policy family")
    members = {}
    for key, restricted in (
        ("child", False),
        ("duplicate", False),
        ("restricted_child", True),
        ("kept", False),
        ("merged", False),
    ):
        person = people_services.create_person(
            actor=None,
            given_name="Policy",
            family_name=key.replace("_", " ").title(),
            date_of_birth=date(2015, 3, 4),
            is_restricted=restricted,
        )
        people_services.add_family_member(
            actor=None, family=family, person=person, role=FamilyRole.CHILD
        )
        members[key] = person
    child = members["child"]

    involve = people_services.start_involvement
    involve(actor=None, reason=InvolvementReason.ALLOCATED_TEAM, family=family, team=allocated)
    involve(
        actor=None,
        reason=InvolvementReason.LEAD_PRACTITIONER,
        family=family,
        user=users["lead_practitioner"],
    )
    for partner in ("school_partner", "partner_consent_withdrawn"):
        involve(
            actor=None,
            reason=InvolvementReason.TEAM_AROUND_FAMILY,
            family=family,
            user=users[partner],
        )
    involve(actor=None, reason=InvolvementReason.SCHOOL, person=child, organisation=school)
    _share(family, manager, ConsentDecision.GIVEN, share_with_kind=OrganisationKind.SCHOOL)
    _share(family, manager, ConsentDecision.WITHDRAWN, share_with_organisation=other_school)
    people_services.break_glass(
        actor=users["break_glass_user"], person=child, reason="Urgent call from the police"
    )
    merge = merge_people(
        actor=manager, kept=members["kept"], merged=members["merged"], reason="Same child"
    )
    override = consent_services.record_override(
        actor=manager, family=family, reason="Policy check", share_with_organisation=police
    )
    own_token, _ = create_api_token(user=users["lead_practitioner"], name="To revoke")
    subject_access_request = subject_access_services.record_request(
        actor=users["auditor"],
        person=child,
        requester_name="Policy Parent",
        requester_relationship="parent",
        received_on=today,
    )
    staff_user = users["team_member"]
    objects = {
        "family": family.pk,
        "child": child.pk,
        "duplicate": members["duplicate"].pk,
        "restricted_child": members["restricted_child"].pk,
        "merge": merge.pk,
        "override": override.pk,
        "organisation": council.pk,
        "membership": Membership.objects.get(user=staff_user).pk,
        "staff_user": staff_user.pk,
        "own_token": own_token.pk,
        "subject_access_request": subject_access_request.pk,
        **_front_door_records(users, child),
        "decided_contact_reference": "FD-POLICY-1",  # the first of _front_door_records
        **_own_request_records(users),
        **_screening_records(users),
        **_assessment_records(users, family),
        **_episode_records(family, allocated, users, health),
        **_plan_and_meeting_records(users, family),
        # The policy family's one episode (the records above share it).
        "family_episode": family.episodes.get().pk,
        "reset_uid": "MQ",
        "reset_token": "set-password",
    }
    tokens = {
        actor: create_api_token(user=user, name="Policy check")[1]
        for actor, user in users.items()
        if user is not None
    }
    world = World(users=users, objects=objects, tokens=tokens, clients={})
    _check_the_scenario_holds(world)
    return world


def _front_door_records(users: dict[str, User | None], child: Any) -> dict[str, int]:
    """Consultation line and disagreements: two requests for support from the school's DSL,
    decided by the front-door screener; the DSL disagrees with the second decision."""
    screener, referrer = users["front_door_screener"], users["school_dsl"]
    assert screener is not None and referrer is not None
    decided = []
    for number in (1, 2):
        contact = Contact.objects.create(
            reference=f"FD-POLICY-{number}",
            status=ContactStatus.DECIDED,
            method=ContactMethod.ONLINE,
            received_at=timezone.now(),
            referrer=referrer,
            created_by=referrer,
        )
        ContactDecision.objects.create(
            contact=contact,
            outcome=Outcome.NO_FURTHER_ACTION,
            rationale="Policy check",
            decided_by=screener,
            decided_at=timezone.now(),
        )
        decided.append(contact)
    disagreement = Disagreement.objects.create(
        contact=decided[1], raised_by=referrer, reason="Policy check"
    )
    call = ConsultationCall.objects.create(
        caller_name="Policy Caller",
        caller_agency="Policy agency",
        person=child,
        question="Policy check",
        advice="Policy check",
        threshold_met=ThresholdMet.UNSURE,
        called_at=timezone.now(),
        recorded_by=screener,
    )
    return {
        "decided_contact": decided[0].pk,
        "disagreement": disagreement.pk,
        "consultation_call": call.pk,
    }


def _screening_records(users: dict[str, User | None]) -> dict[str, int]:
    """Screening and allocation: a contact awaiting screening, one whose decision awaits a
    manager's approval, and another family's episode waiting for allocation."""
    screener = users["front_door_screener"]
    assert screener is not None
    people = [
        people_services.create_person(actor=None, given_name="Screening", family_name=name)
        for name in ("Waiting", "Approval")
    ]
    records: dict[str, int] = {}
    for person, key, status in zip(
        people,
        ("contact", "contact_awaiting_approval"),
        (ContactStatus.AWAITING_SCREENING, ContactStatus.AWAITING_APPROVAL),
        strict=True,
    ):
        contact = Contact.objects.create(
            reference=f"FD-SCREEN-{len(records) + 1}",
            status=status,
            method=ContactMethod.PHONE,
            received_at=timezone.now(),
            referrer=users["school_dsl"],
        )
        ContactSubject.objects.create(contact=contact, person=person)
        records[key] = contact.pk
    ContactDecision.objects.create(
        contact_id=records["contact_awaiting_approval"],
        outcome=Outcome.NO_FURTHER_ACTION,
        rationale="Policy check",
        decided_by=screener,
        decided_at=timezone.now(),
        needs_approval=True,
    )
    waiting_family = people_services.create_family(actor=None, name="Waiting family")
    records["episode"] = open_episode(actor=None, family=waiting_family).pk
    return records


def _plan_and_meeting_records(users: dict[str, User | None], family: Any) -> dict[str, int]:
    """The policy family's open episode (allocated to its team), with a plan holding one action
    and a meeting."""
    from earlyhelp.episodes.models import Episode, EpisodeStatus
    from earlyhelp.meetings import services as meeting_services
    from earlyhelp.meetings.codes import MeetingKind
    from earlyhelp.plans import services as plan_services
    from earlyhelp.plans.codes import ActionOwnerKind

    lead, manager = users["lead_practitioner"], users["team_manager"]
    assert lead is not None and manager is not None
    episode = open_episode(actor=None, family=family)
    if episode.status != EpisodeStatus.OPEN:
        team = Membership.objects.filter(user=manager).values_list("team", flat=True).first()
        Episode.objects.filter(pk=episode.pk).update(
            status=EpisodeStatus.OPEN, allocated_team_id=team, allocated_at=timezone.now()
        )
        episode.refresh_from_db()
    plan = plan_services.start_plan(actor=lead, episode=episode)
    need = plan_services.add_need(
        actor=lead, plan=plan, expected_version=plan.version, need="Policy", outcome="Policy"
    )
    action = plan_services.add_action(
        actor=lead,
        need=need,
        expected_version=plan.version,
        description="Policy check",
        owner_kind=ActionOwnerKind.AGENCY,
        owner_organisation="Policy agency",
        due_on=timezone.localdate(),
    )
    meeting = meeting_services.schedule_meeting(
        actor=lead,
        episode=episode,
        kind=MeetingKind.TEAM_AROUND_THE_FAMILY,
        starts_at=timezone.now(),
        practitioners=[lead],
    )
    return {"plan": plan.pk, "plan_action": action.pk, "meeting": meeting.pk}


def _episode_records(family: Any, team: Any, users: dict[str, User | None], health: Any) -> dict:
    """The family's open episode, led by the lead practitioner for the allocated team, with a
    health practitioner (not one of the actors) on the team around the family."""
    from earlyhelp.episodes.models import Episode, EpisodeStatus
    from earlyhelp.episodes.services import join_team_around_family

    episode = open_episode(actor=None, family=family)
    Episode.objects.filter(pk=episode.pk).update(
        status=EpisodeStatus.OPEN,
        allocated_team=team,
        lead_practitioner=users["lead_practitioner"],
        allocated_at=timezone.now(),
    )
    episode.refresh_from_db()
    nurse = user_with_role(Role.PRACTITIONER, organisation=health)
    member = join_team_around_family(actor=None, episode=episode, user=nurse, role="School nurse")
    return {"taf_member": member.pk}


def _assessment_records(users: dict[str, User | None], family: Any) -> dict[str, Any]:
    """The policy family's open episode (led by the lead practitioner for the allocated team)
    with an early help assessment in progress."""
    from earlyhelp.assessments.services import start_assessment
    from earlyhelp.episodes.models import Episode, EpisodeStatus

    lead, manager = users["lead_practitioner"], users["team_manager"]
    assert lead is not None and manager is not None
    episode = open_episode(actor=None, family=family)
    team = Membership.objects.filter(user=manager).values_list("team", flat=True).first()
    Episode.objects.filter(pk=episode.pk).update(
        status=EpisodeStatus.OPEN,
        allocated_team_id=team,
        lead_practitioner=lead,
        allocated_at=timezone.now(),
    )
    episode.refresh_from_db()
    assessment = start_assessment(actor=lead, episode=episode)
    return {"assessment": assessment.pk, "assessment_section": "about"}


def _own_request_records(users: dict[str, User | None]) -> dict[str, Any]:
    """A draft request for support by the school's DSL (its referrer), with a file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from earlyhelp.frontdoor import submission

    referrer = users["school_dsl"]
    assert referrer is not None
    draft = submission.start_draft(actor=referrer)
    file = submission.add_attachment(
        actor=referrer,
        contact=draft,
        uploaded_file=SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    return {"own_request": draft.pk, "own_attachment": file.pk, "request_step": "children"}


def _check_the_scenario_holds(world: World) -> None:
    """The world must be as described, or the policy checks would prove nothing."""
    child = world.objects["child"]
    visible = {
        actor
        for actor, user in world.users.items()
        if user is not None and people_access.people.visible_to(user).filter(pk=child).exists()
    }
    assert "school_partner" in visible
    assert "partner_consent_withdrawn" not in visible, "consent withdrawal did not apply"
    assert "former_team_member" not in visible
    assert ApiToken.objects.filter(pk=world.objects["own_token"], revoked_at=None).exists()


@pytest.fixture
def world(db: None) -> World:
    return build_world()


# --- Checking pages -----------------------------------------------------------------------------


def _target(world: World, needs: tuple[str, ...], restricted: bool) -> list[Any]:
    key = {"child": "restricted_child"} if restricted else {}
    return [world.objects[key.get(need, need)] for need in needs]


def _redirects_to_sign_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(SIGN_IN)


def _page_cases(name: str, page: Page) -> Iterator[tuple[str, bool, Who | None, Who | None]]:
    yield name, False, page.read, page.write
    if page.restricted is not None:
        yield f"{name} (restricted person)", True, page.restricted.read, page.restricted.write


def _judge_page(actor: str, method: str, relationships: Who | None, response: Any) -> str | None:
    """What is wrong with `response`, or None. `relationships`: who the table lets in."""
    status = response.status_code
    if relationships is None:
        # Not served: a 405 (or, for someone not signed in, the sign-in page).
        if status == 405 or (actor == "anonymous" and _redirects_to_sign_in(response)):
            return None
        return f"the table says {method} is not served; expected 405, got {status}"
    if not relationships:
        # Nobody: 404 for everyone (someone not signed in may be sent to sign in first).
        if status == 404 or (actor == "anonymous" and _redirects_to_sign_in(response)):
            return None
        return f"the table says nobody; expected 404, got {status}"
    if Rel.ANONYMOUS in relationships:
        return None if status < 400 else f"public page; expected success, got {status}"
    if actor == "anonymous":
        if _redirects_to_sign_in(response):
            return None
        return f"expected a redirect to sign in, got {status}"
    if allowed(actor, relationships):
        if status >= 400 or _redirects_to_sign_in(response):
            return f"allowed ({_names(relationships)}); got {status}"
        if method == "GET" and status not in (200, 302):
            return f"allowed; expected 200 or a redirect, got {status}"
        return None
    if status != 404:
        return f"not allowed (only {_names(relationships)}); expected 404, got {status}"
    return None


def _names(relationships: Who) -> str:
    return ", ".join(sorted(r.value for r in relationships)) or "nobody"


def check_pages(world: World, only: set[str] | None = None) -> list[str]:
    failures = []
    for name, page in sorted(PAGES.items()):
        if only is not None and name not in only:
            continue
        for label, restricted, read, write in _page_cases(name, page):
            url = reverse(name, args=_target(world, page.needs, restricted))
            for actor in ACTORS:
                checks = [("GET", read)]
                if write is not None or read is None:
                    checks.append(("POST", write))
                for method, relationships in checks:
                    client = world.client(actor)
                    response = client.get(url) if method == "GET" else client.post(url, {})
                    if name == "accounts:sign_out" and method == "POST":
                        world.forget(actor)
                    problem = _judge_page(actor, method, relationships, response)
                    if problem:
                        failures.append(f"{method} {label} [{url}] as {actor}: {problem}")
    return failures


def test_every_page_follows_the_policy_table(world: World) -> None:
    failures = check_pages(world)
    assert not failures, f"{len(failures)} page access failures:\n" + "\n".join(failures)


# --- Checking API operations ------------------------------------------------------------------


def _body(world: World, operation: Operation) -> dict[str, object] | None:
    if operation.body is None:
        return None
    return {
        key: world.objects[value[1:-1]]
        if isinstance(value, str) and value.startswith("<")
        else value
        for key, value in operation.body.items()
    }


def _api_cases(operation: Operation) -> Iterator[tuple[bool, Who]]:
    yield False, operation.allowed
    if operation.restricted is not None:
        yield True, operation.restricted


def _judge_api(
    actor: str, method: str, operation: Operation, relationships: Who, status: int
) -> str | None:
    if actor == "anonymous":
        return None if status == 401 else f"expected 401 without credentials, got {status}"
    if allowed(actor, relationships):
        if method == "GET" and status != 200:
            return f"allowed ({_names(relationships)}); expected 200, got {status}"
        if status in (401, 403, 404) or status >= 500:
            return f"allowed ({_names(relationships)}); got {status}"
        return None
    if status != operation.denied:
        return (
            f"not allowed (only {_names(relationships)}); expected {operation.denied}, got {status}"
        )
    return None


def check_api(world: World, only: set[tuple[str, str]] | None = None) -> list[str]:
    failures = []
    for (method, path), operation in sorted(API_OPERATIONS.items()):
        if only is not None and (method, path) not in only:
            continue
        for restricted, relationships in _api_cases(operation):
            args = iter(_target(world, operation.needs, restricted))
            url = "/".join(
                str(next(args)) if part.startswith("{") else part for part in path.split("/")
            )
            label = f"{method} {path}" + (" (restricted person)" if restricted else "")
            for actor in ACTORS:
                headers = {}
                if actor in world.tokens:
                    headers["Authorization"] = f"Bearer {world.tokens[actor]}"
                response = Client().generic(
                    method,
                    url
                    + (
                        "?" + "&".join(f"{k}={v}" for k, v in operation.query.items())
                        if operation.query
                        else ""
                    ),
                    data=_json(_body(world, operation)),
                    content_type="application/json",
                    headers=headers,
                )
                problem = _judge_api(actor, method, operation, relationships, response.status_code)
                if problem:
                    failures.append(f"{label} [{url}] as {actor}: {problem}")
    return failures


def _json(body: dict[str, object] | None) -> str:
    import json

    return "" if body is None else json.dumps(body)


def test_every_api_operation_follows_the_policy_table(world: World) -> None:
    failures = check_api(world)
    assert not failures, f"{len(failures)} API access failures:\n" + "\n".join(failures)


# --- The check bites ----------------------------------------------------------------------------


def test_the_check_fails_when_an_access_rule_is_dropped(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forget that team memberships end: the former team member must be caught, on pages and
    in the API."""

    def involvements_ignoring_end_dates(user: Any, *, personal_only: bool = False) -> Any:
        active = people_access.active_involvements()
        if not getattr(user, "is_authenticated", False):
            return active.none()
        held = Q(user=user)
        if not personal_only:
            teams = Membership.objects.filter(user=user).exclude(team=None).values("team_id")
            held |= Q(team_id__in=teams)
        return active.filter(held)

    monkeypatch.setattr(people_access, "involvements_of", involvements_ignoring_end_dates)
    pages = check_pages(world, only={"people:person", "people:family"})
    operations = check_api(world, only={("GET", "/api/people/{person_id}")})
    assert any("people:person " in f and "as former_team_member" in f for f in pages), pages
    assert any("people:family " in f and "as former_team_member" in f for f in pages), pages
    assert any("as former_team_member" in f for f in operations), operations
