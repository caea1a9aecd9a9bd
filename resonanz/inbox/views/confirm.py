"""The confirm-first queue page: the posts the model is least sure about, answered with one click."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resonanz.core.web import brand_view, flash
from resonanz.inbox import confirm


@brand_view
@login_required
def confirm_queue(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    items = confirm.list_confirm_queue(brand, viewer=request.user)
    context = {"items": items, "sentiments": confirm.SENTIMENTS, "abuse_answers": confirm.ABUSE}
    return render(request, "inbox/confirm_queue.html", context)


@brand_view
@login_required
@require_POST
def confirm_answer(request: HttpRequest, message_id: int) -> HttpResponse:
    """One click: the agent's sentiment for a post (htmx swaps the row for the answer given)."""
    brand = request.brand  # type: ignore[attr-defined]
    message = confirm.get_queue_message(brand, message_id, viewer=request.user)
    label, task = request.POST.get("label", ""), request.POST.get("task", "sentiment")
    correction = confirm.confirm_label(brand, message, by=request.user, label=label, task=task)
    if getattr(request, "htmx", False):
        context = {"message": message, "correction": correction}
        # The abuse question swaps only itself (the sentiment of the same post is still to be answered),
        # and so do the buttons under a message on the conversation page.
        inline = correction.task != "sentiment" or bool(request.POST.get("inline"))
        return render(request, "inbox/includes/confirm_done.html", context | {"inline": inline})
    flash(request, _("Thank you: the answer trains the brand's model."))
    if request.POST.get("inline"):
        return redirect("inbox:conversation", brand.slug, message.conversation_id)
    return redirect("inbox:confirm_queue", brand.slug)
