from django.urls import path

from . import merge_urls, views

app_name = "people"

urlpatterns = [
    path("people/", views.find_person, name="find"),
    path("people/add/", views.add_person, name="add"),
    path("people/<int:pk>/", views.person_record, name="person"),
    path("people/<int:pk>/edit/", views.edit_person, name="edit"),
    path("people/<int:pk>/history/", views.person_history, name="history"),
    path("people/<int:pk>/access/", views.access_log, name="access_log"),
    path("people/<int:pk>/addresses/add/", views.add_address, name="add_address"),
    path("people/<int:pk>/break-glass/", views.break_glass, name="break_glass"),
    path("audit/unusual-access/", views.unusual_access, name="unusual_access"),
    path("families/add/", views.add_family, name="add_family"),
    path("families/<int:pk>/", views.family_page, name="family"),
    path("families/<int:pk>/members/add/", views.add_member, name="add_member"),
    path("families/<int:pk>/relationships/add/", views.add_relationship, name="add_relationship"),
    *merge_urls.urlpatterns,
]
