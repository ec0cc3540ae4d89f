"""Administrators manage their own organisation's people and teams; nobody else sees those pages."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from earlyhelp.accounts.models import Membership, User
from earlyhelp.accounts.roles import Role

from .factories import (
    MembershipFactory,
    OrganisationFactory,
    SchoolFactory,
    TeamFactory,
    UserFactory,
    sign_in,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    school = SchoolFactory()
    other_school = SchoolFactory()
    admin = user_with_role(Role.ADMINISTRATOR, organisation=school)
    member = MembershipFactory(organisation=school, role=Role.PRACTITIONER)
    return school, other_school, admin, member


def org_urls(organisation, membership, user_id):
    return [
        reverse("accounts:manage_organisation", args=[organisation.pk]),
        reverse("accounts:add_team", args=[organisation.pk]),
        reverse("accounts:add_person", args=[organisation.pk]),
        reverse("accounts:end_membership", args=[organisation.pk, membership.pk]),
    ]


def test_administrator_sees_their_organisation(client, setting):
    school, _other, admin, member = setting
    sign_in(client, admin)
    listing = client.get(reverse("accounts:manage_organisations"))
    assert listing.status_code == 200
    assert escape(school.name) in listing.text
    for url in org_urls(school, member.__class__.objects.get(pk=member.pk), member.user_id):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("accounts:manage_organisation", args=[school.pk]))
    assert escape(member.user.full_name) in page.text


def test_administrator_of_another_organisation_gets_404(client, setting):
    school, other_school, _admin, member = setting
    stranger = user_with_role(Role.ADMINISTRATOR, organisation=other_school)
    sign_in(client, stranger)
    listing = client.get(reverse("accounts:manage_organisations"))
    assert school.name not in listing.text
    for url in org_urls(school, member, member.user_id):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    unlock = reverse("accounts:unlock_person", args=[school.pk, member.user_id])
    assert client.post(unlock).status_code == 404


def test_practitioner_cannot_manage(client, setting):
    school, _other, _admin, member = setting
    sign_in(client, member.user)
    assert client.get(reverse("accounts:manage_organisations")).status_code == 404
    assert client.get(reverse("accounts:manage_organisation", args=[school.pk])).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, setting):
    school, _other, _admin, member = setting
    for url in [
        reverse("accounts:manage_organisations"),
        *org_urls(school, member, member.user_id),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign_in"))


def test_former_administrator_loses_access(client, setting):
    school, _other, admin, _member = setting
    from earlyhelp.accounts import services

    membership = Membership.objects.get(user=admin, role=Role.ADMINISTRATOR)
    services.end_membership(
        actor=admin, membership=membership, reason="Left the school", ended_on=membership.started_on
    )
    sign_in(client, admin)
    assert client.get(reverse("accounts:manage_organisation", args=[school.pk])).status_code == 404


def test_adding_a_new_person_creates_their_account_and_invites_them(
    client, setting, django_capture_on_commit_callbacks
):
    school, _other, admin, _member = setting
    team = TeamFactory(organisation=school, name="Pastoral team")
    sign_in(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:add_person", args=[school.pk]),
            {
                "full_name": "Aisha Khan",
                "email": "Aisha.Khan@Riverside.example",
                "job_title": "Deputy head",
                "role": Role.DESIGNATED_SAFEGUARDING_LEAD,
                "team": team.pk,
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="aisha.khan@riverside.example")
    assert user.has_role(Role.DESIGNATED_SAFEGUARDING_LEAD, school)
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert "/password-reset/" in mail.outbox[0].body


def test_adding_a_person_shows_errors_and_keeps_what_was_typed(client, setting):
    school, _other, admin, _member = setting
    sign_in(client, admin)
    response = client.post(
        reverse("accounts:add_person", args=[school.pk]),
        {"full_name": "Aisha Khan", "email": "not-an-email"},
    )
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in response.text
    assert "Select a role" in response.text
    assert 'value="Aisha Khan"' in response.text


def test_cannot_put_someone_in_another_organisations_team(client, setting):
    school, other_school, admin, _member = setting
    foreign_team = TeamFactory(organisation=other_school)
    sign_in(client, admin)
    response = client.post(
        reverse("accounts:add_person", args=[school.pk]),
        {
            "full_name": "A B",
            "email": "ab@example.org",
            "role": Role.PRACTITIONER,
            "team": foreign_team.pk,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="ab@example.org").exists()


def test_ending_a_role_records_why(client, setting):
    school, _other, admin, member = setting
    sign_in(client, admin)
    url = reverse("accounts:end_membership", args=[school.pk, member.pk])
    assert "Enter why this role is ending" in client.post(url, {"reason": ""}).text
    client.post(url, {"reason": "Moved to another school"})
    member.refresh_from_db()
    assert member.ended_on is not None
    assert member.history.first().history_change_reason == "Moved to another school"
    assert not member.user.has_role(Role.PRACTITIONER)


def test_unlocking_from_the_organisation_page(client, setting):
    from django.utils import timezone

    school, _other, admin, member = setting
    User.objects.filter(pk=member.user_id).update(locked_at=timezone.now())
    sign_in(client, admin)
    page = client.get(reverse("accounts:manage_organisation", args=[school.pk]))
    assert "Locked" in page.text
    client.post(reverse("accounts:unlock_person", args=[school.pk, member.user_id]))
    member.user.refresh_from_db()
    assert not member.user.is_locked


def test_only_system_administrators_add_organisations(client, setting):
    _school, _other, admin, _member = setting
    sign_in(client, admin)
    assert client.get(reverse("accounts:add_organisation")).status_code == 404
    superuser = UserFactory(is_superuser=True, is_staff=True)
    sign_in(client, superuser)
    response = client.post(
        reverse("accounts:add_organisation"),
        {"name": "Oakfield School", "kind": "school", "urn": ""},
    )
    assert (
        "Enter the school&#x27;s URN" in response.text or "Enter the school's URN" in response.text
    )
    response = client.post(
        reverse("accounts:add_organisation"),
        {"name": "Oakfield School", "kind": "school", "urn": "123456"},
    )
    assert response.status_code == 302


def test_django_admin_is_for_system_administrators_only(client, setting):
    _school, _other, admin, _member = setting
    anonymous = client.get("/django-admin/")
    assert anonymous.status_code == 302
    sign_in(client, admin)  # an organisation administrator, not a Django admin user
    assert client.get("/django-admin/", follow=True).status_code == 404
    superuser = UserFactory(is_superuser=True, is_staff=True)
    sign_in(client, superuser)
    assert client.get("/django-admin/").status_code == 200
    assert client.get("/django-admin/accounts/organisation/").status_code == 200


def test_organisation_identifiers_are_validated():
    from django.core.exceptions import ValidationError

    from earlyhelp.accounts import services

    with pytest.raises(ValidationError):
        services.create_organisation(actor=None, name="X", kind="school", urn="12AB")
    with pytest.raises(ValidationError):
        services.create_organisation(actor=None, name="Y", kind="health", ods_code="")
    health = services.create_organisation(actor=None, name="Z", kind="health", ods_code="rxh")
    assert health.ods_code == "RXH"
    assert OrganisationFactory().identifier == ""
