"""Test settings: fast hashing, mail kept in memory, tasks run immediately."""

from .base import *  # noqa: F403
from .base import VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DEMO_TWO_FACTOR_CODE = ""
MEDIA_ROOT = VAR_DIR / "test-media"
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests
