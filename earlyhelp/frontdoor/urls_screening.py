"""The front door's queue, a contact's screening page, its decision and the decision's approval."""

from django.urls import path

from . import views

urlpatterns = [
    path("front-door/", views.queue, name="queue"),
    path("front-door/contacts/<int:pk>/", views.contact_page, name="contact"),
    path("front-door/contacts/<int:pk>/decide/", views.decide, name="decide"),
    path("front-door/contacts/<int:pk>/approve/", views.approve, name="approve"),
]
