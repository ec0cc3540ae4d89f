"""The only write path for accounts, organisations, teams, memberships and API tokens.
Each function is atomic and records why in the change history."""

import secrets
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import ApiToken, Membership, Organisation, Team, User, hash_token

BACKUP_CODE_COUNT = 10


def _reason(obj, reason: str) -> None:
    obj._change_reason = reason


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    password: str | None = None,
    job_title: str = "",
    phone: str = "",
    is_staff: bool = False,
    reason: str = "Account created",
) -> User:
    user = User(
        email=email.strip().lower(),
        full_name=full_name,
        job_title=job_title,
        phone=phone,
        is_staff=is_staff,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    _reason(user, reason)
    user.save()
    return user


@transaction.atomic
def update_user(*, actor: User, user: User, reason: str, **fields) -> User:
    for name, value in fields.items():
        setattr(user, name, value)
    _reason(user, reason)
    user.save()
    return user


@transaction.atomic
def create_organisation(
    *, actor: User | None, reason: str = "Organisation added", **fields
) -> Organisation:
    organisation = Organisation(**fields)
    organisation.full_clean()
    _reason(organisation, reason)
    organisation.save()
    return organisation


@transaction.atomic
def create_team(
    *,
    actor: User | None,
    organisation: Organisation,
    name: str,
    description: str = "",
    is_front_door: bool = False,
    reason: str = "Team added",
) -> Team:
    team = Team(
        organisation=organisation, name=name, description=description, is_front_door=is_front_door
    )
    team.full_clean()
    _reason(team, reason)
    team.save()
    return team


@transaction.atomic
def add_membership(
    *,
    actor: User | None,
    user: User,
    organisation: Organisation,
    role: str,
    team: Team | None = None,
    started_on: date | None = None,
    reason: str = "Role given",
) -> Membership:
    membership = Membership(
        user=user,
        organisation=organisation,
        team=team,
        role=role,
        started_on=started_on or timezone.localdate(),
    )
    membership.full_clean()
    _reason(membership, reason)
    membership.save()
    return membership


@transaction.atomic
def end_membership(
    *, actor: User, membership: Membership, reason: str, ended_on: date | None = None
) -> Membership:
    membership.ended_on = ended_on or timezone.localdate()
    membership.full_clean()
    _reason(membership, reason)
    membership.save()
    return membership


# --- Sign-in failures and lock-out -----------------------------------------------------------


def record_failed_sign_in(user: User) -> User:
    """Count a wrong password or code; lock the account once the limit is reached.
    A locked account stays locked for SIGN_IN_LOCKOUT_MINUTES, even with the right password,
    unless an administrator unlocks it."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(
            failed_sign_in_attempts=F("failed_sign_in_attempts") + 1
        )
        user.refresh_from_db(fields=["failed_sign_in_attempts", "locked_at"])
        if user.failed_sign_in_attempts >= settings.SIGN_IN_MAX_FAILURES and not user.is_locked:
            user.locked_at = timezone.now()
            _reason(user, f"Locked after {user.failed_sign_in_attempts} failed sign-in attempts")
            user.save(update_fields=["locked_at"])
    return user


def record_successful_sign_in(user: User) -> None:
    User.objects.filter(pk=user.pk).update(
        failed_sign_in_attempts=0, locked_at=None, last_login=timezone.now()
    )


@transaction.atomic
def unlock_user(*, actor: User, user: User) -> User:
    user.locked_at = None
    user.failed_sign_in_attempts = 0
    _reason(user, f"Unlocked by {actor}")
    user.save(update_fields=["locked_at", "failed_sign_in_attempts"])
    return user


# --- Two-factor -----------------------------------------------------------------------------


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator-app device for enrolment (created once, reused on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def confirm_totp_device(user: User, device: TOTPDevice) -> list[str]:
    """Confirm the new device, remove any older ones, and issue fresh backup codes."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return regenerate_backup_codes(user)


@transaction.atomic
def regenerate_backup_codes(user: User) -> list[str]:
    """Replace the user's backup codes with a new set; each works once. Shown to the user once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Backup codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_backup_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- API tokens -----------------------------------------------------------------------------


@transaction.atomic
def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never stored or shown again."""
    raw, prefix = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, token_hash=hash_token(raw))
    return token, raw


@transaction.atomic
def revoke_api_token(*, user: User, token: ApiToken) -> ApiToken:
    if token.user_id != user.pk:
        raise PermissionError("You can only revoke your own tokens")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_api_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None. Records when it was last used."""
    if not ApiToken.looks_valid(raw):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
