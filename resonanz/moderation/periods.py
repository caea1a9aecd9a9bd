"""Reporting periods: "2026-10", "2026-Q4", "2026" or "2026-10-01..2026-10-15", in the brand's time zone."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _

from resonanz.core.errors import InvalidInput

PERIOD_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})?$"


@dataclass(frozen=True)
class Period:
    label: str
    first_day: date
    end_day: date  # exclusive
    tz: str

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time.min, tzinfo=zoneinfo.ZoneInfo(self.tz))

    @property
    def end(self) -> datetime:
        return datetime.combine(self.end_day, time.min, tzinfo=zoneinfo.ZoneInfo(self.tz))


def _month_start(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _days(label: str) -> tuple[date, date]:
    if ".." in label:
        first, last = (date.fromisoformat(part) for part in label.split(".."))
        return first, last + timedelta(days=1)
    if "-Q" in label:
        year, quarter = int(label[:4]), int(label[-1])
        return _month_start(year, 3 * quarter - 2), _month_start(year, 3 * quarter + 1)
    if len(label) == 7:
        year, month = int(label[:4]), int(label[5:])
        return _month_start(year, month), _month_start(year, month + 1)
    year = int(label)
    return date(year, 1, 1), date(year + 1, 1, 1)


def parse_period(label: str, *, tz: str = "Europe/Berlin") -> Period:
    label = (label or "").strip()
    error = InvalidInput(
        {"period": _("Give a period like 2026-10, 2026-Q4, 2026 or 2026-10-01..2026-10-15.")}
    )
    if not re.match(PERIOD_PATTERN, label):
        raise error
    try:
        first, end = _days(label)
    except ValueError as exc:
        raise error from exc
    if end <= first or not 2000 <= first.year <= 2999:
        raise error
    return Period(label=label, first_day=first, end_day=end, tz=tz)


def current_month(tz: str) -> str:
    return datetime.now(zoneinfo.ZoneInfo(tz)).strftime("%Y-%m")
