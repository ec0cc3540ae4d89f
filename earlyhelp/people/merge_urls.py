"""URLs for merging two records of the same person (see merge.py); included by urls.py."""

from django.urls import URLPattern, path

from . import merge_views

urlpatterns: list[URLPattern] = [
    path("people/<int:pk>/merge/", merge_views.merge_choose, name="merge_choose"),
    path("people/<int:pk>/merge/<int:other_pk>/", merge_views.merge_confirm, name="merge_confirm"),
    path("merges/<int:pk>/", merge_views.merge_detail, name="merge_detail"),
    path("merges/<int:pk>/undo/", merge_views.merge_undo, name="merge_undo"),
]
