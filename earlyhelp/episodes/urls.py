"""Allocation: episodes waiting for a team and a lead practitioner."""

from django.urls import path

from . import views

app_name = "episodes"

urlpatterns = [
    path("allocation/", views.allocation_queue, name="allocation_queue"),
    path("allocation/<int:pk>/", views.allocate, name="allocate"),
]
