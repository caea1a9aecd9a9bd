"""What a figure is computed over: a brand, a period in the brand's time zone, optional channel/topic."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

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

    @property
    def days(self) -> list[date]:
        count = (self.period.end_day - self.period.first_day).days
        return [self.period.first_day + timedelta(days=n) for n in range(count)]

    @property
    def weekly(self) -> bool:
        return len(self.days) > LONG_PERIOD_DAYS

    def bucket(self, moment: datetime) -> date:
        """The local day (or the Monday of the local week) a moment belongs to."""
        day = moment.astimezone(self.zone).date()
        return day - timedelta(days=day.weekday()) if self.weekly else day

    @property
    def buckets(self) -> list[date]:
        if not self.weekly:
            return self.days
        return sorted({day - timedelta(days=day.weekday()) for day in self.days})

    def previous(self) -> Scope:
        """The period of the same length right before this one (for trends)."""
        length = self.period.end_day - self.period.first_day
        first = self.period.first_day - length
        label = f"{first.isoformat()}..{(self.period.first_day - timedelta(days=1)).isoformat()}"
        return replace(
            self,
            period=Period(label=label, first_day=first, end_day=self.period.first_day, tz=self.period.tz),
        )


def last_days(brand: Brand, days: int, *, today: date | None = None) -> str:
    """The label of the last ``days`` local days up to and including today."""
    today = today or datetime.now(zoneinfo.ZoneInfo(brand.timezone)).date()
    return f"{(today - timedelta(days=days - 1)).isoformat()}..{today.isoformat()}"


def scope_for(brand: Brand, label: str, *, channel_id: int | None = None, topic: str = "") -> Scope:
    return Scope(
        brand=brand, period=parse_period(label, tz=brand.timezone), channel_id=channel_id, topic=topic
    )
