"""The report page and its PDF (team), and the public Dialog-Bilanz."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand
from resonanz.core.errors import InvalidInput
from resonanz.core.web import brand_view
from resonanz.insights.bilanz import build_bilanz
from resonanz.insights.brand_settings import settings_for
from resonanz.insights.pdf import render_pdf
from resonanz.insights.permissions import check_reader
from resonanz.insights.reports import build_report
from resonanz.moderation.periods import current_month


def _period_label(request: HttpRequest, brand: Brand) -> str:
    return (request.GET.get("period") or current_month(brand.timezone))[:30]


def _report(request: HttpRequest) -> tuple[Brand, dict]:
    brand: Brand = request.brand  # type: ignore[attr-defined]
    check_reader(request.user, brand)
    return brand, build_report(brand, _period_label(request, brand))


@brand_view
@login_required
def report(request: HttpRequest) -> HttpResponse:
    try:
        _brand, data = _report(request)
    except InvalidInput as exc:
        label = _period_label(request, request.brand)  # type: ignore[attr-defined]
        return render(
            request, "insights/report_page.html", {"error": exc.message, "period": label}, status=422
        )
    return render(request, "insights/report_page.html", {"report": data, "period": data["period"].label})


@brand_view
@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    brand, data = _report(request)
    response = HttpResponse(render_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{brand.slug}-{data["period"].label}.pdf"'
    return response


@brand_view
def bilanz(request: HttpRequest) -> HttpResponse:
    brand: Brand = request.brand  # type: ignore[attr-defined]
    if not settings_for(brand).public_bilanz:
        raise Http404(_("This brand does not publish a Dialog-Bilanz."))
    return render(request, "insights/bilanz.html", {"bilanz": build_bilanz(brand)})
