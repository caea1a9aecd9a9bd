"""Running the detector for brands: baselines learned from the insights rollups, alerts opened.

Reads the 15-minute window counts that the insights consumer maintains; raw posts are read only for
the surge itself (driving topics and example posts). Negative posts are counted by expected value (the
sum of calibrated P(negative), ``WindowCount.negative_expected_milli``): a post the model is unsure
about adds its probability instead of 0 or 1, so abstaining neither hides a crisis nor invents one.
"""

from __future__ import annotations

import zoneinfo
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db.models import Q, Sum
from django.utils import timezone

from resonanz.accounts.models import Brand
from resonanz.alerts import detector
from resonanz.alerts.models import Alert, AlertSettings, Baseline
from resonanz.inbox.models import Direction, Message
from resonanz.insights.facts import topics_of
from resonanz.insights.models import DailyCount, Grain, WindowCount
from resonanz.insights.rollup import window_of

HISTORY_WEEKS = 8
RELEARN_AFTER = timedelta(hours=24)
WINDOW = timedelta(minutes=detector.WINDOW_MINUTES)
EXAMPLES = 5
MILLI = 1000.0


def settings_for(brand: Brand) -> AlertSettings:
    return AlertSettings.objects.filter(brand=brand).first() or AlertSettings(brand=brand)


def global_rate(now: datetime) -> float | None:
    """Negatives per window over all brands with history: the fallback for a brand without its own."""
    since = now - timedelta(weeks=HISTORY_WEEKS)
    rows = WindowCount.objects.filter(start__gte=since, start__lt=now)
    brands = rows.values("brand").distinct().count()
    if not brands:
        return None
    negative = (rows.aggregate(n=Sum("negative_expected_milli"))["n"] or 0) / MILLI
    return negative / (brands * (now - since) / WINDOW)


def learn(brand: Brand, *, now: datetime | None = None) -> Baseline:
    """Learn the brand's weekday x hour baseline from the past weeks (the last two hours left out)."""
    now = now or timezone.now()
    end = window_of(now) - timedelta(hours=2)
    counts = WindowCount.objects.filter(
        brand=brand, start__gte=end - timedelta(weeks=HISTORY_WEEKS), start__lt=end
    )
    first = counts.order_by("start").values_list("start", flat=True).first()
    zone = zoneinfo.ZoneInfo(brand.timezone)
    sums, windows = np.zeros((7, 24)), np.zeros((7, 24))
    for start, milli in counts.values_list("start", "negative_expected_milli"):
        local = start.astimezone(zone)
        sums[local.weekday(), local.hour] += milli / MILLI
    if first is not None:  # every window since the first one counts, including the silent ones
        moment = first
        while moment < end:
            local = moment.astimezone(zone)
            windows[local.weekday(), local.hour] += 1
            moment += WINDOW
    learned = detector.learn_baseline(sums, windows, prior_rate=global_rate(now))
    baseline, _created = Baseline.objects.update_or_create(
        brand=brand,
        defaults={"rates": [list(r) for r in learned.rates], "weeks": learned.weeks, "learned_at": now},
    )
    return baseline


def _baseline(brand: Brand, now: datetime) -> detector.Baseline:
    stored = Baseline.objects.filter(brand=brand).first()
    if stored is None or now - stored.learned_at > RELEARN_AFTER:
        stored = learn(brand, now=now)
    return detector.Baseline(rates=tuple(tuple(r) for r in stored.rates), weeks=stored.weeks)


def recent_windows(brand: Brand, now: datetime, n: int = 2) -> list[tuple[datetime, float]]:
    """Expected negative posts of the last ``n`` complete windows, oldest first (silent windows: zero)."""
    starts = [window_of(now) - WINDOW * k for k in range(n, 0, -1)]
    rows = WindowCount.objects.filter(brand=brand, start__in=starts)
    found = dict(rows.values_list("start", "negative_expected_milli"))
    return [(start, found.get(start, 0) / MILLI) for start in starts]


def surge_evidence(brand: Brand, start: datetime, end: datetime) -> tuple[list[dict], list[int]]:
    """Driving topics (negative topics of the surge vs the past four weeks) and example message ids."""
    # Abstained posts that are more likely negative than not belong to the surge's evidence too.
    likely = Q(labels__sentiment="uncertain", labels__sentiment_scores__negative__gte=0.5)
    negative = list(
        Message.objects.filter(
            Q(labels__sentiment="negative") | likely,
            conversation__brand=brand,
            direction=Direction.IN,
            created_at__gte=start,
            created_at__lt=end,
        )
        .order_by("created_at")
        .values_list("id", "labels")[:500]
    )
    surge: Counter[str] = Counter(t for _pk, labels in negative for t in topics_of(labels or {}))
    today = start.astimezone(zoneinfo.ZoneInfo(brand.timezone)).date()
    usual = dict(
        DailyCount.objects.filter(
            brand=brand,
            grain=Grain.DAY,
            metric="topic.negative",
            day__gte=today - timedelta(weeks=4),
            day__lt=today,
        )
        .values_list("key")
        .annotate(n=Sum("count"))
        .values_list("key", "n")
    )
    topics = detector.driving_topics(surge, usual)
    drivers = {t["topic"] for t in topics}
    examples = [pk for pk, labels in negative if drivers & set(topics_of(labels or {}))] or [
        pk for pk, _l in negative
    ]
    return topics, examples[:EXAMPLES]


@dataclass(frozen=True)
class Surge:
    detection: detector.Detection
    start: datetime
    end: datetime
    topics: list[dict]
    examples: list[int]


def find_surge(brand: Brand, *, now: datetime) -> Surge | None:
    """The surge in the brand's latest complete windows, with its evidence; None when all is calm."""
    settings = settings_for(brand)
    baseline, zone = _baseline(brand, now), zoneinfo.ZoneInfo(brand.timezone)
    windows = recent_windows(brand, now, detector.LEVEL_WINDOWS + detector.JUDGED_WINDOWS)
    expected = [baseline.expected(s.astimezone(zone).weekday(), s.astimezone(zone).hour) for s, _n in windows]
    found = detector.evaluate(
        [n for _s, n in windows], expected, sensitivity=settings.sensitivity, min_count=settings.min_count
    )
    if found is None:
        return None
    start, end = windows[-found.windows][0], windows[-1][0] + WINDOW
    topics, examples = surge_evidence(brand, start, end)
    return Surge(detection=found, start=start, end=end, topics=topics, examples=examples)


def check_brand(brand: Brand, *, now: datetime | None = None) -> Alert | None:
    """Evaluate the brand's latest windows; open an alert on a surge unless one is already unresolved."""
    from resonanz.alerts.services import open_alert

    now = now or timezone.now()
    if (
        not settings_for(brand).enabled
        or Alert.objects.filter(brand=brand).exclude(status=Alert.Status.RESOLVED).exists()
    ):
        return None
    surge = find_surge(brand, now=now)
    if surge is None:
        return None
    return open_alert(
        brand,
        detection=surge.detection,
        window_start=surge.start,
        window_end=surge.end,
        topics=surge.topics,
        examples=surge.examples,
    )


def check_all_brands(*, now: datetime | None = None) -> list[Alert]:
    opened = []
    for brand in Brand.objects.filter(is_active=True):
        alert = check_brand(brand, now=now)
        if alert is not None:
            opened.append(alert)
    return opened
