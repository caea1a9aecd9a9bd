"""The crisis deletion freeze: while on, no criticism is hidden or removed without a logged manager override.

``set_deletion_freeze`` is public API: the crisis mode of the alerts app switches the freeze with it.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import AnyUser, check_authenticated, check_role
from resonanz.community.models import Post
from resonanz.core.errors import InvalidInput
from resonanz.moderation import clock
from resonanz.moderation.errors import DeletionFrozen, ExplanationRequired
from resonanz.moderation.models import SILENCING, Action, FreezeOverride, ModerationSettings, ModLogEntry
from resonanz.moderation.services.brand_settings import settings_for
from resonanz.moderation.services.log import append_entry, role_label

# An override is for one decision soon after it was given, not a standing permission.
OVERRIDE_VALID_FOR = timedelta(hours=24)
# Silencing a post, and locking a thread (which silences every reply still to come).
FROZEN_ACTIONS = SILENCING | {Action.LOCK}


def check_freeze(post: Post, *, action: str, criticism: bool) -> FreezeOverride | None:
    """Inside the action's transaction: the unused override that permits silencing criticism in a freeze,
    None when no freeze applies; DeletionFrozen otherwise."""
    if not criticism or action not in FROZEN_ACTIONS or not settings_for(post.brand).deletion_freeze:
        return None
    override = (
        FreezeOverride.objects.select_for_update()
        .filter(post=post, used_at__isnull=True, created_at__gte=clock.now() - OVERRIDE_VALID_FOR)
        .order_by("-created_at")
        .first()
    )
    if override is None:
        raise DeletionFrozen(
            _(
                "A deletion freeze is on: criticism cannot be hidden or removed now. "
                "A manager can record an override for this post, which is logged publicly."
            )
        )
    return override


@transaction.atomic
def set_deletion_freeze(brand: Brand, *, on: bool, reason: str, by: AnyUser) -> ModerationSettings:
    """Switch the brand's deletion freeze (manager or the crisis mode acting for one); logged publicly."""
    check_role(by, brand, Role.MANAGER)
    reason = (reason or "").strip()
    if on and not reason:
        raise ExplanationRequired(_("Please say why the freeze is switched on."), field="reason")
    settings = settings_for(brand, lock=True)
    if settings.deletion_freeze == on:
        return settings
    settings.deletion_freeze, settings.freeze_reason = on, reason[:500]
    settings.freeze_changed_at = clock.now()
    settings.save(update_fields=["deletion_freeze", "freeze_reason", "freeze_changed_at"])
    append_entry(
        brand, kind=ModLogEntry.Kind.FREEZE,
        payload={"on": on, "reason": reason[:500], "by_role": role_label(by, brand)},
    )  # fmt: skip
    return settings


@transaction.atomic
def record_freeze_override(post: Post, *, by: AnyUser, reason: str) -> FreezeOverride:
    """A manager permits one hide/remove of this criticised post during the freeze; logged publicly."""
    brand = post.brand
    check_role(by, brand, Role.MANAGER)
    manager = check_authenticated(by)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ExplanationRequired(_("Please explain the override (at least 10 characters)."), field="reason")
    if not settings_for(brand).deletion_freeze:
        raise InvalidInput({"reason": _("No deletion freeze is on; no override is needed.")})
    override = FreezeOverride.objects.create(brand=brand, post=post, by=manager, reason=reason[:500])
    append_entry(
        brand, kind=ModLogEntry.Kind.FREEZE_OVERRIDE,
        payload={"post": post.pk, "reason": reason[:500], "by_role": role_label(by, brand)},
    )  # fmt: skip
    return override
