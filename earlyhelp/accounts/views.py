"""Sign-in (password, then two-factor), enrolment, sign-out, the account page and the
organisation administration pages. Views are thin: forms parse, services write."""

import base64
import time
from datetime import timedelta
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from earlyhelp.core import kept_work
from earlyhelp.core.tasks import send_email

from . import services
from .access import organisations
from .forms import (
    AddPersonForm,
    ApiTokenForm,
    EndMembershipForm,
    OrganisationForm,
    SetUpTwoFactorForm,
    SignInForm,
    TeamForm,
    TwoFactorCodeForm,
)
from .models import Membership, User

PENDING_USER = "sign_in_pending_user"
PENDING_SINCE = "sign_in_pending_since"
PENDING_NEXT = "sign_in_next"
NEW_BACKUP_CODES = "new_backup_codes"
NEW_API_TOKEN = "new_api_token"
PENDING_SECONDS = 10 * 60


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _locked_message(user: User) -> str:
    assert user.locked_at is not None
    until = timezone.localtime(user.locked_at + timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES))
    return (
        "This account is locked because of too many failed sign-in attempts. "
        f"Try again after {until:%H:%M} on {until:%-d %B %Y}, or ask your administrator to "
        "unlock it."
    )


def _pending_user(request: HttpRequest) -> User | None:
    """The user who has given the right password but not yet the second factor."""
    user_id = request.session.get(PENDING_USER)
    since = request.session.get(PENDING_SINCE, 0)
    if not user_id or time.time() - since > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def _signed_in_user(request: HttpRequest) -> User:
    """The signed-in user (views not marked login_not_required only ever see one)."""
    assert isinstance(request.user, User)
    return request.user


def _complete_sign_in(request: HttpRequest, user: User, device: Any) -> str:
    next_url = request.session.get(PENDING_NEXT)
    services.record_successful_sign_in(user)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    return _safe_next(request, next_url)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request, request.GET.get("next")))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is not None and user.is_locked:
            form.add_error(None, _locked_message(user))
        else:
            authenticated = authenticate(
                request, email=email, password=form.cleaned_data["password"]
            )
            if authenticated is None:
                if user is not None:
                    user = services.record_failed_sign_in(user)
                if user is not None and user.is_locked:
                    form.add_error(None, _locked_message(user))
                else:
                    form.add_error(None, "The email address or password is not correct")
            else:
                request.session.cycle_key()
                request.session[PENDING_USER] = authenticated.pk
                request.session[PENDING_SINCE] = time.time()
                request.session[PENDING_NEXT] = request.GET.get("next", "")
                if services.has_two_factor(authenticated):
                    return redirect("accounts:two_factor")
                return redirect("accounts:set_up_two_factor")
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "timed_out": request.GET.get("timeout") == "1",
            "idle_minutes": max(1, settings.SESSION_IDLE_SECONDS // 60),
            "demo_code": settings.DEMO_TWO_FACTOR_CODE,
        },
    )


WAIT_MESSAGE = "Wait a few seconds, then enter the newest code from your app"


def _waiting(device: Any) -> bool:
    """django-otp makes each wrong code add a growing pause before the next is checked."""
    return device is not None and not device.verify_is_allowed()[0]


def _verify_code(user: User, code: str) -> Any:
    """Return the device that accepts `code`, or None. Backup codes work once."""
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if settings.DEMO_TWO_FACTOR_CODE and code == settings.DEMO_TWO_FACTOR_CODE and totp:
        return totp  # demo-only shortcut; production settings refuse to start with it set
    if len(code) == 6 and totp is not None and totp.verify_token(code):
        return totp
    if len(code) == 8:
        for device in StaticDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(code):
                return device
    return None


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, "Sign in again: the sign-in took too long to finish.")
        return redirect("accounts:sign_in")
    if not services.has_two_factor(user):
        return redirect("accounts:set_up_two_factor")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if user.is_locked:
            form.add_error(None, _locked_message(user))
        else:
            device = _verify_code(user, form.cleaned_data["code"])
            if device is not None:
                return redirect(_complete_sign_in(request, user, device))
            user = services.record_failed_sign_in(user)
            totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if user.is_locked:
                form.add_error(None, _locked_message(user))
            elif _waiting(totp):
                form.add_error("code", WAIT_MESSAGE)
            else:
                form.add_error("code", "The security code is not correct, or it has expired")
    return render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "demo_code": settings.DEMO_TWO_FACTOR_CODE,
            "backup_codes_left": services.remaining_backup_codes(user),
        },
    )


def _qr_svg(config_url: str) -> str:
    # Inline SVG: no external request, nothing for the CSP to block. The role and label let
    # screen-reader users know what it is; the secret is also given as text below it.
    svg: str = segno.make(config_url, error="m").svg_inline(scale=5, border=2)
    return svg.replace(
        "<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def set_up_two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app. Reached after the password when no app is set up yet, or
    from the account page to replace the app (then the user is already signed in)."""
    replacing = request.user.is_authenticated
    user = _signed_in_user(request) if replacing else _pending_user(request)
    if user is None:
        return redirect("accounts:sign_in")
    if not replacing and services.has_two_factor(user):
        return redirect("accounts:two_factor")
    device = services.pending_totp_device(user)
    form = SetUpTwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _waiting(device):
            form.add_error("code", WAIT_MESSAGE)
        elif device.verify_token(form.cleaned_data["code"]):
            codes = services.confirm_totp_device(user, device)
            if replacing:
                otp_login(request, device)
                next_url = reverse("core:home")
            else:
                next_url = _complete_sign_in(request, user, device)
            request.session[NEW_BACKUP_CODES] = codes
            request.session["after_backup_codes"] = next_url
            return redirect("accounts:backup_codes")
        else:
            form.add_error(
                "code",
                "The code is not correct. Check the time on your phone is right, "
                "then enter the newest code",
            )
    base32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/set_up_two_factor.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "replacing": replacing,
            "secret_groups": [base32[i : i + 4] for i in range(0, len(base32), 4)],
        },
    )


@never_cache
def backup_codes(request: HttpRequest) -> HttpResponse:
    """Shows newly made backup codes once; reloading shows how many are left, not the codes."""
    codes = request.session.pop(NEW_BACKUP_CODES, None)
    next_url = request.session.pop("after_backup_codes", None) or reverse("accounts:account")
    return render(
        request,
        "accounts/backup_codes.html",
        {
            "codes": codes,
            "next_url": next_url,
            "remaining": services.remaining_backup_codes(_signed_in_user(request)),
        },
    )


@require_POST
def regenerate_backup_codes(request: HttpRequest) -> HttpResponse:
    request.session[NEW_BACKUP_CODES] = services.regenerate_backup_codes(_signed_in_user(request))
    request.session["after_backup_codes"] = reverse("accounts:account")
    return redirect("accounts:backup_codes")


@login_not_required
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    response = redirect("accounts:signed_out")
    kept_work.forget_worker(response)  # signing out on purpose keeps nothing for later
    return response


@login_not_required
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signed_out.html")


@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """The timeout warning's "Stay signed in": any request moves the idle expiry forward."""
    return HttpResponse(status=204)


# --- Password reset ------------------------------------------------------------------------


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset email through the task queue, after the request's transaction commits."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        transaction.on_commit(lambda: send_email.enqueue(subject, body, [to_email]))


password_reset = login_not_required(
    auth_views.PasswordResetView.as_view(
        form_class=QueuedPasswordResetForm,
        template_name="accounts/password_reset.html",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
    )
)
password_reset_done = login_not_required(
    auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html",
    )
)
password_reset_confirm = login_not_required(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = login_not_required(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html",
    )
)


def _send_invitation(request: HttpRequest, user: User) -> None:
    """Email a new person a link to choose their password. (Django's reset form sends nothing
    to an account without a usable password, which is what a new account has.)"""
    context = {
        "email": user.email,
        "domain": request.get_host(),
        "protocol": "https" if request.is_secure() else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = "".join(
        loader.render_to_string("accounts/email/invitation_subject.txt", context).splitlines()
    )
    body = loader.render_to_string("accounts/email/invitation.txt", context)
    transaction.on_commit(lambda: send_email.enqueue(subject, body, [user.email]))


# --- Your account ----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, raw = services.create_api_token(user=user, name=form.cleaned_data["name"])
        request.session[NEW_API_TOKEN] = {"name": token.name, "secret": raw}
        return redirect(reverse("accounts:account") + "#api-tokens")
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "memberships": user.active_memberships(),
            "totp": totp,
            "backup_codes_left": services.remaining_backup_codes(user),
            "tokens": user.api_tokens.all(),
            "new_token": request.session.pop(NEW_API_TOKEN, None),
        },
    )


@require_POST
def revoke_api_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(_signed_in_user(request).api_tokens, pk=token_id)
    services.revoke_api_token(user=_signed_in_user(request), token=token)
    messages.success(request, f'The token "{token.name}" has been revoked.')
    return redirect(reverse("accounts:account") + "#api-tokens")


# --- Managing organisations, teams and people -------------------------------------------------


def manage_organisations(request: HttpRequest) -> HttpResponse:
    visible = organisations.visible_to(request.user)
    if not visible.exists() and not request.user.is_superuser:
        raise Http404("No such page")
    return render(
        request,
        "accounts/manage/organisations.html",
        {
            "organisations": visible.order_by("kind", "name"),
        },
    )


@require_http_methods(["GET", "POST"])
def add_organisation(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise Http404("No such page")
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.create_organisation(
            actor=_signed_in_user(request), **form.cleaned_data
        )
        messages.success(request, f"{organisation} has been added.")
        return redirect("accounts:manage_organisation", organisation.pk)
    return render(request, "accounts/manage/organisation_form.html", {"form": form})


def manage_organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = organisations.get_or_404(request.user, pk=organisation_id)
    memberships = (
        Membership.objects.filter(Membership.current_q(), organisation=organisation)
        .select_related("user", "team")
        .order_by("user__full_name", "role")
    )
    teams = organisation.teams.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.filter(Membership.current_q()))
    )
    return render(
        request,
        "accounts/manage/organisation.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "teams": teams,
        },
    )


@require_http_methods(["GET", "POST"])
def add_team(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = organisations.get_or_404(request.user, pk=organisation_id)
    form = TeamForm(request.POST or None, instance=None)
    form.instance.organisation = organisation
    if request.method == "POST" and form.is_valid():
        team = services.create_team(
            actor=_signed_in_user(request), organisation=organisation, **form.cleaned_data
        )
        messages.success(request, f"{team} has been added.")
        return redirect("accounts:manage_organisation", organisation.pk)
    return render(
        request, "accounts/manage/team_form.html", {"form": form, "organisation": organisation}
    )


@require_http_methods(["GET", "POST"])
def add_person(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = organisations.get_or_404(request.user, pk=organisation_id)
    form = AddPersonForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            user = User.objects.filter(email__iexact=data["email"]).first()
            invited = user is None
            if user is None:
                user = services.create_user(
                    actor=_signed_in_user(request),
                    email=data["email"],
                    full_name=data["full_name"],
                    job_title=data["job_title"],
                    reason=f"Added to {organisation}",
                )
            services.add_membership(
                actor=_signed_in_user(request),
                user=user,
                organisation=organisation,
                role=data["role"],
                team=data["team"],
                reason=f"Given the role by {request.user}",
            )
            if invited:
                _send_invitation(request, user)
        messages.success(
            request,
            f"{user} now has the role {Membership(role=data['role']).get_role_display()}"
            + (" and has been emailed a link to set a password." if invited else "."),
        )
        return redirect("accounts:manage_organisation", organisation.pk)
    return render(
        request, "accounts/manage/person_form.html", {"form": form, "organisation": organisation}
    )


@require_http_methods(["GET", "POST"])
def end_membership(request: HttpRequest, organisation_id: int, membership_id: int) -> HttpResponse:
    organisation = organisations.get_or_404(request.user, pk=organisation_id)
    membership = get_object_or_404(
        Membership.objects.filter(Membership.current_q()).select_related("user", "team"),
        pk=membership_id,
        organisation=organisation,
    )
    form = EndMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.end_membership(
            actor=_signed_in_user(request),
            membership=membership,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"{membership.user}'s role has ended.")
        return redirect("accounts:manage_organisation", organisation.pk)
    return render(
        request,
        "accounts/manage/end_membership.html",
        {"form": form, "organisation": organisation, "membership": membership},
    )


@require_POST
def unlock_person(request: HttpRequest, organisation_id: int, user_id: int) -> HttpResponseRedirect:
    organisation = organisations.get_or_404(request.user, pk=organisation_id)
    user = get_object_or_404(
        User,
        pk=user_id,
        memberships__in=Membership.objects.filter(
            Membership.current_q(), organisation=organisation
        ),
    )
    services.unlock_user(actor=_signed_in_user(request), user=user)
    messages.success(request, f"{user}'s account has been unlocked.")
    return redirect("accounts:manage_organisation", organisation.pk)
