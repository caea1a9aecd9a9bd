from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "resonanz.privacy"
    label = "privacy"
    verbose_name = "Resonanz privacy"
