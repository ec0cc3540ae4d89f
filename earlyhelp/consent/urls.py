from django.urls import path

from . import views

app_name = "consent"

urlpatterns = [
    path("families/<int:pk>/consent/", views.family_consent, name="family"),
    path("families/<int:pk>/consent/record/", views.record_consent, name="record"),
    path("families/<int:pk>/sharing/record/", views.record_sharing, name="record_sharing"),
    path("families/<int:pk>/overrides/record/", views.record_override, name="record_override"),
    path("overrides/<int:pk>/end/", views.end_override, name="end_override"),
]
