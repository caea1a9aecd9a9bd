"""Template helpers of the moderation pages: readable labels for stored enum values and log entries."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

from resonanz.moderation import logtext, logtree
from resonanz.moderation.models import ModLogEntry, dsa
from resonanz.moderation.transparency import FIGURE_LABELS

register = template.Library()

DSA_ENUMS = [
    dsa.DecisionVisibility, dsa.DecisionAccount, dsa.DecisionGround, dsa.ContentType, dsa.StatementCategory,
    dsa.CategoryKeyword, dsa.SourceType, dsa.AutomatedDetection, dsa.AutomatedDecision,
]  # fmt: skip
DSA_LABELS = {value: label for enum in DSA_ENUMS for value, label in enum.choices}


@register.filter
def dsa_label(value: Any) -> str:
    """The readable label of a DSA enum value, or of each value in a list."""
    if isinstance(value, list | tuple):
        return ", ".join(str(DSA_LABELS.get(v, v)) for v in value)
    return str(DSA_LABELS.get(value, value))


@register.filter
def action_label(value: str) -> str:
    return logtext.action_name(value)


@register.filter
def role_name(value: str | None) -> str:
    return logtext.role_name(value)


@register.filter
def rules_cited(payload: dict[str, Any]) -> str:
    return logtext.rules_cited(payload)


@register.filter
def log_title(entry: ModLogEntry) -> str:
    return logtext.entry_title(entry)


@register.filter
def log_summary(entry: ModLogEntry) -> str:
    return logtext.entry_summary(entry)


@register.filter
def log_actor(entry: ModLogEntry) -> str:
    """Who acted, by role: the decider of a decision, the manager of a freeze or rules change."""
    return logtext.role_name(entry.payload.get("decided_by_role") or entry.payload.get("by_role"))


@register.filter
def appeal_outcome(entry: ModLogEntry, outcomes: dict[str, str]) -> str | None:
    """The logged appeal outcome of the decision this entry records, if any."""
    return outcomes.get(entry.payload.get("decision") or "") if outcomes else None


@register.filter
def evidence(labels: dict[str, Any] | None, head: str) -> str:
    """The words that drove one classifier label, e.g. "idioten (2.84), ihr (0.80)"; rules by name."""
    items = ((labels or {}).get("explanations") or {}).get(head) or []
    parts = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if "feature" in item:
            weight = item.get("weight")
            if isinstance(weight, int | float):
                parts.append(f"{item['feature']} ({number_format(weight, 2)})")
            else:
                parts.append(str(item["feature"]))
        elif item.get("rule"):
            parts.append(str(item["rule"]))
    return ", ".join(parts)


@register.filter
def figure_label(key: str) -> str:
    return str(FIGURE_LABELS.get(key, key))


@register.filter
def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f} %"


@register.filter
def log_leaf(entry: ModLogEntry) -> str:
    """The entry's RFC 9162 leaf hash, which inclusion proofs and checkpoints commit to."""
    return logtree.leaf_of(entry).hex()
