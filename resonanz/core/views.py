"""The landing page and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from resonanz.accounts.selectors import list_brands
from resonanz.core.config import product_setting


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
