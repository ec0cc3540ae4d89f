from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiToken, Membership, Organisation, Team, User


def _admin_sign_in(request, extra_context=None):
    """The Django admin signs in through the service's own sign-in (password + two-factor).
    Someone signed in without Django admin rights gets "not found", not a redirect loop."""
    if request.user.is_authenticated:
        raise Http404("No such page")
    return redirect_to_login(request.get_full_path())


admin.site.login = _admin_sign_in  # type: ignore[method-assign]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organisation", "team"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "is_active", "is_staff", "locked_at"]
    search_fields = ["full_name", "email"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    readonly_fields = ["last_login", "date_joined", "failed_sign_in_attempts"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Details", {"fields": ("full_name", "job_title", "phone")}),
        (
            "Sign-in",
            {
                "fields": (
                    "is_active",
                    "failed_sign_in_attempts",
                    "locked_at",
                    "last_login",
                    "date_joined",
                )
            },
        ),
        ("Django admin", {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "urn", "ods_code", "charity_number", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "urn", "ods_code", "charity_number"]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "is_front_door", "is_active"]
    list_filter = ["is_front_door", "is_active"]
    search_fields = ["name", "organisation__name"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "organisation", "team", "started_on", "ended_on"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__full_name", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation", "team"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "token_hash", "created_at", "last_used_at"]
    search_fields = ["name", "user__email", "prefix"]
