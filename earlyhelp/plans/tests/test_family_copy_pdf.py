"""The family copy as a PDF to download: the same plain words as the family copy page (the last
agreed version), recorded in the access log as an export, seen by exactly who sees the plan."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from earlyhelp.accounts.tests.factories import sign_in
from earlyhelp.core.models import AccessAction, AccessEvent
from earlyhelp.plans import services
from earlyhelp.plans.codes import ActionOwnerKind
from earlyhelp.plans.models import FamilyPlan
from earlyhelp.plans.pdf import FamilyCopy, family_copy_pdf
from earlyhelp.subject_access.pdf import unicode_font

from .factories import AllocatedFamily, allocated_family
from .pdf_text import pdf_text, squash
from .test_plans import three_action_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def case() -> AllocatedFamily:
    return allocated_family()


def agreed_plan(case: AllocatedFamily) -> FamilyPlan:
    plan = three_action_plan(case)
    services.agree_version(
        actor=case.lead, plan=plan, expected_version=plan.version, agreed_with_family=True
    )
    plan.refresh_from_db()
    return plan


def pdf_url(plan: FamilyPlan) -> str:
    return reverse("plans:family_copy_pdf", args=[plan.pk])


def test_the_lead_downloads_the_family_copy_as_a_pdf_with_the_plans_words(
    case: AllocatedFamily, client: Client
) -> None:
    plan = agreed_plan(case)
    sign_in(client, case.lead)
    response = client.get(pdf_url(plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="family-plan-{plan.pk}.pdf"'
    assert response.content.startswith(b"%PDF")
    text = squash(pdf_text(response.content))
    for words in (
        "Our family plan",
        "This is the plan we made together for Hughes family.",
        "Your lead worker is Pat Practitioner",
        "What we are worried about",
        "Kai is missing school on Mondays",
        "What we want to be different",
        "Kai goes to school every day",
        "Who will do what, by when",
        "Dana Hughes: Walk Kai to school on Mondays.",
        "By 15 January 2027.",
        "Riverside Primary School: Offer Kai a breakfast club place.",
        "Pat Practitioner: Visit the family every two weeks.",
        "tell your lead worker",
    ):
        assert squash(words) in text, words


def test_the_download_is_recorded_as_an_export(case: AllocatedFamily, client: Client) -> None:
    plan = agreed_plan(case)
    sign_in(client, case.lead)
    before = AccessEvent.objects.count()
    client.get(pdf_url(plan))
    assert AccessEvent.objects.count() == before + 1
    event = AccessEvent.objects.latest("pk")
    assert (event.action, event.object_type, event.object_id) == (
        AccessAction.EXPORT,
        "familyplan",
        str(plan.pk),
    )
    assert (event.actor, event.family_id) == (case.lead, case.family.pk)


def test_the_pdf_is_the_last_agreed_version_like_the_page(
    case: AllocatedFamily, client: Client
) -> None:
    plan = agreed_plan(case)
    need = plan.needs.get()
    services.add_action(
        actor=case.lead,
        need=need,
        expected_version=plan.version,
        description="A draft action nobody has agreed",
        owner_kind=ActionOwnerKind.AGENCY,
        owner_organisation="Citizens Advice",
        due_on=date(2027, 3, 1),
    )
    sign_in(client, case.lead)
    text = squash(pdf_text(client.get(pdf_url(plan)).content))
    assert squash("Walk Kai to school on Mondays") in text
    assert squash("A draft action nobody has agreed") not in text
    page = client.get(reverse("plans:family_copy", args=[plan.pk])).content.decode()
    assert "A draft action nobody has agreed" not in page


def test_an_unagreed_plan_says_so(case: AllocatedFamily, client: Client) -> None:
    plan = three_action_plan(case)
    sign_in(client, case.lead)
    text = squash(pdf_text(client.get(pdf_url(plan)).content))
    assert squash("We have not agreed it yet: it may still change.") in text
    assert squash("Walk Kai to school on Mondays") in text


def test_the_family_copy_page_links_to_the_pdf(case: AllocatedFamily, client: Client) -> None:
    plan = agreed_plan(case)
    sign_in(client, case.lead)
    page = client.get(reverse("plans:family_copy", args=[plan.pk])).content.decode()
    assert f'href="{pdf_url(plan)}" download>Download as PDF</a>' in page


def test_strangers_get_404_and_nothing_is_recorded(case: AllocatedFamily, client: Client) -> None:
    plan = agreed_plan(case)
    sign_in(client, case.stranger)
    before = AccessEvent.objects.count()
    assert client.get(pdf_url(plan)).status_code == 404
    assert client.post(pdf_url(plan)).status_code == 405
    assert AccessEvent.objects.count() == before
    anonymous = Client().get(pdf_url(plan))
    assert anonymous.status_code == 302 and "/sign-in/" in anonymous["Location"]


def _copy(family_name: str) -> FamilyCopy:
    return FamilyCopy(
        council_name="Kingsbridge Borough Council",
        family_name=family_name,
        agreed_on=date(2026, 11, 3),
        lead_name="Zoë Lead",
        needs=[
            {
                "need": "Sleep",
                "outcome": "Everyone sleeps",
                "actions": [
                    {
                        "who": "Health visiting",
                        "description": "Bedtime routine.",
                        "by_when": "1 December 2026",
                        "status": "Done",
                    }
                ],
            }
        ],
    )


def test_without_a_unicode_font_helvetica_shows_names_without_their_accents() -> None:
    content = family_copy_pdf(_copy("Nowak family"), font=None, compress=False)
    text = pdf_text(content)
    assert "Your lead worker is Zoe Lead." in text
    assert squash("Health visiting: Bedtime routine. By 1 December 2026. This is done.") in squash(
        text
    )


@pytest.mark.skipif(unicode_font() is None, reason="no Unicode TrueType font on this machine")
def test_with_a_unicode_font_names_keep_every_letter() -> None:
    text = pdf_text(family_copy_pdf(_copy("Łukasiewicz family")))
    assert squash("made together for Łukasiewicz family.") in squash(text)
    assert squash("Your lead worker is Zoë Lead.") in squash(text)
