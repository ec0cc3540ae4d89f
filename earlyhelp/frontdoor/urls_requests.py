"""Requests for support: a practitioner's question pages and their requests, a screener's phone
or email contact, attachments, and the public pages where a family asks for help."""

from django.urls import URLPattern, path

from . import request_views as views

urlpatterns: list[URLPattern] = [
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.request_start, name="request_start"),
    path("requests/<int:pk>/", views.request_page, name="request"),
    path("requests/<int:pk>/files/", views.request_attachment, name="request_attachment"),
    path("requests/<int:pk>/check/", views.request_check, name="request_check"),
    path("requests/<int:pk>/sent/", views.request_submitted, name="request_submitted"),
    path("requests/<int:pk>/<slug:step>/", views.request_step, name="request_step"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("front-door/record-contact/", views.record_contact, name="record_contact"),
    path("help/", views.help_start, name="help"),
    path("help/request/", views.self_request, name="self_request"),
    path("help/request/sent/", views.self_request_sent, name="self_request_sent"),
]
