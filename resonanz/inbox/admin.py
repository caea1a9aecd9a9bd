"""The inbox in the Django admin, for operators: staged items (with a retry for rejected ones),
deliveries, and read-only conversations. Agents work in the inbox pages, which log every change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from resonanz.core.errors import InvalidInput
from resonanz.inbox.models import (
    Conversation,
    DeliveryStatus,
    InboundItem,
    OutgoingReply,
    ResponseTarget,
    SavedReply,
    WebhookDelivery,
    WebhookEndpoint,
)
from resonanz.inbox.services.team import check_placeholders, set_response_target


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.method in ("GET", "HEAD")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]


@admin.register(InboundItem)
class InboundItemAdmin(ReadOnly):
    list_display = ["id", "channel", "external_id", "state", "attempts", "received_at", "processed_at"]
    list_filter = ["state", "channel__brand", "channel__kind"]
    search_fields = ["external_id", "error"]
    actions = ["retry"]

    @admin.action(description=_("Process the selected rejected items again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[InboundItem]) -> None:
        from resonanz.inbox.staging import _enqueue_processing

        count = queryset.filter(state=InboundItem.State.REJECTED).update(
            state=InboundItem.State.PENDING, attempts=0, error=""
        )
        _enqueue_processing()
        self.message_user(request, _("%(n)s items queued again.") % {"n": count}, messages.SUCCESS)


@admin.register(Conversation)
class ConversationAdmin(ReadOnly):
    list_display = ["id", "brand", "channel", "subject", "status", "priority", "assignee", "last_activity_at"]
    list_filter = ["brand", "status", "priority", "needs_moderation", "channel__kind"]
    search_fields = ["subject", "customer_handle", "thread_key"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # KPIs and the event log depend on it; account deletion removes personal data


@admin.register(OutgoingReply)
class OutgoingReplyAdmin(ReadOnly):
    list_display = ["id", "message", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["status"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly):
    list_display = ["id", "endpoint", "event", "status", "attempts", "response_code", "next_attempt_at"]
    list_filter = ["status", "event"]
    actions = ["retry"]

    @admin.action(description=_("Deliver the selected failed webhooks again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = queryset.filter(status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.QUEUED, attempts=0, next_attempt_at=None
        )
        self.message_user(request, _("%(n)s deliveries queued; the next sweep sends them.") % {"n": count})


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """The signing secret is not a form field (editable=False): create endpoints on the webhook page
    or through the API, which show it once."""

    list_display = ["url", "brand", "events", "enabled", "created_at"]
    list_filter = ["brand", "enabled"]
    fields = ["enabled", "events"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SavedReplyForm(forms.ModelForm):
    class Meta:
        model = SavedReply
        fields = ["brand", "title", "body"]

    def clean_body(self) -> str:
        body = str(self.cleaned_data.get("body") or "")
        try:
            check_placeholders(body)  # the same rule as the saved-replies page
        except InvalidInput as exc:
            raise forms.ValidationError(exc.errors.get("body", exc.message)) from exc
        return body


@admin.register(SavedReply)
class SavedReplyAdmin(admin.ModelAdmin):
    form = SavedReplyForm
    list_display = ["title", "brand", "created_at"]
    list_filter = ["brand"]
    search_fields = ["title", "body"]


@admin.register(ResponseTarget)
class ResponseTargetAdmin(admin.ModelAdmin):
    list_display = ["brand", "priority", "minutes"]
    list_filter = ["brand"]

    def save_model(self, request: HttpRequest, obj: ResponseTarget, form: Any, change: bool) -> None:
        # Through the service, so the due times of open conversations follow the new target.
        set_response_target(obj.brand, priority=obj.priority, minutes=obj.minutes, by=request.user)
