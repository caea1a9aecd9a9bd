"""Alert pages: list and detail (agents read), acknowledge, crisis mode and resolve (managers), settings."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resonanz.accounts.models import Brand
from resonanz.alerts import brand_settings, selectors, services
from resonanz.alerts.detection import settings_for
from resonanz.alerts.forms import AlertSettingsForm, CrisisForm, HoldingStatementForm, ResolveForm
from resonanz.alerts.models import Alert, HoldingStatement
from resonanz.alerts.permissions import can_handle, check_handler, check_reader
from resonanz.core.errors import DomainError
from resonanz.core.web import brand_view, flash, form_errors


def _brand(request: HttpRequest, *, handler: bool = False) -> Brand:
    brand: Brand = request.brand  # type: ignore[attr-defined]
    (check_handler if handler else check_reader)(request.user, brand)
    return brand


@brand_view
@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    brand = _brand(request)
    context = {"alerts": selectors.list_alerts(brand)[:100], "crisis": selectors.active_crisis(brand)}
    return render(request, "alerts/list.html", context)


def _detail_context(request: HttpRequest, brand: Brand, alert: Alert, **forms: Any) -> dict[str, Any]:
    crisis = getattr(alert, "crisis", None)
    current = settings_for(brand)
    initial = {
        "freeze": True,
        "status_title": _("Status update"),
        "escalate_to": list(current.escalate_to.all()) if current.pk else [],
    }
    return {
        "alert": alert,
        "events": alert.events.select_related("actor"),
        "examples": selectors.example_messages(alert),
        "crisis": crisis,
        "escalated": list(crisis.escalated_to.all()) if crisis else [],
        "status_article": selectors.status_article(crisis) if crisis else None,
        "can_handle": can_handle(request.user, brand),
        "crisis_form": forms.get("crisis_form") or CrisisForm(brand=brand, initial=initial),
        "resolve_form": forms.get("resolve_form") or ResolveForm(),
        "postmortem": mark_safe(alert.postmortem_html),  # noqa: S308 (rendered by our own autoescaping template)
    }


@brand_view
@login_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    brand = _brand(request)
    alert = selectors.get_alert(brand, alert_id)
    return render(request, "alerts/detail.html", _detail_context(request, brand, alert))


@brand_view
@login_required
@require_POST
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    brand = _brand(request, handler=True)
    services.acknowledge_alert(selectors.get_alert(brand, alert_id), by=request.user)
    flash(request, _("Alert acknowledged."))
    return redirect("alerts:detail", brand.slug, alert_id)


@brand_view
@login_required
@require_POST
def open_crisis(request: HttpRequest, alert_id: int) -> HttpResponse:
    brand = _brand(request, handler=True)
    alert = selectors.get_alert(brand, alert_id)
    form = CrisisForm(request.POST, brand=brand)
    if form.is_valid():
        try:
            services.open_crisis(
                alert,
                by=request.user,
                freeze=form.cleaned_data["freeze"],
                status_post=form.cleaned_data["status_post"],
                status_title=form.cleaned_data["status_title"],
                escalate_to=list(form.cleaned_data["escalate_to"]),
            )
            flash(request, _("Crisis mode is on."))
            return redirect("alerts:detail", brand.slug, alert_id)
        except DomainError as exc:
            form_errors(form, exc)
    return render(
        request, "alerts/detail.html", _detail_context(request, brand, alert, crisis_form=form), status=422
    )


@brand_view
@login_required
@require_POST
def resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    brand = _brand(request, handler=True)
    alert = selectors.get_alert(brand, alert_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        services.resolve_alert(alert, by=request.user, note=form.cleaned_data["note"])
        flash(request, _("Alert resolved; the post-mortem is below."))
        return redirect("alerts:detail", brand.slug, alert_id)
    return render(
        request, "alerts/detail.html", _detail_context(request, brand, alert, resolve_form=form), status=422
    )


@brand_view
@login_required
def alert_settings(request: HttpRequest) -> HttpResponse:
    brand = _brand(request, handler=True)
    current = settings_for(brand)
    initial = {
        "enabled": current.enabled,
        "sensitivity": current.sensitivity,
        "min_count": current.min_count,
        "escalate_to": list(current.escalate_to.all()) if current.pk else [],
    }
    form = AlertSettingsForm(request.POST or None, brand=brand, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            values = dict(form.cleaned_data, escalate_to=list(form.cleaned_data["escalate_to"]))
            brand_settings.update_alert_settings(brand, by=request.user, **values)
            flash(request, _("Settings saved."))
            return redirect("alerts:settings", brand.slug)
        except DomainError as exc:
            form_errors(form, exc)
    context = {
        "form": form,
        "statements": selectors.list_holding_statements(brand),
        "statement_form": HoldingStatementForm(),
    }
    return render(request, "alerts/settings.html", context, status=422 if form.errors else 200)


@brand_view
@login_required
@require_POST
def add_statement(request: HttpRequest) -> HttpResponse:
    brand = _brand(request, handler=True)
    form = HoldingStatementForm(request.POST)
    if form.is_valid():
        try:
            brand_settings.save_holding_statement(brand, by=request.user, **form.cleaned_data)
            flash(request, _("Holding statement saved."))
            return redirect("alerts:settings", brand.slug)
        except DomainError as exc:
            form_errors(form, exc)
    current = settings_for(brand)
    context = {
        "form": AlertSettingsForm(
            brand=brand,
            initial={
                "enabled": current.enabled,
                "sensitivity": current.sensitivity,
                "min_count": current.min_count,
            },
        ),
        "statements": selectors.list_holding_statements(brand),
        "statement_form": form,
    }
    return render(request, "alerts/settings.html", context, status=422)


@brand_view
@login_required
@require_POST
def delete_statement(request: HttpRequest, pk: int) -> HttpResponse:
    brand = _brand(request, handler=True)
    brand_settings.delete_holding_statement(
        get_object_or_404(HoldingStatement, brand=brand, pk=pk), by=request.user
    )
    flash(request, _("Deleted."))
    return redirect("alerts:settings", brand.slug)
