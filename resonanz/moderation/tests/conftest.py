"""Fixtures of the moderation tests: published house rules, a second moderator, typical posts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from resonanz.accounts.models import Brand, Role, User
from resonanz.accounts.tests.factories import member_factory
from resonanz.community.models import Post
from resonanz.moderation.models import HouseRuleVersion
from resonanz.moderation.tests.factories import post_with_labels, rules_factory


@pytest.fixture
def english(settings: Any) -> Iterator[None]:
    """Pages and messages in English (the msgids), whatever the German catalogue says. Modules opt in
    with ``pytest.mark.usefixtures("english")`` (the member-facing tests here assert German)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def rules(brand: Brand, manager: User) -> HouseRuleVersion:
    return rules_factory(brand, by=manager)


@pytest.fixture
def moderator2(brand: Brand) -> User:
    return member_factory(brand, Role.MODERATOR, username="moritz")


@pytest.fixture
def abusive_post(brand: Brand, rules: HouseRuleVersion) -> Post:
    return post_with_labels(brand, body="Ihr seid alle Idioten!", abuse=0.95)


@pytest.fixture
def critical_post(brand: Brand, rules: HouseRuleVersion) -> Post:
    return post_with_labels(
        brand, body="Der Zug war schon wieder 40 Minuten zu spät. Das ist ein Armutszeugnis.",
        abuse=0.2, criticism=True,
    )  # fmt: skip
