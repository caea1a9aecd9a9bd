"""Template context shared by every page: the current brand and the viewer's role in it."""

from __future__ import annotations

from django.http import HttpRequest

from resonanz.accounts.models import ROLE_ORDER, Role
from resonanz.accounts.permissions import role_of


def brand_context(request: HttpRequest) -> dict[str, object]:
    brand = getattr(request, "brand", None)
    if brand is None:
        return {}
    role = role_of(request.user, brand)
    rank = role.rank if role else -1
    return {
        "brand": brand,
        "viewer_role": role,
        "is_team": rank >= ROLE_ORDER.index(Role.AGENT),
        "is_moderator": rank >= ROLE_ORDER.index(Role.MODERATOR),
        "is_manager": rank >= ROLE_ORDER.index(Role.MANAGER),
        # The external reviewer sees the pending proposals of the criticism guard, nothing else of the team's.
        "is_reviewer": role == Role.REVIEWER,
    }
