from django.contrib import admin

from resonanz.privacy.models import RetentionRun, RetentionSettings


@admin.register(RetentionSettings)
class RetentionSettingsAdmin(admin.ModelAdmin):
    list_display = ["brand", "external_messages_days", "ip_addresses_days", "webhook_deliveries_days",
                    "task_results_days", "dead_letters_days"]  # fmt: skip


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "dry_run"]
    readonly_fields = ["started_at", "dry_run", "counts"]
