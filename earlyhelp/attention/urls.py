"""The needs-attention lists."""

from django.urls import URLPattern

app_name = "attention"

urlpatterns: list[URLPattern] = []
