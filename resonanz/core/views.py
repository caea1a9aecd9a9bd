"""The landing page, liveness and readiness, Prometheus metrics and the 400 handler."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import defaults

from resonanz.accounts.selectors import list_brands
from resonanz.core.config import product_setting
from resonanz.core.health import readiness
from resonanz.core.metrics import may_read_metrics, metrics_enabled, render_metrics


def home(request: HttpRequest) -> HttpResponse:
    brands = list(list_brands()[:50])
    default = product_setting("DEFAULT_BRAND")
    if default and any(b.slug == default for b in brands):
        return redirect("community:index", brand_slug=default)
    if len(brands) == 1:
        return redirect("community:index", brand_slug=brands[0].slug)
    return render(request, "core/home.html", {"brands": brands})


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> HttpResponse:
    """200 when database, cache, queues, workers and scheduler are fine, else 503; each check named."""
    result = readiness()
    response = JsonResponse(result.as_dict(), status=200 if result.ok else 503)
    response["Cache-Control"] = "no-store"
    return response


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format; 404 while no token or network is configured, 401 without the right one."""
    if not metrics_enabled():
        raise Http404("metrics are off")
    if not may_read_metrics(request):
        response = HttpResponse("unauthorised\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(render_metrics(), content_type="text/plain; version=0.0.4; charset=utf-8")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 for a request Django refused before any view ran (e.g. a body over the size limit).

    API clients get JSON in the API's ``{"detail": …}`` shape, people the plain error page.
    """
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = _("The request is too large: at most %(limit)s bytes are accepted.") % {"limit": limit}
    else:
        detail = _("The request could not be understood.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=400)
    return defaults.bad_request(request, exception or SuspiciousOperation(detail))
