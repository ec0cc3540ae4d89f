"""The consultation line and professional disagreements (consultation_views.py)."""

from django.urls import URLPattern, path

from . import consultation_views as views

urlpatterns: list[URLPattern] = [
    path("front-door/consultations/", views.consultation_list, name="consultations"),
    path("front-door/consultations/new/", views.record_consultation, name="record_consultation"),
    path("front-door/consultations/<int:pk>/", views.consultation_detail, name="consultation"),
    path(
        "front-door/contacts/<int:pk>/disagree/",
        views.raise_disagreement,
        name="raise_disagreement",
    ),
    path("front-door/disagreements/", views.disagreement_list, name="disagreements"),
    path("front-door/disagreements/<int:pk>/", views.disagreement_detail, name="disagreement"),
]
