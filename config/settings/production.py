"""Production: PostgreSQL, HTTPS-only cookies, no demo shortcuts."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEMO_TWO_FACTOR_CODE, env_bool, mailer_from_env

DEBUG = False

if DEMO_TWO_FACTOR_CODE:
    raise ImproperlyConfigured(
        "EARLYHELP_DEMO_TWO_FACTOR_CODE is set. The demo two-factor shortcut must never run in "
        "production: unset it and start again."
    )
if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("Set SECRET_KEY to a long random value before starting.")

SECRET_KEY = os.environ["SECRET_KEY"]
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MAILERS = mailer_from_env("django.core.mail.backends.smtp.EmailBackend")
