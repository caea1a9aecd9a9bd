"""Crisis detector — pure Python with numpy/scipy, no Django (the benchmark replays it as it is).

Per brand, the number of negative posts in 15-minute windows is compared with an expected rate from a
baseline by local weekday x hour. A surge is flagged when the Poisson upper tail of the observation is
below the sensitivity's alpha — for one window (a big jump, with a stricter alpha) or for the last two
windows together (both above expectation) — and a minimum count and ratio are met, so that a brand with
five posts a day does not alarm on two.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import poisson

WINDOW_MINUTES = 15
WINDOWS_PER_HOUR = 60 // WINDOW_MINUTES
# Tail probabilities for the two-window test; a single window must be 100x more extreme.
ALPHA = {"low": 1e-4, "medium": 1e-3, "high": 1e-2}
SINGLE_WINDOW_FACTOR = 0.01
# Minimum observed / expected: large brands are "significant" on small relative changes that are no crisis.
MIN_RATIO = {"low": 2.5, "medium": 2.0, "high": 1.5}
DEFAULT_RATE = 0.25  # negatives per window for a brand with no history and no global rate
FLOOR_RATE = 0.02  # never expect zero: one post in a dead hour is not infinitely surprising
SMOOTHING = 4.0  # pseudo-windows of the coarser level added to each finer level
LEVEL_WINDOWS = 24  # the six hours before the judged windows tell how busy today is
LEVEL_PRIOR = 20.0  # pseudo-posts pulling the level towards 1 when there is little data
LEVEL_RANGE = (0.67, 2.0)


@dataclass(frozen=True)
class Baseline:
    """Expected negative posts per 15-minute window, ``rates[weekday][hour]`` (Monday = 0, local time)."""

    rates: tuple[tuple[float, ...], ...]
    weeks: float = 0.0

    def expected(self, weekday: int, hour: int) -> float:
        return self.rates[weekday][hour]

    @classmethod
    def flat(cls, rate: float) -> Baseline:
        return cls(rates=tuple(tuple([max(rate, FLOOR_RATE)] * 24) for _ in range(7)))


def learn_baseline(
    sums: np.ndarray, windows: np.ndarray, *, prior_rate: float | None = None, smoothing: float = SMOOTHING
) -> Baseline:
    """Learn from ``sums[7, 24]`` negatives and ``windows[7, 24]`` windows observed per slot.

    Hierarchical shrinkage: each weekdayxhour slot is pulled towards its hour-of-day rate (pooled over
    weekdays), which is pulled towards the brand's overall rate, which for a new brand falls back to
    ``prior_rate`` (the global rate of all brands). Sparse history therefore gives a smooth baseline.
    """
    sums, windows = np.asarray(sums, dtype=float), np.asarray(windows, dtype=float)
    prior = DEFAULT_RATE if prior_rate is None else prior_rate
    overall = (sums.sum() + smoothing * prior) / (windows.sum() + smoothing)
    hourly = (sums.sum(axis=0) + smoothing * overall) / (windows.sum(axis=0) + smoothing)
    slots = (sums + smoothing * hourly[np.newaxis, :]) / (windows + smoothing)
    slots = np.maximum(slots, FLOOR_RATE)
    weeks = float(windows.sum()) / (7 * 24 * WINDOWS_PER_HOUR)
    return Baseline(rates=tuple(tuple(float(v) for v in row) for row in slots), weeks=round(weeks, 2))


@dataclass(frozen=True)
class Detection:
    windows: int  # 1: a single extreme window; 2: the last two windows together
    observed: int
    expected: float
    p_value: float


def tail(observed: int, expected: float) -> float:
    """P(X ≥ observed) for X ~ Poisson(expected)."""
    return float(poisson.sf(observed - 1, max(expected, FLOOR_RATE)))


def level(observed: Sequence[int], expected: Sequence[float]) -> float:
    """How busy today is compared with the baseline, from the windows before the judged ones.

    Real days vary more than Poisson (news, weather, a campaign); without this, a busy but calm day of a
    large brand looks like a surge. Shrunk towards 1 and clipped, so that it adapts to the day, not to a
    surge that has been building for hours.
    """
    ratio = (sum(observed) + LEVEL_PRIOR) / (sum(expected) + LEVEL_PRIOR)
    return float(min(max(ratio, LEVEL_RANGE[0]), LEVEL_RANGE[1]))


def evaluate(
    observed: Sequence[int], expected: Sequence[float], *, sensitivity: str = "medium", min_count: int = 6
) -> Detection | None:
    """Judge the latest windows (oldest first): the last two are tested, the ones before set the level."""
    alpha, min_ratio = ALPHA[sensitivity], MIN_RATIO[sensitivity]
    if not observed:
        return None
    if len(observed) > 2:
        factor = level(observed[:-2], expected[:-2])
        observed, expected = observed[-2:], [mu * factor for mu in expected[-2:]]
    x2, mu2 = int(observed[-1]), float(expected[-1])
    p_single = tail(x2, mu2)
    if x2 >= min_count and x2 >= min_ratio * mu2 and p_single < alpha * SINGLE_WINDOW_FACTOR:
        return Detection(windows=1, observed=x2, expected=mu2, p_value=p_single)
    if len(observed) < 2:
        return None
    x1, mu1 = int(observed[-2]), float(expected[-2])
    x, mu = x1 + x2, mu1 + mu2
    if x1 <= mu1 or x2 <= mu2 or x < min_count or x < min_ratio * mu:
        return None
    p_double = tail(x, mu)
    return Detection(windows=2, observed=x, expected=mu, p_value=p_double) if p_double < alpha else None


def driving_topics(
    surge: Mapping[str, int], usual: Mapping[str, int], *, limit: int = 3, min_count: int = 2
) -> list[dict[str, float | int | str]]:
    """Topics over-represented in the surge compared with their usual share of negative posts."""
    surge_total, usual_total = sum(surge.values()) or 1, sum(usual.values()) or 1
    ranked = []
    for topic, count in Counter(surge).items():
        if count < min_count:
            continue
        lift = ((count + 0.5) / (surge_total + 1)) / ((usual.get(topic, 0) + 0.5) / (usual_total + 1))
        if lift >= 1.5:
            ranked.append((count * math.log(lift), topic, count, lift))
    ranked.sort(reverse=True)
    return [{"topic": t, "count": c, "lift": round(lift, 1)} for _score, t, c, lift in ranked[:limit]]
