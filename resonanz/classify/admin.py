from django.contrib import admin

from resonanz.classify.models import LabelCorrection, Topic


@admin.register(LabelCorrection)
class LabelCorrectionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "brand", "task", "previous_label", "label", "model_version", "corrected_by"]
    list_filter = ["task", "brand"]
    search_fields = ["text", "source_ref"]
    raw_id_fields = ["corrected_by"]
    readonly_fields = ["created_at"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "brand", "active", "min_similarity", "updated_at"]
    list_filter = ["active", "brand"]
    search_fields = ["name"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["created_at", "updated_at"]
