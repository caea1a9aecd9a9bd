"""Deterministic, realistic timestamps for demo posts: spread over ~30 days, busiest in the rush hours.

Each thread gets its own ``random.Random`` seeded from its title, so adding a thread does not move the
others, and the times are the same on every load relative to "now".
"""

from __future__ import annotations

import random
import zoneinfo
from datetime import datetime, timedelta

SEED = "resonanz-demo-1"
SPAN_DAYS = 29
# Relative weight of each local hour 0..23: commuters write before and after work, fewer at night.
HOUR_WEIGHTS = (
    1, 0, 0, 0, 1, 3, 8, 10, 9, 5, 4, 4, 5, 4, 4, 5, 8, 10, 9, 7, 6, 5, 3, 2,
)  # fmt: skip
EARLIEST_HOUR = 6  # replies that would land in the small hours move to the morning
SAFETY = timedelta(minutes=5)  # the newest demo post is at least this old


def thread_random(brand: str, key: str) -> random.Random:
    return random.Random(f"{SEED}:{brand}:{key}")  # demo data, never for secrets (S311 off)


def start_time(rng: random.Random, *, now: datetime, tz_name: str, days_ago: int | None) -> datetime:
    """A local time ``days_ago`` days back (random if None) at a rush-hour-weighted hour."""
    tz = zoneinfo.ZoneInfo(tz_name)
    days = days_ago if days_ago is not None else rng.randint(1, SPAN_DAYS)
    day = now.astimezone(tz).date() - timedelta(days=days)
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    return datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=tz)


def _reply_gap(rng: random.Random, *, brand_reply: bool) -> timedelta:
    # The brand answers within working hours; members reply from minutes to half a day later.
    minutes = rng.randint(25, 300) if brand_reply else rng.choice((rng.randint(3, 40), rng.randint(40, 720)))
    return timedelta(minutes=minutes)


def _daytime(moment: datetime) -> datetime:
    if moment.hour < EARLIEST_HOUR:
        return moment.replace(hour=EARLIEST_HOUR + moment.hour % 3)
    return moment


def post_times(
    rng: random.Random, *, first: datetime, brand_replies: list[bool], now: datetime
) -> list[datetime]:
    """The opening time plus one time per reply, increasing and all at least ``SAFETY`` before ``now``."""
    times = [first]
    for is_brand in brand_replies:
        times.append(
            max(times[-1] + timedelta(minutes=1), _daytime(times[-1] + _reply_gap(rng, brand_reply=is_brand)))
        )
    overshoot = times[-1] - (now - SAFETY)
    if overshoot > timedelta(0):  # a recent thread: move it back as a whole, keeping its rhythm
        times = [moment - overshoot for moment in times]
    return times
