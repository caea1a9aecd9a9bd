"""Member-facing moderation pages: report a post (reason, rule, note, criticism), see your reports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from resonanz.community.selectors import get_post
from resonanz.community.templatetags.forum import post_location
from resonanz.core.errors import Conflict, InvalidInput
from resonanz.core.ratelimit import check_rate, client_key
from resonanz.core.web import brand_view, flash, form_errors
from resonanz.moderation import selectors, services
from resonanz.moderation.forms import ReportForm


@brand_view
@login_required
def report(request: HttpRequest, post_id: int) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    post = get_post(brand, post_id, viewer=request.user)
    form = ReportForm(request.POST or None, version=selectors.get_current_rules(brand))
    if request.method == "POST" and form.is_valid():
        check_rate("report", client_key(request))
        try:
            services.report_post(post, **form.cleaned_data, by=request.user)
        except (InvalidInput, Conflict) as exc:
            form_errors(form, exc)
        else:
            flash(request, _("Thank you. The moderators will look at the post."))
            return redirect(post_location(post, brand_slug=brand.slug, viewer=request.user))
    return render(request, "moderation/report.html", {"form": form, "post": post})


@brand_view
@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    reports = selectors.list_own_reports(request.user, brand=request.brand)  # type: ignore[arg-type, attr-defined]
    return render(request, "moderation/my_reports.html", {"reports": reports.order_by("-created_at")[:200]})
