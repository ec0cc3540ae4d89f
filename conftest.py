import os

import pytest
from hypothesis import settings

# CI (`.ci/run`) runs the property tests with a fixed seed: a failure there means nothing lands,
# so it must come from a change, not from the draw. Run them randomly on your machine (the
# default) to keep finding new cases; any case found goes into the test as a fixed example.
settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("EARLYHELP_HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def signed_in_client(client, django_user_model):
    """A client signed in (with two-factor) as an ordinary practitioner."""
    from earlyhelp.accounts.roles import Role
    from earlyhelp.accounts.tests.factories import sign_in, user_with_role

    user = user_with_role(Role.PRACTITIONER)
    sign_in(client, user)
    client.user = user
    return client
