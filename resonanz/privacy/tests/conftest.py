"""The moderation fixtures (published house rules) for decisions made in these tests."""

from resonanz.moderation.tests.conftest import rules  # noqa: F401
