"""Absolute links for e-mails, feeds and DSA statements (pages themselves use relative URLs)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from resonanz.moderation.models import HouseRule, ModerationDecision


def public_base_url() -> str:
    # RESONANZ["PUBLIC_URL"] is the address members reach the installation at (no trailing slash).
    base: str = settings.RESONANZ.get("PUBLIC_URL") or "http://localhost:8000"
    return base.rstrip("/")


def absolute(path: str) -> str:
    return public_base_url() + path


def rule_url(rule: HouseRule) -> str:
    path = reverse("moderation_public:rules_version", args=[rule.version.brand.slug, rule.version.number])
    return absolute(f"{path}#rule-{rule.number}")


def statement_path(decision: ModerationDecision) -> str:
    return reverse("moderation_public:statement", args=[decision.brand.slug, decision.puid])


def appeal_path(decision: ModerationDecision) -> str:
    return reverse("moderation_public:appeal", args=[decision.brand.slug, decision.puid])
