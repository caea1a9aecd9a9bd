"""Channels in the Django admin: saved through the same services as the channel pages, so settings are
checked the same way and secrets are write-only (encrypted on save, never shown again)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from resonanz.core.errors import InvalidInput
from resonanz.sources import services
from resonanz.sources.connectors import CONNECTORS
from resonanz.sources.crypto import CredentialError, decrypt_credentials
from resonanz.sources.models import Channel, ChannelKind, DeadLetter
from resonanz.sources.polling import poll_channel
from resonanz.sources.validation import check_complete, clean_config, clean_secrets


class ChannelAdminForm(forms.ModelForm):
    secrets = forms.CharField(
        label=_("secrets"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password", "size": 80}),
        help_text=_(
            'JSON object, e.g. {"access_token": "…"} or {"access_token": "env:MASTODON_TOKEN"}. '
            "Stored encrypted and never shown again; leave empty to keep the stored secrets."
        ),
    )

    class Meta:
        model = Channel
        fields = ["brand", "kind", "name", "config", "enabled"]

    def clean_secrets(self) -> dict[str, str]:
        raw = (self.cleaned_data.get("secrets") or "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not JSON (line %(line)s, column %(column)s): %(error)s")
                % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
            ) from exc
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise forms.ValidationError(_('Expected an object of texts, e.g. {"app_password": "…"}.'))
        return value

    def clean_config(self) -> dict[str, Any]:
        value = self.cleaned_data.get("config") or {}
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Expected a JSON object."))
        return value

    def clean(self) -> dict[str, Any]:
        """The services' checks, so their errors show at the fields instead of failing the save."""
        data = super().clean() or {}
        kind = self.instance.kind if self.instance.pk else data.get("kind")
        if kind == ChannelKind.COMMUNITY and not self.instance.pk:
            self.add_error("kind", _("The community channel is created automatically."))
        elif kind in CONNECTORS and "config" in data and "secrets" in data:
            try:
                data["config"] = clean_config(kind, data["config"])
                data["secrets"] = clean_secrets(kind, data["secrets"])
                stored = decrypt_credentials(self.instance.credentials) if self.instance.pk else {}
                if data.get("enabled") and kind != ChannelKind.COMMUNITY:
                    check_complete(kind, data["config"], stored | data["secrets"])
            except InvalidInput as exc:
                for field, message in exc.errors.items():
                    self.add_error(field if field in self.fields else None, message)
            except CredentialError as exc:
                self.add_error("secrets", str(exc))
        return data


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    form = ChannelAdminForm
    list_display = ["name", "brand", "kind", "enabled", "has_credentials", "last_polled_at", "last_error"]
    list_filter = ["kind", "enabled", "brand"]
    search_fields = ["name"]
    readonly_fields = ["uuid", "state", "last_polled_at", "next_poll_at", "last_error", "last_error_at"]
    actions = ["poll_now"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = list(self.readonly_fields)
        return [*fixed, "brand", "kind"] if obj is not None else fixed

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is None:
            return field
        if db_field.name == "kind" and isinstance(field, forms.ChoiceField):
            field.choices = [(k, v) for k, v in ChannelKind.choices if k != ChannelKind.COMMUNITY]
        if db_field.name == "config":
            allowed = {kind: list(c.config_fields) for kind, c in CONNECTORS.items() if c.config_fields}
            field.help_text = _("Settings per kind: %(fields)s") % {
                "fields": "; ".join(f"{kind}: {', '.join(names)}" for kind, names in allowed.items())
            }
        return field

    def save_model(self, request: HttpRequest, obj: Channel, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            services.update_channel(
                obj,
                by=request.user,
                name=data["name"],
                config=data["config"],
                secrets=data["secrets"],
                enabled=data["enabled"],
            )
        else:
            created = services.create_channel(
                data["brand"],
                kind=data["kind"],
                name=data["name"],
                config=data["config"],
                secrets=data["secrets"],
                enabled=data["enabled"],
                by=request.user,
            )
            obj.pk = created.pk

    @admin.action(description=_("Poll the selected channels now"))
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Channel]) -> None:
        for channel in queryset.select_related("brand"):
            if not CONNECTORS[channel.kind].can_poll:
                continue
            outcome = poll_channel(channel)
            self.message_user(request, str(outcome), level=messages.ERROR if outcome.error else messages.INFO)


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    """Read-only for operators; admins of a brand retry and discard on the channel page or the API."""

    list_display = ["channel", "where", "stage", "status", "attempts", "last_seen_at"]
    list_filter = ["status", "stage", "channel__kind"]
    search_fields = ["external_id", "where", "error"]
    list_select_related = ["channel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DeadLetter | None = None) -> bool:
        return False
