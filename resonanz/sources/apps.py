from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = "resonanz.sources"
    label = "sources"
    verbose_name = _("Channels")

    def ready(self) -> None:
        from resonanz.sources import keys  # noqa: F401 (registers the encryption key check)
