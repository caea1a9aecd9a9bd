"""Blog pages (placeholder until the UI lands)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from resonanz.core.web import brand_view


@brand_view
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")
