from django.apps import AppConfig


class ClassifyConfig(AppConfig):
    name = "resonanz.classify"
    label = "classify"
    verbose_name = "Classification"
    default_auto_field = "django.db.models.BigAutoField"
