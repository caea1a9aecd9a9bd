"""Admin for moderation data: read-only. Every change goes through the services, which write the public
log; nothing here can add, change or delete a decision or a log entry behind the log's back."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from resonanz.moderation.models import (
    Appeal,
    FreezeOverride,
    HouseRuleVersion,
    ModerationDecision,
    ModerationSettings,
    ModLogEntry,
    Notice,
    Report,
    Restriction,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.method in ("GET", "HEAD")  # the change page shows the record, saving is refused

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # part of the moderation record

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["id", "brand", "post", "reason", "criticism", "status", "created_at"]
    list_filter = ["brand", "status", "reason"]


@admin.register(ModerationDecision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["puid", "brand", "action", "status", "four_eyes", "automated_decision", "created_at"]
    list_filter = ["brand", "action", "status", "four_eyes", "automated_detection"]
    search_fields = ["puid"]


@admin.register(ModLogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ["brand", "seq", "kind", "created_at", "excerpt_state", "entry_hash"]
    list_filter = ["brand", "kind"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["id", "decision", "status", "created_at", "decided_at"]
    list_filter = ["status"]


@admin.register(HouseRuleVersion)
class RuleVersionAdmin(ReadOnlyAdmin):
    list_display = ["brand", "number", "published_at", "change_note"]
    list_filter = ["brand"]


@admin.register(ModerationSettings)
class SettingsAdmin(ReadOnlyAdmin):
    list_display = ["brand", "auto_hide_threshold", "appeal_window_days", "deletion_freeze", "log_head_seq"]
    exclude = ["log_salt"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [name for name in super().get_readonly_fields(request, obj) if name != "log_salt"]


for model in (Restriction, Notice, FreezeOverride):
    admin.site.register(model, ReadOnlyAdmin)

# Memberships: the admin's role changes go through the moderation service (recorded, logged publicly).
from resonanz.moderation import role_admin  # noqa: E402, F401
