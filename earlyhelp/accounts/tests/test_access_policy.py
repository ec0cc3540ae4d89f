"""The access-policy base, exercised through the organisation policy."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from earlyhelp.accounts.access import organisations
from earlyhelp.accounts.roles import Role
from earlyhelp.core.access import Action

from .factories import OrganisationFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_visible_to_and_can_agree():
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    admin = user_with_role(Role.ADMINISTRATOR, organisation=mine)
    assert list(organisations.visible_to(admin)) == [mine]
    assert organisations.can(admin, Action.CHANGE, mine)
    assert not organisations.can(admin, Action.VIEW, theirs)
    assert not organisations.can(admin, Action.DELETE, mine)  # not an action this policy grants


def test_get_or_404_hides_what_you_cannot_see():
    theirs = OrganisationFactory()
    stranger = user_with_role(Role.ADMINISTRATOR)
    with pytest.raises(Http404):
        organisations.get_or_404(stranger, pk=theirs.pk)
    with pytest.raises(Http404):
        organisations.require(stranger, Action.VIEW, theirs)


def test_anonymous_and_other_roles_see_nothing():
    organisation = OrganisationFactory()
    practitioner = user_with_role(Role.PRACTITIONER, organisation=organisation)
    assert not organisations.visible_to(AnonymousUser()).exists()
    assert not organisations.can(AnonymousUser(), Action.VIEW, organisation)
    assert not organisations.visible_to(practitioner).exists()


def test_superuser_sees_every_organisation():
    OrganisationFactory.create_batch(3)
    assert organisations.visible_to(UserFactory(is_superuser=True)).count() == 3
