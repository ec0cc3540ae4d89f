from django.urls import path

from . import views

app_name = "subject_access"

urlpatterns = [
    path("subject-access/", views.disclosure_log, name="log"),
    path("subject-access/new/", views.new_request, name="new"),
    path("subject-access/<int:pk>/", views.request_page, name="request"),
    path("subject-access/<int:pk>/document/", views.document_html, name="document"),
    path("subject-access/<int:pk>/document.pdf", views.document_pdf, name="pdf"),
    path("subject-access/<int:pk>/document.json", views.document_json, name="json"),
]
