"""The DSA export validates against the hand-written JSON Schema, carries no personal data, and batches."""

from __future__ import annotations

import json

import jsonschema
import pytest

from resonanz.cli import main
from resonanz.moderation.dsa_export import SCHEMA_PATH, batches, list_statements, scrub
from resonanz.moderation.periods import parse_period
from resonanz.moderation.tests.seed import seed_october

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


@pytest.fixture
def statements(brand):
    seeded = seed_october(brand)
    return seeded, list_statements(brand, parse_period("2026-10", tz=brand.timezone))


def test_schema_itself_is_valid():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_every_statement_validates(statements):
    _seeded, items = statements
    assert len(items) == 6  # restricting decisions only: no dismissals, no rejected proposals
    for item in items:
        VALIDATOR.validate(item)


def test_statement_fields_follow_the_decision(statements):
    _seeded, items = statements
    hidden = ["DECISION_VISIBILITY_CONTENT_DISABLED"]
    automatic = next(
        s for s in items
        if s["automated_detection"] == "Yes" and s["source_type"] == "SOURCE_VOLUNTARY"
        and s.get("decision_visibility") == hidden
    )  # fmt: skip
    assert automatic["automated_decision"] == "AUTOMATED_DECISION_PARTIALLY"
    restriction = next(s for s in items if "decision_account" in s)
    assert restriction["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
    assert restriction["end_date_account_restriction"] == "2026-10-27"
    assert all(s["territorial_scope"] == ["DE"] and s["content_language"] == "DE" for s in items)
    assert not any(s["automated_decision"] == "AUTOMATED_DECISION_FULLY" for s in items)


def test_no_personal_data_in_the_export(statements, brand):
    _seeded, items = statements
    text = json.dumps(items)
    from resonanz.accounts.models import User

    for user in User.objects.all():
        assert user.email not in text and f'"{user.username}"' not in text
    assert "@mia" not in text and "Vollidiot" not in text  # the facts never quote the post


def test_invalid_statements_are_rejected_by_the_schema(statements):
    _seeded, items = statements
    broken = [
        {k: v for k, v in items[0].items() if k != "decision_ground"},
        {**items[0], "category": "STATEMENT_CATEGORY_SOMETHING"},
        {**items[0], "automated_detection": True},
        {**items[0], "puid": "has spaces"},
        {**items[0], "decision_facts": "x" * 5001},
        {
            k: v
            for k, v in items[0].items()
            if k not in ("decision_visibility", "end_date_visibility_restriction")
        },
        {k: v for k, v in items[0].items() if k != "incompatible_content_ground"},
        {**items[0], "author": "mia"},
    ]
    for item in broken:
        assert not VALIDATOR.is_valid(item)


def test_batches_hold_at_most_100_statements():
    sizes = [len(batch["statements"]) for batch in batches([{"n": i} for i in range(205)])]
    assert sizes == [100, 100, 5]


def test_scrub_removes_handles_and_addresses():
    assert scrub("Frag @mia oder schreib an mia@example.org") == "Frag @[user] oder schreib an [e-mail]"


def test_cli_dsa_format(statements, brand, capsys):
    assert main(["modreport", "--brand", brand.slug, "--period", "2026-10", "--format", "dsa"]) == 0
    output = json.loads(capsys.readouterr().out)
    assert len(output) == 1 and len(output[0]["statements"]) == 6
