"""Shared test data. `sign_in(client, user)` gives a test client a fully verified (two-factor)
session, the state every real staff session is in."""

import factory
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from earlyhelp.accounts.models import Membership, Organisation, Team, User
from earlyhelp.accounts.roles import OrganisationKind, Role

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Kingsbridge Council service {n}")
    kind = OrganisationKind.COUNCIL


class SchoolFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Riverside Primary School {n}")
    kind = OrganisationKind.SCHOOL
    urn = factory.Sequence(lambda n: f"{100000 + n:06d}")


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Early Help Team {n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@kingsbridge.example")
    full_name = factory.Faker("name", locale="en_GB")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PRACTITIONER
    team = None


def user_with_role(
    role: str, organisation: Organisation | None = None, team: Team | None = None, **user_fields
) -> User:
    user = UserFactory(**user_fields)
    organisation = organisation or (team.organisation if team else OrganisationFactory())
    MembershipFactory(user=user, organisation=organisation, team=team, role=role)
    return user


def enrol_two_factor(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def sign_in(client: Client, user: User) -> Client:
    """Sign the client in as `user` with two-factor already passed."""
    device = enrol_two_factor(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
