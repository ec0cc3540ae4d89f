"""Settings shared by every environment. Configuration comes from environment variables."""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("EARLYHELP_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "django_tasks_db",
    "ninja",  # serves /api/docs from local static files (works under our CSP)
    "earlyhelp.core",
    "earlyhelp.accounts",
    "earlyhelp.people",
    "earlyhelp.consent",
    "earlyhelp.subject_access",
    "earlyhelp.retention",
    "earlyhelp.frontdoor",
    "earlyhelp.episodes",
    "earlyhelp.assessments",
    "earlyhelp.plans",
    "earlyhelp.meetings",
    "earlyhelp.attention",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "earlyhelp.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "earlyhelp.accounts.middleware.TwoFactorRequiredMiddleware",
    "earlyhelp.core.kept_work.KeepWorkMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "earlyhelp.core.context_processors.service",
            ],
            "builtins": ["earlyhelp.core.templatetags.govuk"],
        },
    },
]
FORM_RENDERER = "earlyhelp.core.forms.GovukFormRenderer"


def database_from_env() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    if url:
        config: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        )
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config["OPTIONS"] = SQLITE_OPTIONS
        return config
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "earlyhelp.sqlite3",
        "OPTIONS": SQLITE_OPTIONS,
    }


# WAL lets readers carry on while the worker writes; IMMEDIATE avoids "database is locked"
# upgrades from read to write transactions.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        " PRAGMA busy_timeout=20000;"
    ),
}

DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:signed_out"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in security
SIGN_IN_MAX_FAILURES = int(os.environ.get("EARLYHELP_SIGN_IN_MAX_FAILURES", "5"))
SIGN_IN_LOCKOUT_MINUTES = int(os.environ.get("EARLYHELP_SIGN_IN_LOCKOUT_MINUTES", "60"))
SESSION_IDLE_MINUTES = int(os.environ.get("EARLYHELP_SESSION_IDLE_MINUTES", "30"))
SESSION_WARNING_MINUTES = int(os.environ.get("EARLYHELP_SESSION_WARNING_MINUTES", "5"))
# Seconds override the minutes (browser tests use a short timeout to see the warning).
SESSION_IDLE_SECONDS = int(
    os.environ.get("EARLYHELP_SESSION_IDLE_SECONDS", SESSION_IDLE_MINUTES * 60)
)
SESSION_WARNING_SECONDS = int(
    os.environ.get("EARLYHELP_SESSION_WARNING_SECONDS", SESSION_WARNING_MINUTES * 60)
)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout: every request pushes expiry forward
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
OTP_TOTP_ISSUER = os.environ.get("EARLYHELP_OTP_ISSUER", "earlyhelp")
# Demo-only: a fixed code accepted as the second factor. Production settings refuse to start with it.
DEMO_TWO_FACTOR_CODE = os.environ.get("EARLYHELP_DEMO_TWO_FACTOR_CODE", "")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Serve straight from the app folders (no collectstatic) in development and browser tests.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
EARLYHELP_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("EARLYHELP_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
)


# Django 6.1 mailers. EMAIL_BACKEND picks the backend (console by default so a demo never
# emails anyone); SMTP options come from EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD and EMAIL_USE_TLS.
def mailer_from_env(default_backend: str) -> dict:
    backend = os.environ.get("EMAIL_BACKEND", default_backend)
    options: dict = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
        }
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


MAILERS = mailer_from_env("django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "earlyhelp@example.org")

TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# Strict CSP: scripts and styles only from our origin, scripts also need the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
