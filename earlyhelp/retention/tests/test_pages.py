"""Retention pages as the data protection officer (an auditor), a practitioner and anonymous."""

import pytest
from django.urls import reverse

from earlyhelp.accounts.roles import Role
from earlyhelp.accounts.tests.factories import sign_in, user_with_role
from earlyhelp.core.models import AccessAction, AccessEvent
from earlyhelp.people import services as people_services
from earlyhelp.people.models import Person
from earlyhelp.retention import services
from earlyhelp.retention.models import ErasureRecord, LegalHold, ReviewStatus

from .factories import child_born_years_ago, family_with_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    family, _ = family_with_child("Quennell family", child_born_years_ago(27))
    services.run_retention_review()
    return family


def _pages(family):
    return [
        reverse("retention:reviews"),
        reverse("retention:review", args=[family.pk]),
        reverse("retention:anonymise", args=[family.pk]),
    ]


def _actions(family):
    return [
        reverse(name, args=[family.pk])
        for name in ("retention:keep", "retention:place_hold", "retention:lift_hold")
    ]


def test_the_officer_sees_the_due_family_and_every_view_is_audited(client, family):
    officer = user_with_role(Role.AUDITOR)
    sign_in(client, officer)
    listing = client.get(reverse("retention:reviews"))
    assert listing.status_code == 200
    assert "Quennell family" in listing.text
    assert "The youngest child is 25 or older" in listing.text
    assert client.get(reverse("retention:reviews") + "?sort=-due&page=9").status_code == 200
    page = client.get(reverse("retention:review", args=[family.pk]))
    assert page.status_code == 200
    assert "Kit Quennell" in page.text
    assert AccessEvent.objects.filter(
        actor=officer, action=AccessAction.VIEW, family_id=family.pk, object_type="family"
    ).exists()
    assert client.get(reverse("retention:anonymise", args=[family.pk])).status_code == 200
    for url in _actions(family):
        assert client.get(url).status_code == 405, url


def test_the_officer_keeps_holds_and_anonymises(client, family):
    officer = user_with_role(Role.AUDITOR)
    sign_in(client, officer)
    review_url = reverse("retention:review", args=[family.pk])
    empty = client.post(reverse("retention:keep", args=[family.pk]), {})
    assert empty.status_code == 200
    assert "Enter how many more years to keep the records" in empty.text
    assert "Enter why the records are being kept" in empty.text

    response = client.post(
        reverse("retention:place_hold", args=[family.pk]), {"hold-reason": "Inquiry"}
    )
    assert response.status_code == 302 and response["Location"] == review_url
    assert LegalHold.objects.filter(family=family, lifted_on=None).exists()
    refused = client.post(reverse("retention:anonymise", args=[family.pk]), {"reason": "Old"})
    assert refused.status_code == 200
    assert "legal hold" in refused.text
    client.post(reverse("retention:lift_hold", args=[family.pk]), {"lift-reason": "Closed"})
    assert not LegalHold.objects.filter(family=family, lifted_on=None).exists()

    services.run_retention_review()
    response = client.post(
        reverse("retention:keep", args=[family.pk]), {"keep-years": "1", "keep-reason": "Appeal"}
    )
    assert response.status_code == 302
    assert family.retention_reviews.filter(status=ReviewStatus.KEPT).exists()

    family.retention_reviews.filter(status=ReviewStatus.KEPT).update(next_review_on=None)
    services.run_retention_review()
    response = client.post(
        reverse("retention:anonymise", args=[family.pk]), {"reason": "Retention period ended"}
    )
    assert response.status_code == 302
    assert ErasureRecord.objects.filter(family_id=family.pk).exists()
    assert not Person.objects.filter(family_name="Quennell").exists()
    assert "Anonymised family" in client.get(review_url).text


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.TEAM_MANAGER])
def test_everyone_else_gets_page_not_found(client, family, role):
    user = user_with_role(role)
    people_services.start_involvement(
        actor=None, reason="lead_practitioner", family=family, user=user
    )
    sign_in(client, user)
    for url in _pages(family):
        assert client.get(url).status_code == 404, url
    for url in [*_pages(family), *_actions(family)]:
        assert client.post(url, {"reason": "x"}).status_code == 404, url


def test_anonymous_visitors_are_sent_to_sign_in(client, family):
    for url in [*_pages(family), *_actions(family)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))
