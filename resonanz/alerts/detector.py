"""Crisis detector — pure Python with numpy/scipy, no Django (the benchmark replays it as it is).

Per brand, the number of negative posts in 15-minute windows is compared with an expected rate from a
baseline by local weekday x hour. A surge is flagged when the Poisson upper tail of the observation is
below the sensitivity's alpha — for one window (a big jump, with a stricter alpha), for the last two
windows together (both above expectation), or, for brands too small to show a surge in half an hour,
for the last hour or two hours together (still above expectation in the last window) — and a minimum count and
ratio are met, so that a brand with five posts a day does not alarm on two.

Observed counts may be expected values (sums of calibrated P(negative)), so they need not be whole: the
tail is the regularised incomplete gamma function, which equals the Poisson tail at whole numbers and
interpolates smoothly between them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import gammainc

WINDOW_MINUTES = 15
WINDOWS_PER_HOUR = 60 // WINDOW_MINUTES
# Tail probabilities for the two-window test; a single window must be 100x more extreme.
ALPHA = {"low": 3e-5, "medium": 3e-4, "high": 3e-3}
SINGLE_WINDOW_FACTOR = 0.01
# Minimum observed / expected: large brands are "significant" on small relative changes that are no crisis.
MIN_RATIO = {"low": 2.5, "medium": 2.0, "high": 1.5}
DEFAULT_RATE = 0.25  # negatives per window for a brand with no history and no global rate
FLOOR_RATE = 0.02  # never expect zero: one post in a dead hour is not infinitely surprising
SMOOTHING = 4.0  # pseudo-windows of the coarser level added to each finer level
LEVEL_WINDOWS = 24  # the six hours before the judged windows tell how busy today is
LONG_SPANS = (4, 8)  # one and two hours: slower surges of small brands
JUDGED_WINDOWS = max(LONG_SPANS)
LONG_FACTOR = 0.5  # each long span gets half the alpha: two more tests must not double false alarms
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
    observed: float  # expected number of negative posts (whole when the labels are hard)
    expected: float
    p_value: float


def tail(observed: float, expected: float) -> float:
    """P(X ≥ observed) for X ~ Poisson(expected); for whole ``observed`` exactly the Poisson tail
    (P(X ≥ k) = P(k, mu), the regularised lower incomplete gamma function), between them interpolated."""
    if observed <= 0:
        return 1.0
    return float(gammainc(observed, max(expected, FLOOR_RATE)))


def level(observed: Sequence[float], expected: Sequence[float]) -> float:
    """How busy today is compared with the baseline, from the windows before the judged ones.

    Real days vary more than Poisson (news, weather, a campaign); without this, a busy but calm day of a
    large brand looks like a surge. Shrunk towards 1 and clipped, so that it adapts to the day, not to a
    surge that has been building for hours.
    """
    ratio = (sum(observed) + LEVEL_PRIOR) / (sum(expected) + LEVEL_PRIOR)
    return float(min(max(ratio, LEVEL_RANGE[0]), LEVEL_RANGE[1]))


def evaluate(
    observed: Sequence[float],
    expected: Sequence[float],
    *,
    sensitivity: str = "medium",
    min_count: int = 6,
    alpha: float | None = None,
) -> Detection | None:
    """Judge the latest windows (oldest first): the last eight are tested, the ones before set the level.

    ``alpha`` overrides the sensitivity's tail probability (the benchmark sweeps it for its curve).
    """
    min_ratio = MIN_RATIO[sensitivity]
    alpha = ALPHA[sensitivity] if alpha is None else alpha
    if not observed:
        return None
    observed, expected = [float(x) for x in observed], [float(mu) for mu in expected]
    if len(observed) > JUDGED_WINDOWS:
        factor = level(observed[:-JUDGED_WINDOWS], expected[:-JUDGED_WINDOWS])
        observed = observed[-JUDGED_WINDOWS:]
        expected = [mu * factor for mu in expected[-JUDGED_WINDOWS:]]
    x_last, mu_last = observed[-1], expected[-1]

    def test(span: int, limit: float) -> Detection | None:
        x, mu = sum(observed[-span:]), sum(expected[-span:])
        if x < min_count or x < min_ratio * mu:
            return None
        p = tail(x, mu)
        return Detection(windows=span, observed=x, expected=mu, p_value=p) if p < limit else None

    found = test(1, alpha * SINGLE_WINDOW_FACTOR)
    if found is None and len(observed) >= 2 and observed[-2] > expected[-2] and x_last > mu_last:
        found = test(2, alpha)
    # Only where half an hour cannot reach the minimum count as a rule: a large brand's slow drifts over
    # an hour are the day's mood, not a crisis, and would only add false alarms.
    small = sum(expected[-2:]) < min_count
    for span in LONG_SPANS:
        if found is None and small and len(observed) >= span and x_last > mu_last:
            found = test(span, alpha * LONG_FACTOR)
    return found


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
