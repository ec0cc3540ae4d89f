"""The front door's URLs, one module per part (screening and decisions, requests for support,
consultation line and disagreements), all in the `frontdoor` namespace."""

from . import urls_consultation, urls_requests, urls_screening

app_name = "frontdoor"

urlpatterns = [
    *urls_screening.urlpatterns,
    *urls_requests.urlpatterns,
    *urls_consultation.urlpatterns,
]
