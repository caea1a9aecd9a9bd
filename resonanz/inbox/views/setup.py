"""Team settings pages: channels (admins), webhooks (admins), saved replies and targets (managers)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resonanz.accounts.models import Role
from resonanz.core.errors import DomainError, InvalidInput, NotFound
from resonanz.core.links import absolute
from resonanz.core.web import brand_view, flash, form_errors
from resonanz.inbox import selectors, services
from resonanz.inbox.forms import (
    KIND_CHOICES,
    ChannelForm,
    ImportForm,
    SavedReplyForm,
    TargetsForm,
    WebhookEndpointForm,
)
from resonanz.inbox.importing import import_upload
from resonanz.inbox.models import Priority
from resonanz.inbox.permissions import check_admin, check_manager
from resonanz.sources import services as channel_services
from resonanz.sources.connectors import CONNECTORS
from resonanz.sources.dead_letters import discard_dead_letter, retry_dead_letter
from resonanz.sources.models import ChannelKind
from resonanz.sources.polling import poll_now
from resonanz.sources.selectors import (
    count_open_dead_letters,
    get_channel,
    get_dead_letter,
    list_channels,
    list_dead_letters,
)


@brand_view
@login_required
def channels(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    found = list(list_channels(brand, viewer=request.user, minimum=Role.ADMIN))
    dead = count_open_dead_letters(found)
    for channel in found:
        channel.open_dead_letters = dead.get(channel.pk, 0)  # type: ignore[attr-defined]
    return render(request, "inbox/channels.html", {"channels": found, "kinds": KIND_CHOICES})


@brand_view
@login_required
def channel_edit(request: HttpRequest, channel_id: int | None = None) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    check_admin(request.user, brand)
    channel = get_channel(brand, channel_id, viewer=request.user) if channel_id else None
    kind = channel.kind if channel else request.GET.get("kind") or request.POST.get("kind", "")
    if kind not in dict(KIND_CHOICES) and channel is None:
        raise InvalidInput({"kind": _("Unknown channel kind.")})
    initial = {"name": channel.name, "enabled": channel.enabled} if channel else {}
    if channel:
        initial |= {f"config_{k}": v for k, v in channel.config.items()}
    form = ChannelForm(
        request.POST or None,
        kind=kind,
        has_secrets=bool(channel and channel.has_credentials),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if channel is None:
                channel = channel_services.create_channel(
                    brand,
                    kind=kind,
                    name=form.cleaned_data["name"],
                    config=form.config(),
                    secrets=form.secrets(),
                    enabled=form.cleaned_data["enabled"],
                    by=request.user,
                )
            else:
                channel_services.update_channel(
                    channel,
                    name=form.cleaned_data["name"],
                    config=form.config(),
                    secrets=form.secrets(),
                    enabled=form.cleaned_data["enabled"],
                    by=request.user,
                )
            flash(request, _("Channel saved."))
            return redirect("inbox:channels", brand.slug)
        except DomainError as exc:
            form_errors(form, exc)
    context: dict[str, Any] = {
        "form": form,
        "channel": channel,
        "kind": kind,
        "kind_label": ChannelKind(kind).label,
        "connector": CONNECTORS[kind],
    }
    if channel is not None:
        context["dead_letters"] = list(list_dead_letters(brand, viewer=request.user, channel=channel)[:50])
    if channel is not None and channel.kind == ChannelKind.WEBHOOK:
        context["hook_url"] = absolute(reverse("hooks:receive", args=[channel.uuid]))
    return render(request, "inbox/channel_form.html", context)


@brand_view
@login_required
@require_POST
def channel_poll(request: HttpRequest, channel_id: int) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    outcome = poll_now(get_channel(brand, channel_id, viewer=request.user), by=request.user)
    (messages.error if outcome.error else messages.success)(request, str(outcome))
    return redirect("inbox:channel_edit", brand.slug, channel_id)


@brand_view
@login_required
@require_POST
def channel_dead_letter(request: HttpRequest, channel_id: int, letter_id: int) -> HttpResponse:
    """Retry or discard one dead letter from the channel page."""
    brand = request.brand  # type: ignore[attr-defined]
    letter = get_dead_letter(brand, letter_id, viewer=request.user)
    if letter.channel_id != channel_id:
        raise NotFound(f"unknown dead letter {letter_id}")
    if request.POST.get("action") == "discard":
        discard_dead_letter(letter, by=request.user)
        flash(request, _("Item discarded."))
    else:
        letter = retry_dead_letter(letter, by=request.user)
        if letter.status == letter.Status.RESOLVED:
            flash(request, _("Item read again; it is in the inbox."))
        else:
            messages.error(request, _("The item still cannot be read: %(error)s") % {"error": letter.error})
    return redirect("inbox:channel_edit", brand.slug, channel_id)


@brand_view
@login_required
def channel_import(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Upload an export into an import channel: a dry run shows what would happen, then import."""
    brand = request.brand  # type: ignore[attr-defined]
    channel = get_channel(brand, channel_id, viewer=request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    summary = None
    if request.method == "POST" and form.is_valid():
        try:
            summary = import_upload(channel, form.cleaned_data["file"], by=request.user, **form.options())
        except DomainError as exc:
            form_errors(form, exc)
    return render(
        request, "inbox/channel_import.html", {"form": form, "channel": channel, "summary": summary}
    )


@brand_view
@login_required
def saved_replies(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    form = SavedReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_saved_reply(brand, by=request.user, **form.cleaned_data)
            flash(request, _("Saved reply stored."))
            return redirect("inbox:saved_replies", brand.slug)
        except DomainError as exc:
            form_errors(form, exc)
    else:
        check_manager(request.user, brand)
    found = selectors.list_saved_replies(brand, viewer=request.user)
    return render(request, "inbox/saved_replies.html", {"form": form, "saved_replies": found})


@brand_view
@login_required
@require_POST
def saved_reply_delete(request: HttpRequest, saved_id: int) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    services.delete_saved_reply(
        selectors.get_saved_reply(brand, saved_id, viewer=request.user), by=request.user
    )
    return redirect("inbox:saved_replies", brand.slug)


@brand_view
@login_required
def targets(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    form = TargetsForm(
        request.POST or None, current=selectors.list_response_targets(brand, viewer=request.user)
    )
    if request.method == "POST" and form.is_valid():
        for value in Priority.values:
            services.set_response_target(
                brand, priority=value, minutes=form.cleaned_data[f"p{value}"], by=request.user
            )
        flash(request, _("Response-time targets saved."))
        return redirect("inbox:targets", brand.slug)
    return render(request, "inbox/targets.html", {"form": form})


@brand_view
@login_required
def webhooks(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    endpoints = selectors.list_webhook_endpoints(brand, viewer=request.user)
    form = WebhookEndpointForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        events = [e.strip() for e in form.cleaned_data["events"].split(",") if e.strip()]
        try:
            _endpoint, secret = services.create_webhook_endpoint(
                brand, url=form.cleaned_data["url"], events=events, by=request.user
            )
            form = WebhookEndpointForm()
        except DomainError as exc:
            form_errors(form, exc)
    return render(request, "inbox/webhooks.html", {"form": form, "endpoints": endpoints, "secret": secret})


@brand_view
@login_required
@require_POST
def webhook_delete(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    endpoint = selectors.get_webhook_endpoint(brand, endpoint_id, viewer=request.user)
    services.delete_webhook_endpoint(endpoint, by=request.user)
    return redirect("inbox:webhooks", brand.slug)
