"""Absolute links for e-mails, feeds and DSA statements (pages themselves use relative URLs)."""

from __future__ import annotations

from django.urls import reverse

from resonanz.core.links import absolute, public_base_url
from resonanz.moderation.models import HouseRule, ModerationDecision

__all__ = ["absolute", "appeal_path", "public_base_url", "rule_url", "statement_path"]


def rule_url(rule: HouseRule) -> str:
    path = reverse("moderation_public:rules_version", args=[rule.version.brand.slug, rule.version.number])
    return absolute(f"{path}#rule-{rule.number}")


def statement_path(decision: ModerationDecision) -> str:
    return reverse("moderation_public:statement", args=[decision.brand.slug, decision.puid])


def appeal_path(decision: ModerationDecision) -> str:
    return reverse("moderation_public:appeal", args=[decision.brand.slug, decision.puid])
