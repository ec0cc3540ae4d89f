"""Family plan pages."""

from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("families/<int:family_pk>/plan/", views.family_plan, name="family"),
    path("plans/actions/<int:pk>/", views.change_action, name="action"),
    path("plans/<int:pk>/versions/", views.versions, name="versions"),
    path("plans/<int:pk>/family-copy/", views.family_copy, name="family_copy"),
    path("plans/<int:pk>/family-copy.pdf", views.family_copy_pdf, name="family_copy_pdf"),
]
