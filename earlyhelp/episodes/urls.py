"""Allocation, caseloads and the family record's episode pages."""

from django.urls import path

from . import approval_views, caseload_views, record_views, views

app_name = "episodes"

urlpatterns = [
    path("allocation/", views.allocation_queue, name="allocation_queue"),
    path("allocation/<int:pk>/", views.allocate, name="allocate"),
    path("my-caseload/", caseload_views.my_caseload, name="my_caseload"),
    path("team-caseload/", caseload_views.team_caseload, name="team_caseload"),
    path("families/<int:pk>/episode/", record_views.family_episode, name="family_episode"),
    path("families/<int:pk>/episode/lead/", record_views.change_lead, name="change_lead"),
    path(
        "families/<int:pk>/episode/team/add/",
        record_views.add_team_member,
        name="add_team_member",
    ),
    path(
        "families/<int:pk>/episode/team/<int:member_pk>/remove/",
        record_views.remove_team_member,
        name="remove_team_member",
    ),
    path(
        "families/<int:pk>/episode/children/<int:person_pk>/level/",
        record_views.child_level,
        name="child_level",
    ),
    path("families/<int:pk>/episode/step-up/", record_views.step_up, name="step_up"),
    path("families/<int:pk>/episode/step-down/", record_views.step_down, name="step_down"),
    path("families/<int:pk>/episode/close/", record_views.close, name="close"),
    path("families/<int:pk>/episode/approval/", approval_views.approval, name="approval"),
    path("approvals/", approval_views.approvals, name="approvals"),
    path("families/<int:pk>/chronology/", record_views.chronology, name="chronology"),
    path("families/<int:pk>/notes/", record_views.notes, name="notes"),
    path("families/<int:pk>/engagement/", record_views.engagement, name="engagement"),
    path("families/<int:pk>/supervision/", record_views.supervision, name="supervision"),
]
