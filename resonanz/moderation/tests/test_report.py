"""The transparency report's figures on a seeded month, its CSV, and reporting periods."""

from __future__ import annotations

import csv
import io
import json

import pytest

from resonanz.cli import main
from resonanz.core.errors import InvalidInput
from resonanz.moderation.periods import parse_period
from resonanz.moderation.tests.seed import seed_october
from resonanz.moderation.transparency import build_report, report_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def october(brand):
    seed_october(brand)
    return build_report(brand, parse_period("2026-10", tz=brand.timezone))


def test_counts_by_action_rule_channel_and_source(october):
    assert october["decisions"] == 7
    assert october["by_action"] == {"dismiss": 1, "hide": 3, "remove": 2, "restrict": 1}
    assert [(r["number"], r["version"], r["count"]) for r in october["by_rule"]] == [
        (1, 1, 5),
        (2, 1, 1),
        (3, 1, 1),
    ]
    assert october["by_channel"] == {"forum": 7}
    assert october["by_source"] == {"automation": 1, "member_report": 3, "team": 3}


def test_automated_versus_human(october):
    assert october["automation"] == {
        "automated_detection": 2, "human_detection": 5, "automated_decision_fully": 0,
        "automated_decision_partially": 1, "not_automated": 6, "automatic_hides": 1,
        "automatic_hides_confirmed": 1, "automatic_hides_reverted": 0,
    }  # fmt: skip


def test_median_time_from_report_to_decision(october):
    assert october["median_hours_report_to_decision"] == 4.0


def test_appeals_reversals_and_criticism_guard(october):
    assert october["appeals"] == {"received": 2, "upheld": 1, "reversed": 1, "open": 0, "reversal_rate": 0.5}
    assert october["criticism_guard"] == {
        "proposals": 2, "approved": 1, "rejected": 1, "pending": 0, "freeze_overrides": 0
    }  # fmt: skip
    expected = {"received": 3, "open": 0, "decided": 2, "dismissed": 1, "automatic_flags": 0}
    assert october["reports"] == expected


def test_other_periods(brand):
    seed_october(brand)
    november = build_report(brand, parse_period("2026-11", tz=brand.timezone))
    assert november["decisions"] == 1
    year = build_report(brand, parse_period("2026", tz=brand.timezone))
    assert (
        year["decisions"] == 8
        and build_report(brand, parse_period("2026-Q4", tz=brand.timezone))["decisions"] == 8
    )


def test_csv_has_one_row_per_figure(october):
    rows = list(csv.reader(io.StringIO(report_csv(october))))
    assert rows[0] == ["section", "key", "value"]
    assert ["by_action", "hide", "3"] in rows and ["timing", "median_hours_report_to_decision", "4.0"] in rows
    assert ["by_rule", "§1 v1 Respektvoller Umgang", "5"] in rows


@pytest.mark.parametrize("label", ["", "2026-13", "Oktober", "2026-10-05..2026-10-01", "1999"])
def test_bad_periods_are_refused(label):
    with pytest.raises(InvalidInput):
        parse_period(label)


def test_period_bounds_are_in_the_brand_time_zone():
    period = parse_period("2026-10", tz="Europe/Berlin")
    assert (
        period.start.isoformat() == "2026-10-01T00:00:00+02:00"
        and period.end.isoformat() == "2026-11-01T00:00:00+01:00"
    )


def test_cli_modreport(brand, capsys):
    seed_october(brand)
    assert main(["modreport", "--brand", brand.slug, "--period", "2026-10", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["decisions"] == 7
    assert main(["modreport", "--brand", brand.slug, "--period", "2026-10"]) == 0
    assert "by_action,hide,3" in capsys.readouterr().out
    assert main(["modreport", "--brand", brand.slug, "--period", "Oktober"]) == 2
