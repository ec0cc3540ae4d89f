"""Test data for people. Factories build rows directly; tests of behaviour go through services."""

import random

import factory

from earlyhelp.people.codes import Sex
from earlyhelp.people.models import Address, Family, FamilyMember, Person
from earlyhelp.people.seed import fake_nhs_number


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=0, maximum_age=17)
    sex = Sex.UNKNOWN
    nhs_number = factory.Sequence(lambda n: fake_nhs_number(random.Random(n)))


class AddressFactory(factory.django.DjangoModelFactory[Address]):
    class Meta:
        model = Address

    person = factory.SubFactory(PersonFactory)
    line_1 = factory.Faker("street_address", locale="en_GB")
    postcode = factory.Faker("postcode", locale="en_GB")


class FamilyFactory(factory.django.DjangoModelFactory[Family]):
    class Meta:
        model = Family

    name = factory.Sequence(lambda n: f"Family {n}")


class FamilyMemberFactory(factory.django.DjangoModelFactory[FamilyMember]):
    class Meta:
        model = FamilyMember

    family = factory.SubFactory(FamilyFactory)
    person = factory.SubFactory(PersonFactory)
    role = "child"
