"""Managers' pages: the house rules editor, settings and deletion freeze, overrides, redactions and the
transparency report with its CSV, JSON and DSA downloads."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import check_role
from resonanz.community.selectors import get_post
from resonanz.core.errors import DomainError
from resonanz.core.web import brand_view, flash, form_errors
from resonanz.moderation import dsa_export, selectors, services, transparency
from resonanz.moderation.periods import current_month, parse_period
from resonanz.moderation.staff_forms import FreezeForm, ReasonForm, RulesForm, SettingsForm


def _manager_brand(request: HttpRequest) -> Brand:
    brand: Brand = request.brand  # type: ignore[attr-defined]
    check_role(request.user, brand, Role.MANAGER)
    return brand


@brand_view
@login_required
def rules_editor(request: HttpRequest) -> HttpResponse:
    brand = _manager_brand(request)
    current = selectors.get_current_rules(brand)
    initial = {
        "rules": services.format_rules_text(current),
        "content_independent": ", ".join(str(n) for n in services.content_independent_numbers(current)),
    }
    form = RulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rules = services.parse_rules_text(form.cleaned_data["rules"])
            version = services.publish_house_rules(
                brand, rules=rules, by=request.user, change_note=form.cleaned_data["change_note"],
                content_independent=form.cleaned_data["content_independent"],
            )  # fmt: skip
        except DomainError as exc:
            form_errors(form, exc)
        else:
            flash(request, _("Version %(n)s of the house rules is published.") % {"n": version.number})
            return redirect("moderation_public:rules", brand.slug)
    context = {"form": form, "current": current}
    return render(request, "moderation/staff/rules.html", context, status=422 if form.errors else 200)


@brand_view
@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    brand = _manager_brand(request)
    settings = services.settings_for(brand)
    freeze_form = FreezeForm(initial={"on": settings.deletion_freeze, "reason": settings.freeze_reason})
    settings_form = SettingsForm(instance=settings)
    if request.method == "POST":
        form = (
            FreezeForm(request.POST)
            if "freeze" in request.POST
            else SettingsForm(request.POST, instance=settings)
        )
        if form.is_valid():
            try:
                if isinstance(form, FreezeForm):
                    services.set_deletion_freeze(brand, by=request.user, **form.cleaned_data)
                else:
                    services.update_moderation_settings(brand, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form_errors(form, exc)
            else:
                flash(request, _("Saved."))
                return redirect("moderation_staff:settings", brand.slug)
        freeze_form, settings_form = (
            (form, settings_form) if isinstance(form, FreezeForm) else (freeze_form, form)
        )
    context = {"settings": settings, "freeze_form": freeze_form, "settings_form": settings_form}
    return render(request, "moderation/staff/settings.html", context)


@brand_view
@login_required
@require_POST
def freeze_override(request: HttpRequest, post_id: int) -> HttpResponse:
    brand = _manager_brand(request)
    post = get_post(brand, post_id, viewer=request.user)
    try:
        services.record_freeze_override(post, by=request.user, reason=request.POST.get("reason", ""))
        flash(request, _("Override recorded and logged publicly; the post can now be moderated."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("moderation_staff:post", brand.slug, post.pk)


@brand_view
@login_required
@require_POST
def redact(request: HttpRequest, seq: int) -> HttpResponse:
    brand = _manager_brand(request)
    form = ReasonForm(request.POST)
    try:
        entry = selectors.get_log_entry(brand, seq)
        services.redact_log_excerpt(entry, by=request.user, reason=str(form.data.get("reason", "")))
        flash(request, _("The excerpt is removed; a tombstone and a log entry record the removal."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("moderation_public:log", brand.slug)


@brand_view
@login_required
def transparency_page(request: HttpRequest) -> HttpResponse:
    brand = _manager_brand(request)
    label = request.GET.get("period") or current_month(brand.timezone)
    period = parse_period(label, tz=brand.timezone)
    report = transparency.build_report(brand, period)
    return render(request, "moderation/staff/transparency.html", {"report": report, "period": period})


@brand_view
@login_required
def transparency_download(request: HttpRequest, fmt: str) -> HttpResponse:
    brand = _manager_brand(request)
    period = parse_period(request.GET.get("period") or current_month(brand.timezone), tz=brand.timezone)
    filename = f"{brand.slug}-moderation-{period.label}"
    if fmt == "csv":
        body, content_type = transparency.report_csv(transparency.build_report(brand, period)), "text/csv"
    elif fmt == "json":
        body, content_type = (
            json.dumps(transparency.build_report(brand, period), indent=2),
            "application/json",
        )
    elif fmt == "dsa":
        batches = dsa_export.batches(dsa_export.list_statements(brand, period))
        body, content_type, filename = json.dumps(batches, indent=2), "application/json", filename + "-dsa"
    else:
        raise Http404("unknown format")
    extension = "csv" if fmt == "csv" else "json"
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response
