from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("health/", views.health, name="health"),
    path("audit/people/", views.audit_people, name="audit_people"),
    path("audit/people/<int:user_id>/", views.audit_user_trail, name="audit_user_trail"),
]
