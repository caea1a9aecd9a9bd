"""App config of the alerts app (read side: nothing in the product imports it)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "resonanz.alerts"
    label = "alerts"
    verbose_name = _("Alerts")
