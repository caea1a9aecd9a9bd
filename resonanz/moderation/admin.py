from django.contrib import admin

from resonanz.moderation.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["id", "brand", "post", "reason", "status", "created_at"]
    list_filter = ["brand", "status", "reason"]
    raw_id_fields = ["post", "reporter"]

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False  # reports are part of the moderation record
