from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .audit import record_access
from .models import AccessAction, AccessEvent


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer: the process is up and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _require_auditor(request: HttpRequest) -> None:
    if not getattr(request.user, "is_auditor", False):
        raise Http404("No such page")


def audit_people(request: HttpRequest) -> HttpResponse:
    """Auditor: find a user whose access to records you want to check."""
    _require_auditor(request)
    query = request.GET.get("q", "").strip()
    users = get_user_model().objects.order_by("full_name")
    if query:
        users = users.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
        record_access(request, AccessAction.SEARCH, object_type="user", description=query)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_people.html", {"page": page, "query": query})


def audit_user_trail(request: HttpRequest, user_id: int) -> HttpResponse:
    """Auditor: everything one user has viewed, searched for or exported, newest first."""
    _require_auditor(request)
    subject = get_object_or_404(get_user_model(), pk=user_id)
    events = AccessEvent.objects.filter(actor=subject).order_by("-occurred_at", "-id")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    record_access(
        request,
        AccessAction.VIEW,
        object_type="access_trail",
        object_id=subject.pk,
        description=f"Access trail of {subject}",
    )
    return render(request, "core/audit_trail.html", {"subject": subject, "page": page})


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
