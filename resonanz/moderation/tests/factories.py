"""Moderation test data with keyword knobs: ``rules_factory(brand)``, ``post_with_labels(abuse=0.95)``."""

from __future__ import annotations

from typing import Any

from resonanz.accounts.models import Brand, Role, User
from resonanz.accounts.tests.factories import UserFactory, member_factory
from resonanz.community.models import Post
from resonanz.community.tests.factories import thread_factory
from resonanz.moderation.models import HouseRule, HouseRuleVersion
from resonanz.moderation.services import publish_house_rules

DEFAULT_RULES = [
    ("Respektvoller Umgang", "Keine Beleidigungen, keine Drohungen, kein Hass."),
    ("Keine Werbung", "Keine Werbung und kein Spam."),
    ("Privatsphäre", "Keine persönlichen Daten anderer."),
]


def rules_factory(
    brand: Brand, *, by: User | None = None, rules: list[tuple[str, str]] | None = None
) -> HouseRuleVersion:
    by = by or member_factory(brand, Role.MANAGER)
    return publish_house_rules(brand, rules=rules or DEFAULT_RULES, by=by)


def rule(brand: Brand, number: int = 1) -> HouseRule:
    return HouseRule.objects.filter(version__brand=brand, number=number).order_by("-version__number").first()  # type: ignore[return-value]


def post_with_labels(
    brand: Brand,
    *,
    body: str = "Ihr seid alle Idioten!",
    abuse: float = 0.1,
    criticism: bool = False,
    author: User | None = None,
    abuse_confident: bool | None = None,
    **labels: Any,
) -> Post:
    """The opening post of a new thread, with classifier labels as the entered task stores them.

    ``abuse_confident`` (the classifier is confident it is abuse, so the criticism guard does not protect
    the post) defaults to a score of at least 0.9 without the criticism label, as the calibrated
    classifier would say; pass it to test the disagreement."""
    if abuse_confident is None:
        abuse_confident = abuse >= 0.9 and not criticism
    author = author or UserFactory()
    post = thread_factory(brand, body=body, author=author).posts.get()
    post.labels = {
        "sentiment": "negative", "abuse": abuse >= 0.5, "abuse_score": abuse, "criticism": criticism,
        "abuse_confident": abuse_confident, "language": "de", "model_version": "test-1",
        "explanations": {"abuse": [{"feature": "idioten", "weight": 1.2}]}, **labels,
    }  # fmt: skip
    post.save(update_fields=["labels"])
    return post
