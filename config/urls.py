from django.contrib import admin
from django.urls import include, path

from earlyhelp.api.api import api

admin.site.site_header = "earlyhelp administration"
admin.site.site_title = "earlyhelp administration"

urlpatterns = [
    path("", include("earlyhelp.core.urls")),
    path("", include("earlyhelp.accounts.urls")),
    path("", include("earlyhelp.people.urls")),
    path("", include("earlyhelp.consent.urls")),
    path("", include("earlyhelp.subject_access.urls")),
    path("", include("earlyhelp.retention.urls")),
    path("", include("earlyhelp.frontdoor.urls")),
    path("", include("earlyhelp.episodes.urls")),
    path("", include("earlyhelp.assessments.urls")),
    path("", include("earlyhelp.plans.urls")),
    path("", include("earlyhelp.meetings.urls")),
    path("", include("earlyhelp.attention.urls")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]

handler404 = "earlyhelp.core.views.page_not_found"
handler403 = "earlyhelp.core.views.permission_denied"
handler500 = "earlyhelp.core.views.server_error"
