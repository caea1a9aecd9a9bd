"""``{% unresolved_alerts brand %}`` for the staff navigation: the in-app signal of an open alert."""

from __future__ import annotations

from django import template

from resonanz.accounts.models import Brand
from resonanz.alerts.selectors import count_unresolved

register = template.Library()


@register.simple_tag
def unresolved_alerts(brand: Brand) -> int:
    return count_unresolved(brand)
