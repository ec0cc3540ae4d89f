"""Signing in: password, then a second factor; lock-out; enrolment; backup codes; sign-out."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from earlyhelp.accounts import services
from earlyhelp.accounts.models import User

from .factories import PASSWORD, UserFactory, enrol_two_factor, sign_in

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign_in")
TWO_FACTOR = reverse("accounts:two_factor")
HOME = reverse("core:home")


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def give_password(client, user, password=PASSWORD, next_url=""):
    url = SIGN_IN + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"email": user.email, "password": password})


def test_password_then_authenticator_code_signs_in(client):
    user = UserFactory()
    device = enrol_two_factor(user)
    response = give_password(client, user)
    assert response.status_code == 302 and response.url == TWO_FACTOR
    # Not signed in yet: the password alone opens nothing.
    assert client.get(HOME).status_code == 302
    response = client.post(TWO_FACTOR, {"code": current_code(device)})
    assert response.status_code == 302 and response.url == HOME
    page = client.get(HOME)
    assert page.status_code == 200
    assert page.wsgi_request.user == user


def test_email_is_not_case_sensitive(client):
    user = UserFactory(email="sam.jones@kingsbridge.example")
    enrol_two_factor(user)
    response = client.post(
        SIGN_IN, {"email": "Sam.Jones@Kingsbridge.Example", "password": PASSWORD}
    )
    assert response.url == TWO_FACTOR


def test_wrong_password_gives_a_plain_message_and_counts(client):
    user = UserFactory()
    response = give_password(client, user, password="wrong")
    assert response.status_code == 200
    assert "The email address or password is not correct" in response.text
    user.refresh_from_db()
    assert user.failed_sign_in_attempts == 1


def test_unknown_email_gets_the_same_message(client):
    response = client.post(SIGN_IN, {"email": "nobody@example.org", "password": "x"})
    assert "The email address or password is not correct" in response.text


def test_blank_form_explains_what_is_missing(client):
    response = client.post(SIGN_IN, {"email": "", "password": ""})
    assert "Enter your email address" in response.text
    assert "Enter your password" in response.text


def test_account_locks_after_repeated_failures_and_stays_locked(client):
    user = UserFactory()
    device = enrol_two_factor(user)
    for _ in range(settings.SIGN_IN_MAX_FAILURES):
        give_password(client, user, password="wrong")
    user.refresh_from_db()
    assert user.is_locked
    # The right password no longer works while locked...
    response = give_password(client, user)
    assert response.status_code == 200
    assert "This account is locked" in response.text
    assert TWO_FACTOR not in response.headers.get("Location", "")
    # ...nor does it unlock the account or reset the count.
    user.refresh_from_db()
    assert user.is_locked
    # Still locked just before the lock-out period ends.
    User.objects.filter(pk=user.pk).update(
        locked_at=timezone.now() - timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES - 1)
    )
    assert "This account is locked" in give_password(client, user).text
    # Once the period has passed, the right password and code work again.
    User.objects.filter(pk=user.pk).update(
        locked_at=timezone.now() - timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES + 1)
    )
    assert give_password(client, user).url == TWO_FACTOR
    assert client.post(TWO_FACTOR, {"code": current_code(device)}).url == HOME
    user.refresh_from_db()
    assert user.failed_sign_in_attempts == 0 and user.locked_at is None


def test_wrong_security_codes_also_lock_the_account(client):
    user = UserFactory()
    enrol_two_factor(user)
    give_password(client, user)
    for _ in range(settings.SIGN_IN_MAX_FAILURES):
        response = client.post(TWO_FACTOR, {"code": "000001"})
    assert "This account is locked" in response.text
    user.refresh_from_db()
    assert user.is_locked


def test_locked_account_refuses_even_a_correct_code(client):
    user = UserFactory()
    device = enrol_two_factor(user)
    give_password(client, user)
    User.objects.filter(pk=user.pk).update(locked_at=timezone.now())
    response = client.post(TWO_FACTOR, {"code": current_code(device)})
    assert "This account is locked" in response.text
    assert client.get(HOME).status_code == 302


def test_administrator_can_unlock(client):
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(locked_at=timezone.now(), failed_sign_in_attempts=5)
    user.refresh_from_db()
    services.unlock_user(actor=UserFactory(), user=user)
    user.refresh_from_db()
    assert not user.is_locked
    assert user.history.first().history_change_reason.startswith("Unlocked by")


def test_backup_code_works_once(client):
    user = UserFactory()
    enrol_two_factor(user)
    codes = services.regenerate_backup_codes(user)
    give_password(client, user)
    assert client.post(TWO_FACTOR, {"code": codes[0]}).url == HOME
    client.post(reverse("accounts:sign_out"))
    give_password(client, user)
    response = client.post(TWO_FACTOR, {"code": codes[0]})
    assert response.status_code == 200
    assert "The security code is not correct" in response.text
    assert services.remaining_backup_codes(user) == len(codes) - 1


def test_first_sign_in_enrols_an_authenticator_app_with_a_qr_code(client):
    user = UserFactory()
    response = give_password(client, user)
    assert response.url == reverse("accounts:set_up_two_factor")
    page = client.get(response.url)
    assert page.status_code == 200
    assert "<svg" in page.text and "QR code for your authenticator app" in page.text
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # Reloading the page keeps the same secret (the app the user already scanned still works).
    client.get(response.url)
    assert TOTPDevice.objects.filter(user=user).count() == 1
    bad = client.post(
        response.url, {"code": "123456" if current_code(device) != "123456" else "654321"}
    )
    assert "The code is not correct" in bad.text
    # Straight after a wrong code, django-otp asks for a pause; the page says so plainly.
    hurried = client.post(response.url, {"code": current_code(device)})
    assert "Wait a few seconds" in hurried.text
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    done = client.post(response.url, {"code": current_code(device)})
    assert done.url == reverse("accounts:backup_codes")
    codes_page = client.get(done.url)
    assert codes_page.status_code == 200
    assert "You will not be shown them again" in codes_page.text
    assert services.remaining_backup_codes(user) == services.BACKUP_CODE_COUNT
    # Shown once only.
    assert "You will not be shown them again" not in client.get(done.url).text
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOME).status_code == 200


def test_two_factor_page_needs_the_password_first(client):
    response = client.get(TWO_FACTOR)
    assert response.url == SIGN_IN


def test_demo_code_is_refused_unless_demo_mode_is_on(client):
    user = UserFactory()
    enrol_two_factor(user)
    give_password(client, user)
    assert settings.DEMO_TWO_FACTOR_CODE == ""
    assert client.post(TWO_FACTOR, {"code": "000000"}).status_code == 200
    with override_settings(DEMO_TWO_FACTOR_CODE="000000"):
        assert client.post(TWO_FACTOR, {"code": "000000"}).url == HOME


def test_session_without_two_factor_is_signed_out(client):
    user = UserFactory()
    client.force_login(user)  # a login that skipped the second factor
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


def test_next_is_followed_but_only_on_this_site(client):
    user = UserFactory()
    device = enrol_two_factor(user)
    give_password(client, user, next_url="/account/")
    assert client.post(TWO_FACTOR, {"code": current_code(device)}).url == "/account/"
    client.post(reverse("accounts:sign_out"))
    give_password(client, user, next_url="https://evil.example/")
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    assert client.post(TWO_FACTOR, {"code": current_code(device)}).url == HOME


def test_sign_out_needs_post_and_ends_the_session(client):
    sign_in(client, UserFactory())
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    response = client.post(reverse("accounts:sign_out"))
    assert response.url == reverse("accounts:signed_out")
    assert client.get(HOME).status_code == 302
    assert client.get(reverse("accounts:signed_out")).status_code == 200


def test_idle_session_expires_and_keep_alive_extends_it(client):
    user = UserFactory()
    sign_in(client, user)
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    before = client.session.get_expiry_date()
    assert client.post(reverse("accounts:keep_alive")).status_code == 204
    assert client.session.get_expiry_date() >= before
    # Simulate the idle period passing: the session is gone and the user must sign in again.
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(SIGN_IN)


def test_timed_out_sign_in_page_explains_why(client):
    response = client.get(SIGN_IN + "?timeout=1&next=/account/")
    assert "You were signed out because you had not done anything" in response.text


def test_keep_alive_refuses_anonymous(client):
    assert client.post(reverse("accounts:keep_alive")).status_code == 302


def test_password_reset_emails_a_working_link(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    link = next(line for line in message.body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.text
    new_password = "a much longer new passphrase"
    done = client.post(
        form_page.wsgi_request.path, {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.url == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert user.password.startswith("md5$") or user.password.startswith("argon2")


def test_reset_for_unknown_address_sends_nothing_and_says_the_same(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "who@example.org"})
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_production_hasher_is_argon2():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
