"""Moderators' pages: the queue, one post with its action form, approvals (four eyes) and appeals."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import AnyUser, check_authenticated, check_role, has_role
from resonanz.community.models import Post
from resonanz.community.selectors import get_post, get_thread, list_thread_posts
from resonanz.core.errors import DomainError
from resonanz.core.web import brand_view, flash, form_errors
from resonanz.moderation import protection, selectors, services
from resonanz.moderation.errors import StaleDecision
from resonanz.moderation.models import ModerationDecision, Report
from resonanz.moderation.protection import is_protected
from resonanz.moderation.services.approvers import check_approving_role
from resonanz.moderation.staff_forms import ActionForm, AppealDecisionForm, ReasonForm, ThreadActionForm

# The thread page lists this many posts with their protection; the action covers all of them anyway.
THREAD_POSTS_SHOWN = 200


def _moderator_brand(request: HttpRequest) -> Brand:
    brand: Brand = request.brand  # type: ignore[attr-defined]
    check_role(request.user, brand, Role.MODERATOR)
    return brand


@brand_view
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    brand = _moderator_brand(request)
    context = {
        "items": selectors.list_queue(brand),
        "elsewhere": _flagged_elsewhere(brand, request.user),
        "approvals": selectors.list_pending_approvals(brand).count(),
        "appeals": selectors.list_open_appeals(brand).count(),
        "settings": services.settings_for(brand),
    }
    return render(request, "moderation/staff/queue.html", context)


def _flagged_elsewhere(brand: Brand, viewer: AnyUser) -> list[Any]:
    """Abuse the classifier found on other channels (Mastodon, e-mail, imports …): it cannot be hidden
    from here, but a moderator reviews it in the inbox. Community posts are in the queue itself."""
    from resonanz.inbox.selectors import list_flagged_conversations
    from resonanz.sources.models import ChannelKind

    flagged = list_flagged_conversations(brand, viewer=viewer)
    return [c for c in flagged if c.channel.kind != ChannelKind.COMMUNITY]


def _post_context(brand: Brand, post: Post) -> dict[str, Any]:
    reason = protection.protection_reason(post)
    return {
        "post": post,
        "labels": post.labels or {},
        "criticism": selectors.is_criticism(post),
        "protected": reason is not None,
        "protection_text": protection.reason_text(reason),
        "reports": Report.objects.filter(post=post)
        .select_related("rule", "rule__version")
        .order_by("-created_at"),
        "history": selectors.decisions(brand).filter(post=post).prefetch_related("rules__version"),
        "pending": selectors.pending_decision(post),
        "settings": services.settings_for(brand),
        "reason_form": ReasonForm(),
    }


def _act(request: HttpRequest, post: Post, form: ActionForm) -> ModerationDecision | None:
    data = dict(form.cleaned_data)
    try:
        return services.act_on_post(post, by=request.user, **data)
    except StaleDecision as exc:
        form_errors(form, exc)
        data = form.data.copy()  # type: ignore[attr-defined]
        data["expected_state"] = selectors.state_token(post)
        form.data = data  # resubmitting now is a deliberate choice
    except DomainError as exc:
        form_errors(form, exc)
    return None


@brand_view
@login_required
def post(request: HttpRequest, post_id: int) -> HttpResponse:
    brand = _moderator_brand(request)
    target = get_post(brand, post_id, viewer=request.user)
    version = selectors.get_current_rules(brand)
    initial = {"expected_state": selectors.state_token(target)}
    form = ActionForm(request.POST or None, version=version, initial=initial)
    if request.method == "POST" and form.is_valid():
        decision = _act(request, target, form)
        if decision is not None:
            if decision.status == ModerationDecision.Status.PENDING_APPROVAL:
                flash(
                    request,
                    _(
                        "This post is protected: your proposal is published in the log and now needs a "
                        "second moderator or the external reviewer."
                    ),
                )
            else:
                flash(request, _("Done: %(action)s.") % {"action": decision.get_action_display()})
            return redirect("moderation_staff:queue", brand.slug)
    context = {**_post_context(brand, target), "form": form, "rules_version": version}
    return render(request, "moderation/staff/post.html", context, status=422 if form.errors else 200)


@brand_view
@login_required
def thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    """A whole thread: hide or remove every visible post (one decision each), lock or unlock it."""
    brand = _moderator_brand(request)
    target = get_thread(brand, thread_id, viewer=request.user)
    version = selectors.get_current_rules(brand)
    initial = {"expected_state": services.thread_state_token(target)}
    form = ThreadActionForm(request.POST or None, version=version, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.act_on_thread(target, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            flash(
                request,
                _("Done: %(effective)s decision(s) effective, %(pending)s waiting for a second moderator.")
                % {"effective": len(result.effective), "pending": len(result.pending)},
            )
            return redirect("moderation_staff:thread", brand.slug, target.pk)
    posts = list_thread_posts(target, viewer=request.user)
    context = {
        "thread": target, "form": form, "settings": services.settings_for(brand),
        "posts": [(post, is_protected(post)) for post in posts[:THREAD_POSTS_SHOWN]],
    }  # fmt: skip
    return render(request, "moderation/staff/thread.html", context, status=422 if form.errors else 200)


def _approver_brand(request: HttpRequest) -> Brand:
    """Moderators and the brand's external reviewer, who sees the pending proposals and nothing else."""
    brand: Brand = request.brand  # type: ignore[attr-defined]
    check_approving_role(check_authenticated(request.user), brand)
    return brand


def _second_opinion(request: HttpRequest, puid: str, *, approve: bool) -> HttpResponse:
    brand = _approver_brand(request)
    decision = selectors.get_decision(brand, puid)
    try:
        if approve:
            services.approve_decision(decision, by=request.user)
            flash(request, _("Approved; the decision is effective and logged with the four-eyes flag."))
        else:
            form = ReasonForm(request.POST)
            reason = form.data.get("reason", "")
            services.reject_decision(decision, by=request.user, reason=str(reason))
            flash(request, _("Rejected; the post stays visible."))
    except DomainError as exc:
        messages.error(request, exc.message)
    if decision.post_id is None or not has_role(request.user, brand, Role.MODERATOR):
        return redirect("moderation_staff:approvals", brand.slug)
    return redirect("moderation_staff:post", brand.slug, decision.post_id)


@brand_view
@login_required
@require_POST
def approve(request: HttpRequest, puid: str) -> HttpResponse:
    return _second_opinion(request, puid, approve=True)


@brand_view
@login_required
@require_POST
def reject(request: HttpRequest, puid: str) -> HttpResponse:
    return _second_opinion(request, puid, approve=False)


@brand_view
@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    brand = _approver_brand(request)
    pending = selectors.list_pending_approvals(brand).prefetch_related("rules__version")
    context = {
        "pending": pending,
        "reason_form": ReasonForm(),
        "can_moderate": has_role(request.user, brand, Role.MODERATOR),
    }
    return render(request, "moderation/staff/approvals.html", context)


@brand_view
@login_required
def appeals(request: HttpRequest) -> HttpResponse:
    brand = _moderator_brand(request)
    return render(request, "moderation/staff/appeals.html", {"appeals": selectors.list_open_appeals(brand)})


@brand_view
@login_required
def appeal(request: HttpRequest, appeal_id: int) -> HttpResponse:
    brand = _moderator_brand(request)
    item = selectors.get_appeal(brand, appeal_id)
    form = AppealDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_appeal(item, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form_errors(form, exc)
        else:
            flash(request, _("The appeal is decided; the author has been told."))
            return redirect("moderation_staff:appeals", brand.slug)
    decision = selectors.get_decision(brand, item.decision.puid)
    context = {
        "appeal": item,
        "decision": decision,
        "rules": decision.rules.select_related("version"),
        "form": form,
    }
    return render(request, "moderation/staff/appeal.html", context, status=422 if form.errors else 200)
