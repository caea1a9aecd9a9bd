"""Moderation numbers for dashboards, reports and the Dialog-Bilanz, read from the moderation app.

Moderation decisions are few compared with posts, so they are read from the moderation app's own
transparency report instead of being rolled up (one definition of every moderation number).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand
from resonanz.moderation.periods import Period
from resonanz.moderation.transparency import build_report


def action_names() -> dict[str, str]:
    from resonanz.moderation.models import Action

    return {str(value): str(label) for value, label in Action.choices}


def moderation_summary(brand: Brand, period: Period) -> dict[str, Any]:
    report = build_report(brand, period)
    names = action_names()
    appeals = report.get("appeals", {})
    guard = report.get("criticism_guard", {})
    return {
        "decisions": report.get("decisions", 0),
        "by_action": {names.get(k, k): n for k, n in report.get("by_action", {}).items()},
        "appeals": appeals.get("received", 0),
        "reversed": appeals.get("reversed", 0),
        "reversal_rate": appeals.get("reversal_rate"),
        "criticism_guard_proposals": guard.get("proposals", 0),
        "criticism_guard_rejected": guard.get("rejected", 0),
        "freeze_overrides": guard.get("freeze_overrides", 0),
        "median_hours_report_to_decision": report.get("median_hours_report_to_decision"),
        "automated_detection": report.get("automation", {}).get("automated_detection", 0),
        "label": _("Moderation"),
    }
