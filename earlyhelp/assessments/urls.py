from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("families/<int:family_pk>/assessment/", views.family, name="family"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path("assessments/<int:pk>/submit/", views.submit, name="submit"),
    path("assessments/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("assessments/<int:pk>/agreement/", views.agreement, name="agreement"),
    path("assessments/<int:pk>/print/", views.print_view, name="print"),
    path("assessments/<int:pk>/<slug:section>/", views.section, name="section"),
    path("assessments/<int:pk>/<slug:section>/autosave/", views.autosave, name="autosave"),
]
