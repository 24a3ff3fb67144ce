"""The home page, the public pages every service has, notifications, and error pages."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cscp.models import Notification
from cscp.notifications import notification_mark_read
from cscp.pages import crumbs, paginate
from cscp.sections import home_sections


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "cscp/home.html", {"sections": home_sections.render_context(request=request)})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "cscp/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "cscp/privacy.html")


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and docker-compose: the app is up and can reach its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-pk")
    page = paginate(request, notifications, 25)
    return render(request, "cscp/notification_list.html", {"page": page, "crumbs": crumbs()})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    # Another person's notification is not this person's business: 404.
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("cscp:notifications")


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


FALLBACK_500 = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sorry, there is a problem with the '
    "service</title></head><body><main><h1>Sorry, there is a problem with the service</h1><p>Try again later. What "
    "you entered has not been saved.</p></main></body></html>"
)


def server_error(request):
    # The styled page needs the database (the partnership's name, the navigation); when that is what failed, a
    # plain page still tells the person what happened.
    try:
        return render(request, "errors/500.html", status=500)
    except Exception:  # noqa: BLE001
        return HttpResponse(FALLBACK_500, status=500)
