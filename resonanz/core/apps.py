from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "resonanz.core"
    label = "core"
    verbose_name = "Resonanz core"

    def ready(self) -> None:
        from resonanz.core import links  # noqa: F401 (registers the PUBLIC_URL system check)
