import hashlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .roles import OrganisationKind, Role

urn_validator = RegexValidator(r"^\d{6}$", "Enter a school URN of 6 digits, like 123456.")
ods_validator = RegexValidator(
    r"^[A-Z0-9]{3,6}$", "Enter an ODS code of 3 to 6 letters and numbers, like RXH or Y02345."
)
charity_validator = RegexValidator(
    r"^\d{6,8}(-\d{1,2})?$", "Enter a charity number of 6 to 8 digits, like 1123456."
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in: a practitioner, screener, manager, school lead, analyst or auditor."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Can use the Django admin (system administrators only)."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    failed_sign_in_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(
        excluded_fields=["password", "last_login", "failed_sign_in_attempts"]
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_locked(self) -> bool:
        if self.locked_at is None:
            return False
        return timezone.now() < self.locked_at + timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)

    def active_memberships(self) -> models.QuerySet["Membership"]:
        return self.memberships.filter(Membership.current_q()).select_related(
            "organisation", "team"
        )

    def has_role(self, role: str, organisation: "Organisation | None" = None) -> bool:
        memberships = self.active_memberships().filter(role=role)
        if organisation is not None:
            memberships = memberships.filter(organisation=organisation)
        return memberships.exists()

    @property
    def is_auditor(self) -> bool:
        return self.has_role(Role.AUDITOR)

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.has_role(Role.ADMINISTRATOR)


class Organisation(models.Model):
    """A council service, school, health provider, police unit, housing provider or charity."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    urn = models.CharField(
        "URN",
        max_length=6,
        blank=True,
        validators=[urn_validator],
        help_text="Unique reference number, for schools (6 digits).",
    )
    ods_code = models.CharField(
        "ODS code",
        max_length=6,
        blank=True,
        validators=[ods_validator],
        help_text="Organisation Data Service code, for health providers.",
    )
    charity_number = models.CharField(
        max_length=11,
        blank=True,
        validators=[charity_validator],
        help_text="Registered charity number, for voluntary organisations.",
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["urn"], condition=~Q(urn=""), name="organisation_unique_urn"
            ),
            models.UniqueConstraint(
                fields=["ods_code"], condition=~Q(ods_code=""), name="organisation_unique_ods"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None) -> None:
        self.ods_code = self.ods_code.strip().upper()  # before the validator sees it
        super().clean_fields(exclude)

    def clean(self) -> None:
        required = {
            OrganisationKind.SCHOOL: ("urn", "Enter the school's URN"),
            OrganisationKind.HEALTH: ("ods_code", "Enter the health provider's ODS code"),
            OrganisationKind.VOLUNTARY: ("charity_number", "Enter the charity number"),
        }
        if self.kind in required:
            field, message = required[OrganisationKind(self.kind)]
            if not getattr(self, field):
                raise ValidationError({field: message})

    @property
    def identifier(self) -> str:
        for label, value in (
            ("URN", self.urn),
            ("ODS", self.ods_code),
            ("Charity", self.charity_number),
        ):
            if value:
                return f"{label} {value}"
        return ""


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)
    is_front_door = models.BooleanField(
        default=False, help_text="Screens requests for support (MASH, Starting Point)."
    )
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A role someone holds in an organisation, optionally within one of its teams, over time."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(max_length=40, choices=Role.choices)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "team__name", "role"]
        indexes = [models.Index(fields=["user", "role"], name="membership_user_role")]

    def __str__(self) -> str:
        where = f"{self.team}, {self.organisation}" if self.team else str(self.organisation)
        return f"{self.user}: {self.get_role_display()} ({where})"

    @staticmethod
    def current_q(prefix: str = "") -> Q:
        today = timezone.localdate()
        return Q(**{f"{prefix}started_on__lte": today}) & (
            Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": today})
        )

    def clean(self) -> None:
        if self.team is not None and self.team.organisation_id != self.organisation_id:
            raise ValidationError({"team": "Choose a team that belongs to this organisation"})
        if self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "The end date must be on or after the start date"})


TOKEN_PREFIX = "eh_"
_TOKEN_RE = re.compile(r"^eh_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{32,}$")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def generate() -> tuple[str, str]:
        """Return (raw token, its public prefix)."""
        public = secrets.token_urlsafe(6)[:8]
        raw = f"{TOKEN_PREFIX}{public}_{secrets.token_urlsafe(32)}"
        return raw, f"{TOKEN_PREFIX}{public}"

    @staticmethod
    def looks_valid(raw: str) -> bool:
        return bool(_TOKEN_RE.match(raw))
