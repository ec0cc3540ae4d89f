"""The needs-attention lists."""

from django.urls import path

from . import views

app_name = "attention"

urlpatterns = [
    path("needs-attention/", views.mine, name="mine"),
    path("needs-attention/team/", views.team, name="team"),
]
