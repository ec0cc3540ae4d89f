"""A restricted family's episode is seen only through a reason held personally: its lead
practitioner (and partners on the team around the family), never through the allocated team's
reason, its managers' or a colleague's. The assessment, plan, meeting and episode pages, the
caseload and the API all follow `episodes.visible_to`."""

import pytest
from django.test import Client
from django.urls import reverse

from earlyhelp.accounts.roles import OrganisationKind, Role
from earlyhelp.accounts.tests.factories import (
    OrganisationFactory,
    TeamFactory,
    sign_in,
    user_with_role,
)
from earlyhelp.assessments import services as assessment_services
from earlyhelp.episodes import services
from earlyhelp.episodes.access import episodes, works_on
from earlyhelp.people import services as people_services
from earlyhelp.people.codes import FamilyRole
from earlyhelp.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted_case():
    council = OrganisationFactory(kind=OrganisationKind.COUNCIL)
    team = TeamFactory(organisation=council)
    lead = user_with_role(Role.PRACTITIONER, team=team)
    colleague = user_with_role(Role.PRACTITIONER, team=team)
    manager = user_with_role(Role.TEAM_MANAGER, team=team)
    family = people_services.create_family(actor=None, name="Hidden family", is_restricted=True)
    child = PersonFactory.create(is_restricted=True)
    people_services.add_family_member(
        actor=None, family=family, person=child, role=FamilyRole.CHILD
    )
    episode = services.open_episode(actor=None, family=family)
    services.allocate(actor=manager, episode=episode, team=team, lead_practitioner=lead)
    assessment = assessment_services.start_assessment(actor=lead, episode=episode)
    return {
        "lead": lead,
        "colleague": colleague,
        "manager": manager,
        "family": family,
        "episode": episode,
        "assessment": assessment,
    }


def _pages(case) -> list[str]:
    family = case["family"].pk
    return [
        reverse("episodes:family_episode", args=[family]),
        reverse("assessments:family", args=[family]),
        reverse("assessments:assessment", args=[case["assessment"].pk]),
        reverse("plans:family", args=[family]),
        reverse("meetings:family", args=[family]),
        reverse("episodes:chronology", args=[family]),
    ]


def test_only_the_lead_practitioner_sees_a_restricted_familys_episode(restricted_case) -> None:
    case = restricted_case
    episode = case["episode"]
    assert episodes.visible_to(case["lead"]).filter(pk=episode.pk).exists()
    assert works_on(case["lead"], episode)
    for other in ("colleague", "manager"):
        assert not episodes.visible_to(case[other]).filter(pk=episode.pk).exists(), other
        assert not works_on(case[other], episode), other


def test_the_pages_answer_404_to_the_team_and_its_manager(restricted_case) -> None:
    case = restricted_case
    lead = sign_in(Client(), case["lead"])
    for url in _pages(case):
        assert lead.get(url).status_code == 200, url
    for other in ("colleague", "manager"):
        client = sign_in(Client(), case[other])
        for url in _pages(case):
            assert client.get(url).status_code == 404, (other, url)


def test_the_api_answers_404_to_the_team(restricted_case) -> None:
    case = restricted_case
    url = f"/api/episodes/{case['episode'].pk}"
    assert sign_in(Client(), case["lead"]).get(url).status_code == 200
    assert sign_in(Client(), case["colleague"]).get(url).status_code == 404


def test_a_restricted_familys_closure_needs_no_approval_nobody_could_give(
    restricted_case,
) -> None:
    from earlyhelp.core.models import ClosureReason, CouncilConfiguration
    from earlyhelp.episodes.models import EpisodeApproval, EpisodeStatus

    config = CouncilConfiguration.current()
    config.closure_needs_approval = config.step_up_needs_approval = True
    config.save()
    case = restricted_case
    episode = case["episode"]
    episode.refresh_from_db()
    services.record_closure(
        actor=case["lead"],
        episode=episode,
        reason=ClosureReason.objects.get(code="outcomes-met"),
    )
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED  # the lead's own decision stands
    assert not EpisodeApproval.objects.exists()


def test_the_approvals_list_never_names_a_restricted_family(restricted_case) -> None:
    from earlyhelp.episodes.models import ApprovalKind, EpisodeApproval

    case = restricted_case
    EpisodeApproval.objects.create(
        episode=case["episode"],
        kind=ApprovalKind.CLOSURE,
        requested_by=case["lead"],
        requested_at=case["episode"].opened_at,
    )
    page = sign_in(Client(), case["manager"]).get(reverse("episodes:approvals")).text
    assert "Hidden family" not in page
