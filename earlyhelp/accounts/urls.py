from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/two-factor/", views.two_factor, name="two_factor"),
    path("sign-in/set-up-two-factor/", views.set_up_two_factor, name="set_up_two_factor"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("session/keep-alive/", views.keep_alive, name="keep_alive"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/complete/", views.password_reset_complete, name="password_reset_complete"),
    path("account/", views.account, name="account"),
    path("account/backup-codes/", views.backup_codes, name="backup_codes"),
    path(
        "account/backup-codes/new/", views.regenerate_backup_codes, name="regenerate_backup_codes"
    ),
    path("account/tokens/<int:token_id>/revoke/", views.revoke_api_token, name="revoke_api_token"),
    path("manage/organisations/", views.manage_organisations, name="manage_organisations"),
    path("manage/organisations/add/", views.add_organisation, name="add_organisation"),
    path(
        "manage/organisations/<int:organisation_id>/",
        views.manage_organisation,
        name="manage_organisation",
    ),
    path("manage/organisations/<int:organisation_id>/teams/add/", views.add_team, name="add_team"),
    path(
        "manage/organisations/<int:organisation_id>/people/add/",
        views.add_person,
        name="add_person",
    ),
    path(
        "manage/organisations/<int:organisation_id>/roles/<int:membership_id>/end/",
        views.end_membership,
        name="end_membership",
    ),
    path(
        "manage/organisations/<int:organisation_id>/people/<int:user_id>/unlock/",
        views.unlock_person,
        name="unlock_person",
    ),
]
