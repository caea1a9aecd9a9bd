"""Template tags other apps use to show the crisis state.

``{% unresolved_alerts brand %}`` for the staff navigation (the in-app signal of an open alert);
``{% crisis_composer brand conversation %}`` above the inbox composer: while crisis mode is on, a
banner with the holding statements as one-click saved replies (the same htmx call as the inbox's own).
"""

from __future__ import annotations

from typing import Any

from django import template

from resonanz.accounts.models import Brand
from resonanz.alerts.selectors import active_crisis, count_unresolved
from resonanz.inbox.models import SavedReply

register = template.Library()


@register.simple_tag
def unresolved_alerts(brand: Brand) -> int:
    return count_unresolved(brand)


@register.inclusion_tag("alerts/_crisis_composer.html")
def crisis_composer(brand: Brand, conversation: Any) -> dict[str, Any]:
    crisis = active_crisis(brand)
    statements = (
        list(SavedReply.objects.filter(brand=brand, pk__in=crisis.saved_reply_ids))
        if crisis is not None
        else []
    )
    return {"brand": brand, "conversation": conversation, "crisis": crisis, "statements": statements}


@register.filter
def action_name(code: str) -> str:
    """The moderation action's label ("Remove") for its stored code ("remove")."""
    from resonanz.insights.moderation_figures import action_names

    return action_names().get(code, code)
