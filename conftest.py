import pytest


@pytest.fixture
def signed_in_client(client, django_user_model):
    """A client signed in (with two-factor) as an ordinary practitioner."""
    from earlyhelp.accounts.roles import Role
    from earlyhelp.accounts.tests.factories import sign_in, user_with_role

    user = user_with_role(Role.PRACTITIONER)
    sign_in(client, user)
    client.user = user
    return client
