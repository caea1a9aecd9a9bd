"""Statements of reasons in the shape of the DSA Transparency Database API (no personal data).

The database takes at most 100 statements per call and rejects a whole batch for one invalid
statement, so the export is validated against ``schemas/dsa_statement.schema.json`` in the tests.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from resonanz.accounts.models import Brand
from resonanz.moderation.models import RESTRICTING, ModerationDecision, dsa
from resonanz.moderation.periods import Period

BATCH_SIZE = 100
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "dsa_statement.schema.json"
MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_][A-Za-z0-9_.-]{1,29}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")  # a sentence-ending dot stays


def scrub(text: str) -> str:
    """Remove the personal data moderators most often quote: e-mail addresses and @handles."""
    return MENTION.sub("@[user]", EMAIL.sub("[e-mail]", text or ""))


def _day(value: Any) -> str | None:
    return value.isoformat() if value else None


def statement(decision: ModerationDecision) -> dict[str, Any]:
    """One statement of reasons; optional fields are left out rather than sent empty."""
    out: dict[str, Any] = {
        "decision_ground": decision.decision_ground,
        "content_type": list(decision.content_type),
        "category": decision.category,
        "territorial_scope": sorted(decision.territorial_scope),
        "content_date": _day(decision.content_date or decision.created_at.date()),
        "application_date": _day(decision.application_date or decision.created_at.date()),
        "decision_facts": scrub(decision.decision_facts)[:5000],
        "source_type": decision.source_type,
        "automated_detection": decision.automated_detection,
        "automated_decision": decision.automated_decision,
        "puid": decision.puid,
    }
    if decision.decision_visibility:
        out["decision_visibility"] = list(decision.decision_visibility)
        if decision.decision_visibility_other:
            out["decision_visibility_other"] = decision.decision_visibility_other[:500]
        out["end_date_visibility_restriction"] = _day(decision.end_date_visibility_restriction)
    if decision.decision_account:
        out["decision_account"] = decision.decision_account
        out["end_date_account_restriction"] = _day(decision.end_date_account_restriction)
    for name in ("decision_provision", "decision_monetary", "decision_ground_reference_url"):
        if getattr(decision, name):
            out[name] = getattr(decision, name)
    if decision.decision_ground == dsa.DecisionGround.ILLEGAL_CONTENT:
        out["illegal_content_legal_ground"] = decision.illegal_content_legal_ground[:500]
        out["illegal_content_explanation"] = scrub(decision.illegal_content_explanation)[:2000]
    else:
        out["incompatible_content_ground"] = decision.incompatible_content_ground[:500]
        out["incompatible_content_explanation"] = scrub(decision.incompatible_content_explanation)[:2000]
    if decision.category_specification:
        out["category_specification"] = list(decision.category_specification)
    if decision.content_language:
        out["content_language"] = decision.content_language
    return out


def list_statements(brand: Brand, period: Period) -> list[dict[str, Any]]:
    """Every restricting decision that took effect in the period (later reversals included)."""
    decisions = ModerationDecision.objects.filter(
        brand=brand, action__in=list(RESTRICTING), effective_at__gte=period.start, effective_at__lt=period.end
    ).order_by("effective_at", "id")
    return [statement(decision) for decision in decisions]


def batches(statements: list[dict[str, Any]], *, size: int = BATCH_SIZE) -> list[dict[str, Any]]:
    """Request bodies for the API's multi-statement endpoint: ``{"statements": [...]}``, ≤ 100 each."""
    return [{"statements": statements[i : i + size]} for i in range(0, len(statements), size)]
