"""Staff pages of classification: the brand's topics (managers edit, the team reads and tries)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resonanz.accounts.models import Role
from resonanz.accounts.permissions import check_role, has_role
from resonanz.classify import selectors, services
from resonanz.classify.forms import TopicForm, TryTopicsForm
from resonanz.core.errors import InvalidInput
from resonanz.core.web import brand_view, flash, form_errors


def _tried(request: HttpRequest) -> tuple[TryTopicsForm, dict[str, Any] | None]:
    """The "try a post" form and, when filled in, the topics the text gets with their reasons."""
    brand = request.brand  # type: ignore[attr-defined]
    form = TryTopicsForm(request.GET if "text" in request.GET else None)
    if not form.is_valid():
        return form, None
    result = services.classify_post(form.cleaned_data["text"], brand_slug=brand.slug, explain=False)
    return form, {"topics": result.explanations.get("topics", []), "model_version": result.model_version}


@brand_view
@login_required
def topics(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    found = list(selectors.list_topics(brand, viewer=request.user))  # agents and up
    can_edit = has_role(request.user, brand, Role.MANAGER)
    if request.method == "POST":
        check_role(request.user, brand, Role.MANAGER)  # NotAllowed: brand_view shows the error page
    form = TopicForm(request.POST or None) if can_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            topic = services.create_topic(brand, by=request.user, **form.service_kwargs())
            flash(request, _("Topic “%(name)s” saved.") % {"name": topic.name})
            return redirect("classify:topics", brand.slug)
        except InvalidInput as exc:  # NotAllowed etc. become the error page (brand_view)
            form_errors(form, exc)
    try_form, tried = _tried(request)
    context = {"topics": found, "form": form, "can_edit": can_edit, "try_form": try_form, "tried": tried}
    return render(request, "classify/topics.html", context)


@brand_view
@login_required
def topic_edit(request: HttpRequest, topic_id: int) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    topic = selectors.get_topic(brand, topic_id, viewer=request.user)
    initial = {
        "name": topic.name,
        "keywords": "\n".join(topic.keywords),
        "examples": "\n".join(topic.examples),
        "min_similarity": topic.min_similarity,
        "active": topic.active,
    }
    if request.method == "POST":
        check_role(request.user, brand, Role.MANAGER)
    form = TopicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_topic(topic, by=request.user, **form.service_kwargs())
            flash(request, _("Topic “%(name)s” saved.") % {"name": topic.name})
            return redirect("classify:topics", brand.slug)
        except InvalidInput as exc:  # NotAllowed etc. become the error page (brand_view)
            form_errors(form, exc)
    elif request.method != "POST" and not has_role(request.user, brand, Role.MANAGER):
        return redirect("classify:topics", brand.slug)
    return render(request, "classify/topic_form.html", {"form": form, "topic": topic})


@brand_view
@login_required
@require_POST
def topic_delete(request: HttpRequest, topic_id: int) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    topic = selectors.get_topic(brand, topic_id, viewer=request.user)
    name = topic.name
    services.delete_topic(topic, by=request.user)
    flash(request, _("Topic “%(name)s” deleted.") % {"name": name})
    return redirect("classify:topics", brand.slug)
