"""Public transparency pages: house rules (current and history), the moderation log (HTML and Atom),
and for authors their statements of reasons and the appeal form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import has_role
from resonanz.core.errors import DomainError, NotFound
from resonanz.core.web import brand_view, flash, form_errors
from resonanz.moderation import selectors, services
from resonanz.moderation.feed import log_feed_xml
from resonanz.moderation.models import ModerationDecision
from resonanz.moderation.public_forms import AppealForm

LOG_PAGE_SIZE = 50


@brand_view
def rules(request: HttpRequest) -> HttpResponse:
    brand: Brand = request.brand  # type: ignore[attr-defined]
    context = {"version": selectors.get_current_rules(brand), "versions": selectors.list_rule_versions(brand)}
    return render(request, "moderation/public/rules.html", context)


@brand_view
def rules_version(request: HttpRequest, number: int) -> HttpResponse:
    brand: Brand = request.brand  # type: ignore[attr-defined]
    version = selectors.get_rule_version(brand, number)
    context = {"version": version, "versions": selectors.list_rule_versions(brand), "is_history": True}
    return render(request, "moderation/public/rules.html", context)


@brand_view
def log(request: HttpRequest) -> HttpResponse:
    brand: Brand = request.brand  # type: ignore[attr-defined]
    page = Paginator(selectors.list_log_entries(brand), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    puids = [e.payload.get("decision") for e in page.object_list if e.payload.get("decision")]
    context = {
        "page": page,
        "outcomes": selectors.appeal_outcomes(brand, puids),
        "settings": services.settings_for(brand),
        "can_redact": has_role(request.user, brand, Role.MANAGER),
    }
    return render(request, "moderation/public/log.html", context)


@brand_view
def log_feed(request: HttpRequest) -> HttpResponse:
    brand: Brand = request.brand  # type: ignore[attr-defined]
    entries = list(selectors.list_log_entries(brand)[:LOG_PAGE_SIZE])
    outcomes = selectors.appeal_outcomes(
        brand, [e.payload["decision"] for e in entries if "decision" in e.payload]
    )
    return HttpResponse(
        log_feed_xml(request, brand, entries, outcomes=outcomes),
        content_type="application/atom+xml; charset=utf-8",
    )


@brand_view
@login_required
def my_decisions(request: HttpRequest) -> HttpResponse:
    brand: Brand = request.brand  # type: ignore[attr-defined]
    context = {"decisions": selectors.list_decisions_about(request.user, brand=brand)[:200]}  # type: ignore[arg-type]
    return render(request, "moderation/public/my_decisions.html", context)


def _visible_decision(request: HttpRequest, puid: str) -> ModerationDecision:
    """The author concerned and the brand's moderators may read a statement; nobody else."""
    brand: Brand = request.brand  # type: ignore[attr-defined]
    decision = selectors.get_decision(brand, puid)
    if decision.subject_id != request.user.pk and not has_role(request.user, brand, Role.MODERATOR):
        raise NotFound(f"unknown decision {puid}")
    return decision


@brand_view
@login_required
def statement(request: HttpRequest, puid: str) -> HttpResponse:
    decision = _visible_decision(request, puid)
    context = {
        "decision": decision,
        "rules": decision.rules.select_related("version").order_by("number"),
        "appeal": getattr(decision, "appeal", None),
        "can_appeal": services.can_appeal(decision, request.user),
        "appeal_until": services.appeal_until(decision),
    }
    return render(request, "moderation/public/statement.html", context)


@brand_view
@login_required
def appeal(request: HttpRequest, puid: str) -> HttpResponse:
    decision = _visible_decision(request, puid)
    services.check_can_appeal(decision, request.user)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.open_appeal(decision, by=request.user, text=form.cleaned_data["text"])
        except DomainError as exc:
            form_errors(form, exc)
        else:
            flash(request, _("Your appeal is received. Another moderator will decide and tell you why."))
            return redirect("moderation_public:statement", decision.brand.slug, decision.puid)
    return render(request, "moderation/public/appeal.html", {"decision": decision, "form": form})
