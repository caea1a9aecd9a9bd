"""The inbox list, a conversation page and the actions on it. Thin: parse → one service → render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resonanz.accounts.selectors import get_user_by_handle
from resonanz.core.errors import InvalidInput
from resonanz.core.web import brand_view, flash, signed_in_user
from resonanz.inbox import paging, presence, selectors, services
from resonanz.inbox.confirm import SENTIMENTS
from resonanz.inbox.delivery import retry_reply
from resonanz.inbox.explain import explanations_for
from resonanz.inbox.forms import FilterForm, NoteForm, ReplyForm
from resonanz.inbox.models import Status
from resonanz.inbox.services.replies import can_send
from resonanz.sources.selectors import list_channels

PER_PAGE = 30


def _filter_form(request: HttpRequest) -> FilterForm:
    brand = request.brand  # type: ignore[attr-defined]
    return FilterForm(
        request.GET or None,
        channels=list_channels(brand, viewer=request.user),
        team=selectors.list_team(brand),
    )


@brand_view
@login_required
def conversation_list(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    form = _filter_form(request)
    conversations = selectors.list_conversations(brand, viewer=request.user, filters=form.to_filter())
    page = paging.get_page(conversations, request.GET.get("page"), per_page=PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "count_cap": paging.COUNT_CAP}
    template = (
        "inbox/includes/list_rows.html"
        if request.headers.get("HX-Target") == "inbox-rows"
        else "inbox/list.html"
    )
    return render(request, template, context)


def _conversation_page(
    request: HttpRequest, conversation_id: int, *, reply_form: ReplyForm | None = None, status: int = 200
) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    conversation = selectors.get_conversation(brand, conversation_id, viewer=request.user)
    context = {
        "conversation": conversation,
        # Not "messages": that name belongs to the flash messages the base template shows.
        "thread": list(selectors.list_messages(conversation)),
        "notes": selectors.list_notes(conversation),
        "events": selectors.list_events(conversation),
        "team": selectors.list_team(brand),
        "saved_replies": selectors.list_saved_replies(brand, viewer=request.user),
        "reply_form": reply_form or ReplyForm(),
        "note_form": NoteForm(),
        "statuses": Status.choices,
        "can_send": can_send(conversation.channel),
        "sentiments": SENTIMENTS,  # one-click confirm or correct under each message (confirm.py)
    }
    return render(request, "inbox/conversation.html", context, status=status)


@brand_view
@login_required
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    return _conversation_page(request, conversation_id)


def _back(request: HttpRequest, conversation_id: int) -> HttpResponse:
    return redirect("inbox:conversation", request.brand.slug, conversation_id)  # type: ignore[attr-defined]


@brand_view
@login_required
@require_POST
def assign(request: HttpRequest, conversation_id: int) -> HttpResponse:
    current = selectors.get_conversation(request.brand, conversation_id, viewer=request.user)  # type: ignore[attr-defined]
    target = request.POST.get("to", "me")
    user = request.user if target == "me" else None if target == "none" else get_user_by_handle(target)
    services.assign_conversation(current, to=user, by=request.user)  # type: ignore[arg-type]
    flash(request, _("Assignment saved."))
    return _back(request, conversation_id)


@brand_view
@login_required
@require_POST
def set_status(request: HttpRequest, conversation_id: int) -> HttpResponse:
    current = selectors.get_conversation(request.brand, conversation_id, viewer=request.user)  # type: ignore[attr-defined]
    services.set_status(current, status=request.POST.get("status", ""), by=request.user)
    flash(request, _("Status changed."))
    return _back(request, conversation_id)


@brand_view
@login_required
@require_POST
def add_note(request: HttpRequest, conversation_id: int) -> HttpResponse:
    current = selectors.get_conversation(request.brand, conversation_id, viewer=request.user)  # type: ignore[attr-defined]
    services.add_note(current, text=request.POST.get("text", ""), by=request.user)
    return _back(request, conversation_id)


@brand_view
@login_required
@require_POST
def reply(request: HttpRequest, conversation_id: int) -> HttpResponse:
    current = selectors.get_conversation(request.brand, conversation_id, viewer=request.user)  # type: ignore[attr-defined]
    form = ReplyForm(request.POST)
    try:
        services.reply_to_conversation(current, text=request.POST.get("text", ""), by=request.user)
    except InvalidInput as exc:
        form.add_error("text", exc.message)
        return _conversation_page(request, conversation_id, reply_form=form, status=422)
    presence.leave(conversation_id, user_id=signed_in_user(request).pk)
    flash(request, _("Answer saved."))
    return _back(request, conversation_id)


@brand_view
@login_required
@require_POST
def moderation_checked(request: HttpRequest, conversation_id: int) -> HttpResponse:
    current = selectors.get_conversation(request.brand, conversation_id, viewer=request.user)  # type: ignore[attr-defined]
    services.clear_moderation_flag(current, by=request.user)
    flash(request, _("Marked as checked by moderation."))
    return _back(request, conversation_id)


@brand_view
@login_required
@require_POST
def retry_delivery(request: HttpRequest, conversation_id: int, reply_id: int) -> HttpResponse:
    current = selectors.get_conversation(request.brand, conversation_id, viewer=request.user)  # type: ignore[attr-defined]
    retry_reply(current, reply_id, by=request.user)
    flash(request, _("The answer is being sent again."))
    return _back(request, conversation_id)


@brand_view
@login_required
@require_POST
def heartbeat(request: HttpRequest, conversation_id: int) -> HttpResponse:
    current = selectors.get_conversation(request.brand, conversation_id, viewer=request.user)  # type: ignore[attr-defined]
    user = signed_in_user(request)
    others = presence.heartbeat(
        current.pk, user_id=user.pk, name=user.public_name, mode=request.POST.get("mode", "viewing")
    )
    return render(request, "inbox/includes/presence.html", {"others": others})


@brand_view
@login_required
def explanation(request: HttpRequest, conversation_id: int, message_id: int) -> HttpResponse:
    """The classifier's word evidence for one message, loaded when the agent opens "Why?"."""
    brand = request.brand  # type: ignore[attr-defined]
    current = selectors.get_conversation(brand, conversation_id, viewer=request.user)
    message = selectors.list_messages(current).filter(pk=message_id).first()
    found = explanations_for([message], brand_slug=brand.slug).get(message.pk) if message else None
    return render(request, "inbox/includes/explanation.html", {"explanation": found or {}})


@brand_view
@login_required
def saved_reply_text(request: HttpRequest, conversation_id: int, saved_id: int) -> HttpResponse:
    """The saved reply with placeholders filled in, swapped into the composer by htmx."""
    brand = request.brand  # type: ignore[attr-defined]
    current = selectors.get_conversation(brand, conversation_id, viewer=request.user)
    saved = selectors.get_saved_reply(brand, saved_id, viewer=request.user)
    text = services.render_saved_reply(saved, conversation=current, agent=request.user)
    return render(request, "inbox/includes/composer.html", {"reply_form": ReplyForm(initial={"text": text})})
