"""Team pages of insights: the dashboard with charts and CSV, the strategy editor and the settings."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resonanz.accounts.models import Brand
from resonanz.core.errors import DomainError, InvalidInput
from resonanz.core.web import brand_view, flash, form_errors
from resonanz.insights import brand_settings, services
from resonanz.insights.charts import BUILDERS, all_charts
from resonanz.insights.evaluation import evaluate_kpis, headline
from resonanz.insights.figures import top_topics
from resonanz.insights.forms import FilterForm, GoalForm, InsightsSettingsForm, KpiForm, TargetGroupForm
from resonanz.insights.model_health import MIX, get_model_health
from resonanz.insights.models import KPI, Goal, TargetGroup
from resonanz.insights.permissions import can_manage, check_manager, check_reader
from resonanz.insights.scope import Scope, last_days, scope_for

PRESETS = (7, 30, 90, 365)


def _brand(request: HttpRequest, *, manager: bool = False) -> Brand:
    brand: Brand = request.brand  # type: ignore[attr-defined]
    (check_manager if manager else check_reader)(request.user, brand)
    return brand


def _scope(request: HttpRequest, brand: Brand) -> tuple[Scope, FilterForm]:
    form = FilterForm(request.GET or None, brand=brand)
    values = form.cleaned_data if form.is_valid() else {}
    label = values.get("period") or last_days(brand, 30)
    channel = values.get("channel")
    try:
        scope = scope_for(
            brand, label, channel_id=channel.pk if channel else None, topic=values.get("topic") or ""
        )
    except InvalidInput as exc:
        form.add_error("period", exc.errors.get("period", exc.message))
        scope = scope_for(brand, last_days(brand, 30))
    return scope, form


@brand_view
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    brand = _brand(request)
    scope, form = _scope(request, brand)
    presets = [(days, last_days(brand, days)) for days in PRESETS]
    context = {
        "form": form,
        "scope": scope,
        "strategy": evaluate_kpis(brand),
        "kpis": headline(scope),
        "charts": all_charts(scope),
        "topics": [t["topic"] for t in top_topics(scope, limit=30)],
        "presets": presets,
        "query": request.GET.urlencode(),
    }
    return render(request, "insights/dashboard.html", context)


@brand_view
@login_required
def chart_csv(request: HttpRequest, chart_id: str) -> HttpResponse:
    brand = _brand(request)
    if chart_id not in BUILDERS:
        raise Http404(chart_id)
    scope, _form = _scope(request, brand)
    response = HttpResponse(BUILDERS[chart_id](scope).csv(), content_type="text/csv; charset=utf-8")
    filename = f"{brand.slug}-{chart_id}-{scope.period.label.replace('..', '_')}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


FORMS: dict[str, type[GoalForm] | type[TargetGroupForm] | type[KpiForm]] = {
    "goal": GoalForm,
    "group": TargetGroupForm,
    "kpi": KpiForm,
}
MODELS: dict[str, type[Goal] | type[TargetGroup] | type[KPI]] = {
    "goal": Goal,
    "group": TargetGroup,
    "kpi": KPI,
}


def _form(kind: str, brand: Brand, data: Any = None, *, item: Any = None) -> Any:
    """One strategy form; ids carry the kind, since the three forms share a page and field names."""
    options: dict[str, Any] = {"auto_id": f"{kind}-%s"}
    if item is not None and data is None:
        options["initial"] = FORMS[kind].initial_for(item)
    return FORMS[kind](data, brand=brand, **options)


def _strategy_context(brand: Brand, request: HttpRequest, **forms: Any) -> dict[str, Any]:
    return {
        "goals": Goal.objects.filter(brand=brand).prefetch_related("target_groups", "channels", "kpis"),
        "groups": TargetGroup.objects.filter(brand=brand),
        "kpis": evaluate_kpis(brand),
        "can_edit": can_manage(request.user, brand),
        **{f"{kind}_form": forms.get(f"{kind}_form") or _form(kind, brand) for kind in FORMS},
    }


@brand_view
@login_required
def strategy(request: HttpRequest) -> HttpResponse:
    brand = _brand(request)
    return render(request, "insights/strategy.html", _strategy_context(brand, request))


def _save(kind: str, brand: Brand, data: dict[str, Any], request: HttpRequest, item: Any = None) -> None:
    if kind == "goal":
        services.save_goal(brand, by=request.user, goal=item, **data)
    elif kind == "group":
        services.save_target_group(brand, by=request.user, group=item, **data)
    else:
        services.save_kpi(brand, by=request.user, kpi=item, **data)


@brand_view
@login_required
@require_POST
def strategy_add(request: HttpRequest, kind: str) -> HttpResponse:
    brand = _brand(request, manager=True)
    if kind not in FORMS:
        raise Http404(kind)
    form = _form(kind, brand, request.POST)
    if form.is_valid():
        try:
            _save(kind, brand, form.cleaned_data, request)
            flash(request, _("Saved."))
            return redirect("insights:strategy", brand.slug)
        except DomainError as exc:
            form_errors(form, exc)
    context = _strategy_context(brand, request, **{f"{kind}_form": form})
    return render(request, "insights/strategy.html", context, status=422)


def _item(brand: Brand, kind: str, pk: int) -> Goal | TargetGroup | KPI:
    if kind not in MODELS:
        raise Http404(kind)
    item = MODELS[kind]._default_manager.filter(brand=brand, pk=pk).first()
    if item is None:
        raise Http404(kind)
    return item


@brand_view
@login_required
def strategy_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    brand = _brand(request, manager=True)
    item = _item(brand, kind, pk)
    form = _form(kind, brand, request.POST if request.method == "POST" else None, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            _save(kind, brand, form.cleaned_data, request, item)
            flash(request, _("Saved."))
            return redirect("insights:strategy", brand.slug)
        except DomainError as exc:
            form_errors(form, exc)
    status = 422 if form.errors else 200
    return render(
        request, "insights/strategy_edit.html", {"form": form, "kind": kind, "item": item}, status=status
    )


@brand_view
@login_required
@require_POST
def strategy_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    brand = _brand(request, manager=True)
    services.delete_strategy_item(_item(brand, kind, pk), by=request.user)
    flash(request, _("Deleted."))
    return redirect("insights:strategy", brand.slug)


@brand_view
@login_required
def insights_settings(request: HttpRequest) -> HttpResponse:
    brand = _brand(request, manager=True)
    initial = InsightsSettingsForm.initial_for(brand_settings.settings_for(brand))
    form = InsightsSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data, business_days="".join(form.cleaned_data["business_days"]))
        try:
            brand_settings.update_insights_settings(brand, by=request.user, **values)
            flash(request, _("Settings saved."))
            return redirect("insights:settings", brand.slug)
        except DomainError as exc:
            form_errors(form, exc)
    return render(request, "insights/settings.html", {"form": form}, status=422 if form.errors else 200)


@brand_view
@login_required
def model_health(request: HttpRequest) -> HttpResponse:
    """Agreement of the model with the team's corrections and the label mix per week (managers+)."""
    brand: Brand = request.brand  # type: ignore[attr-defined]
    weeks = int(request.GET["weeks"]) if request.GET.get("weeks", "").isdigit() else 12
    health = get_model_health(brand, viewer=request.user, weeks=weeks)
    return render(request, "insights/model_health.html", {"health": health, "mix": MIX})
