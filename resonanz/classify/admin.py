from django.contrib import admin

from resonanz.classify.models import LabelCorrection


@admin.register(LabelCorrection)
class LabelCorrectionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "brand", "task", "previous_label", "label", "model_version", "corrected_by"]
    list_filter = ["task", "brand"]
    search_fields = ["text", "source_ref"]
    raw_id_fields = ["corrected_by"]
    readonly_fields = ["created_at"]
