"""The brand's moderation settings: read (created on first use) and changed by managers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import AnyUser, check_role
from resonanz.core.errors import InvalidInput
from resonanz.moderation.models import ModerationSettings, ModLogEntry, dsa

# Settings that decide who may silence what: every change is a public log entry (old and new value), so a
# manager cannot quietly shorten the approvers' waiting time or loosen automation before a removal.
PUBLIC = ("auto_hide_threshold", "auto_hide_rule_number", "appeal_window_days", "approver_min_role_days")

EDITABLE = (
    "auto_hide_threshold",
    "auto_hide_rule_number",
    "appeal_window_days",
    "territorial_scope",
    "approver_min_role_days",
)


def settings_for(brand: Brand, *, lock: bool = False) -> ModerationSettings:
    """The brand's settings row; ``lock`` takes a row lock, which serialises log appends per brand."""
    settings, _created = ModerationSettings.objects.get_or_create(brand=brand)
    if lock:
        settings = ModerationSettings.objects.select_for_update().get(pk=settings.pk)
    return settings


@transaction.atomic
def update_moderation_settings(brand: Brand, *, by: AnyUser, **changes: Any) -> ModerationSettings:
    check_role(by, brand, Role.MANAGER)
    settings = settings_for(brand, lock=True)
    before = {name: getattr(settings, name) for name in PUBLIC}
    for name, value in changes.items():
        if name not in EDITABLE:
            raise InvalidInput({name: _("This setting cannot be changed here.")})
        setattr(settings, name, value)
    scope = settings.territorial_scope
    if not scope or any(code not in dsa.EEA_COUNTRIES for code in scope):
        raise InvalidInput({"territorial_scope": _("Use EU/EEA country codes such as DE or AT.")})
    try:
        settings.full_clean()
    except ValidationError as exc:
        raise InvalidInput({k: " ".join(v) for k, v in exc.message_dict.items()}) from exc
    settings.save()
    changed = {name: [before[name], getattr(settings, name)] for name in PUBLIC}
    changed = {name: values for name, values in changed.items() if values[0] != values[1]}
    if changed:
        # Imported here: the log module reads these settings (the brand's salt and head) itself.
        from resonanz.moderation.services.log import append_entry, role_label

        append_entry(
            brand, kind=ModLogEntry.Kind.SETTINGS,
            payload={"changed": {k: [float(a), float(b)] for k, (a, b) in changed.items()},
                     "by_role": role_label(by, brand)},
        )  # fmt: skip
    return settings
