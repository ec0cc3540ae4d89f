"""Meeting pages."""

from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("families/<int:family_pk>/meetings/", views.family_meetings, name="family"),
    path(
        "families/<int:family_pk>/distance-travelled/",
        views.distance_travelled,
        name="distance_travelled",
    ),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
]
