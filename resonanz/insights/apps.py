"""App config of the insights app (read side: nothing in the product imports it)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "resonanz.insights"
    label = "insights"
    verbose_name = _("Insights")
