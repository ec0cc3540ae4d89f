from django.urls import path

from . import views

app_name = "retention"

urlpatterns = [
    path("retention/", views.reviews, name="reviews"),
    path("retention/<int:pk>/", views.review, name="review"),
    path("retention/<int:pk>/keep/", views.keep, name="keep"),
    path("retention/<int:pk>/legal-hold/", views.place_hold, name="place_hold"),
    path("retention/<int:pk>/legal-hold/lift/", views.lift_hold, name="lift_hold"),
    path("retention/<int:pk>/anonymise/", views.anonymise, name="anonymise"),
]
