"""CSV times: German date formats besides ISO 8601 and Unix seconds; bad dates name their line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from resonanz.sources.imports import csv_format
from resonanz.sources.imports.csv_format import parse_time

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31.12.2025 14:05", datetime(2025, 12, 31, 14, 5, tzinfo=BERLIN)),
        ("31.12.2025", datetime(2025, 12, 31, 0, 0, tzinfo=BERLIN)),
        ("31.12.25 14:05:33", datetime(2025, 12, 31, 14, 5, 33, tzinfo=BERLIN)),
        ("1.7.2026 9:30", datetime(2026, 7, 1, 9, 30, tzinfo=BERLIN)),
        ("2025-12-31T14:05:00+01:00", datetime(2025, 12, 31, 13, 5, tzinfo=UTC)),
        ("2025-12-31T13:05:00Z", datetime(2025, 12, 31, 13, 5, tzinfo=UTC)),
        ("1767186300", datetime(2025, 12, 31, 13, 5, tzinfo=UTC)),
    ],
)
def test_accepted_formats(value, expected):
    assert parse_time(value) == expected


def test_german_summer_time_is_utc_plus_two():
    assert parse_time("01.07.2026 12:00") == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)


def test_empty_is_none():
    assert parse_time("  ") is None


@pytest.mark.parametrize("value", ["morgen", "31.02.2025", "31.12.2025 25:00", "12/31/2025"])
def test_unparseable_dates_raise(value):
    with pytest.raises(ValueError):
        parse_time(value)


def test_file_with_german_dates_rejects_bad_line_by_number(tmp_path: Path):
    path = tmp_path / "export.csv"
    path.write_text(
        "id;text;author;created_at\n"
        "1;Zug fiel aus;anna;31.12.2025 14:05\n"
        "2;Danke!;bernd;31.12.25 14:05:33\n"
        "3;Wann fährt er?;carla;31.13.2025\n"
        "4;Super;dieter;01.01.2026\n",
        encoding="utf-8",
    )
    parsed = csv_format.parse(path)
    assert [p.created_at for p in parsed.posts] == [
        datetime(2025, 12, 31, 14, 5, tzinfo=BERLIN),
        datetime(2025, 12, 31, 14, 5, 33, tzinfo=BERLIN),
        datetime(2026, 1, 1, tzinfo=BERLIN),
    ]
    assert len(parsed.rejected) == 1
    where, reason = parsed.rejected[0]
    assert where == "export.csv: line 4"
    assert reason.startswith("unreadable date '31.13.2025'")
