from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "resonanz.core"
    label = "core"
    verbose_name = "Resonanz core"

    def ready(self) -> None:
        from resonanz.core import checks, links  # noqa: F401 (register the system checks)
