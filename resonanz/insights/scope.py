"""What a figure is computed over: a brand, a period in the brand's time zone, optional channel/topic."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cached_property

from resonanz.accounts.models import Brand
from resonanz.moderation.periods import Period, parse_period

LONG_PERIOD_DAYS = 92  # beyond this, series are shown per week instead of per day


@dataclass(frozen=True)
class Scope:
    brand: Brand
    period: Period
    channel_id: int | None = None
    topic: str = ""

    @property
    def start(self) -> datetime:
        return self.period.start

    @property
    def end(self) -> datetime:
        return self.period.end

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.period.tz)

    @cached_property
    def days(self) -> list[date]:
        count = (self.period.end_day - self.period.first_day).days
        return [self.period.first_day + timedelta(days=n) for n in range(count)]

    @cached_property
    def weekly(self) -> bool:
        return len(self.days) > LONG_PERIOD_DAYS

    def bucket(self, moment: datetime) -> date:
        """The local day (or the Monday of the local week) a moment belongs to."""
        return self.bucket_of(moment.astimezone(self.zone).date())

    def bucket_of(self, day: date) -> date:
        return day - timedelta(days=day.weekday()) if self.weekly else day

    @cached_property
    def buckets(self) -> list[date]:
        if not self.weekly:
            return self.days
        return sorted({day - timedelta(days=day.weekday()) for day in self.days})

    @cached_property
    def units(self) -> list[tuple[str, date, date]]:
        """The period as rollup rows to read: (grain, first, end) — whole local months as month rows,
        the days before the first and after the last whole month as day rows."""
        first, end = self.period.first_day, self.period.end_day
        month = first if first.day == 1 else _next_month(first)
        last_month = end.replace(day=1)
        if month >= last_month:
            return [("d", first, end)] if first < end else []
        out = [("m", month, last_month)]
        if first < month:
            out.insert(0, ("d", first, month))
        if last_month < end:
            out.append(("d", last_month, end))
        return out

    def previous(self) -> Scope:
        """The period of the same length right before this one (for trends)."""
        length = self.period.end_day - self.period.first_day
        first = self.period.first_day - length
        label = f"{first.isoformat()}..{(self.period.first_day - timedelta(days=1)).isoformat()}"
        return replace(
            self,
            period=Period(label=label, first_day=first, end_day=self.period.first_day, tz=self.period.tz),
        )


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def last_days(brand: Brand, days: int, *, today: date | None = None) -> str:
    """The label of the last ``days`` local days up to and including today."""
    today = today or datetime.now(zoneinfo.ZoneInfo(brand.timezone)).date()
    return f"{(today - timedelta(days=days - 1)).isoformat()}..{today.isoformat()}"


def scope_for(brand: Brand, label: str, *, channel_id: int | None = None, topic: str = "") -> Scope:
    return Scope(
        brand=brand, period=parse_period(label, tz=brand.timezone), channel_id=channel_id, topic=topic
    )
