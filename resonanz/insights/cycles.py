"""Measurement cycles of a conversation and business-hour durations — pure Python, no Django.

A cycle starts with the first customer message of a conversation, with the first customer message after
a human answer, or when the conversation is reopened (by hand or by the pipeline). It ends with the
first outgoing message that is not automated. A reopening supersedes an unanswered cycle, which then
stays unanswered: reopened conversations are measured anew instead of inflating the old measurement.
Everything here is a function of the conversation's complete history, so the order in which rows
arrive (incremental consumer vs rebuild) cannot change the result.
"""

from __future__ import annotations

import bisect
import math
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

from resonanz.insights.holidays import is_holiday

Kind = Literal["reopen", "in", "out"]
# At the same instant a reopening comes first: the pipeline logs it with the customer message's time.
_ORDER = {"reopen": 0, "in": 1, "out": 2}
_MIN, _HOUR, _DAY = 60, 3600, 86400
# Upper bounds (seconds, inclusive) of the response-time classes that the rollups count: round values, so
# that "answered within 2 hours" or "< 30 min" are read off the histogram exactly; 11-25 % wide between a
# minute and three days, which keeps a quantile's class small enough to read exactly (see figures.py).
EDGES: tuple[int, ...] = (
    0, 10, 20, 30, 45, 60, 90, 120, 180, 240,
    *range(5 * _MIN, 10 * _MIN, _MIN), 10 * _MIN, 12 * _MIN,
    *range(15 * _MIN, 60 * _MIN, 5 * _MIN), 60 * _MIN, 75 * _MIN, 90 * _MIN, 105 * _MIN,
    *range(2 * _HOUR, 4 * _HOUR, _HOUR // 2), *range(4 * _HOUR, 8 * _HOUR, _HOUR),
    *range(8 * _HOUR, 24 * _HOUR, 2 * _HOUR), 24 * _HOUR, 30 * _HOUR, 36 * _HOUR, 48 * _HOUR,
    60 * _HOUR, 72 * _HOUR, 4 * _DAY, 5 * _DAY, 6 * _DAY, 7 * _DAY, 10 * _DAY, 14 * _DAY, 21 * _DAY,
    30 * _DAY,
)  # fmt: skip


@dataclass(frozen=True)
class Item:
    """One row of a conversation's history as the cycle rules see it (automated answers never enter)."""

    at: datetime
    kind: Kind
    id: int = 0
    sentiment: str = ""
    criticism: bool = False
    topics: tuple[str, ...] = ()


@dataclass
class Cycle:
    start: datetime
    answered_at: datetime | None = None
    criticism: bool = False
    sentiment_before: str = ""
    sentiment_after: str = ""
    topics: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> int | None:
        if self.answered_at is None:
            return None
        return max(0, int((self.answered_at - self.start).total_seconds()))


def cycles_of(items: Iterable[Item]) -> list[Cycle]:
    """The cycles of one conversation, from all of its items in any order."""
    cycles: list[Cycle] = []
    current: Cycle | None = None
    awaiting_reaction: list[Cycle] = []
    for item in sorted(items, key=lambda i: (i.at, _ORDER[i.kind], i.id)):
        if item.kind == "reopen":
            if current is not None and current.start < item.at:
                current = None  # superseded: stays unanswered
            if current is None:
                current = Cycle(start=item.at)
                cycles.append(current)
        elif item.kind == "in":
            for answered in awaiting_reaction:
                answered.sentiment_after = item.sentiment
            awaiting_reaction = []
            if current is None:
                current = Cycle(start=item.at)
                cycles.append(current)
            current.sentiment_before = item.sentiment or current.sentiment_before
            current.criticism = current.criticism or item.criticism
            current.topics.extend(t for t in item.topics if t not in current.topics)
        elif current is not None:  # a human answer ends the open cycle
            current.answered_at = item.at
            awaiting_reaction.append(current)
            current = None
    return cycles


def bin_of(seconds: int | None) -> int | None:
    """Histogram class of a response time: ``EDGES[k-1] < seconds <= EDGES[k]``; past 30 days the last."""
    if seconds is None:
        return None
    return bisect.bisect_left(EDGES, max(0, seconds))


def bin_bounds(index: int) -> tuple[float, float]:
    """(exclusive lower, inclusive upper) seconds of a class; the last one is open-ended."""
    lower = float(EDGES[index - 1]) if index > 0 else -1.0
    upper = float(EDGES[index]) if index < len(EDGES) else math.inf
    return lower, upper


@dataclass(frozen=True)
class BusinessHours:
    tz: str
    days: frozenset[int]  # Monday = 0
    start_hour: int
    end_hour: int  # exclusive; 24 = midnight
    # Public holidays are closed days. None: none at all; "": the nationwide ones; "BY": also Bavaria's.
    holiday_state: str | None = None

    def seconds_between(self, start: datetime, end: datetime) -> int:
        """Seconds of [start, end) that fall into business hours in the brand's time zone."""
        if end <= start or not self.days or self.end_hour <= self.start_hour:
            return 0
        zone = zoneinfo.ZoneInfo(self.tz)
        day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
        total = 0.0
        while day <= last:
            if day.weekday() in self.days and not self._holiday(day):
                opens, closes = self._interval(day, zone)
                overlap = (min(end, closes) - max(start, opens)).total_seconds()
                total += max(0.0, overlap)
            day += timedelta(days=1)
        return int(total)

    def _holiday(self, day: date) -> bool:
        return self.holiday_state is not None and is_holiday(day, self.holiday_state)

    def _interval(self, day: date, zone: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
        opens = datetime.combine(day, time(self.start_hour), tzinfo=zone)
        end_day = day + timedelta(days=1) if self.end_hour == 24 else day
        closes = datetime.combine(end_day, time(self.end_hour % 24), tzinfo=zone)
        return opens, closes
