"""The detector as pure functions: baseline learning, Poisson surges, minimum counts, driving topics."""

from __future__ import annotations

import numpy as np

from resonanz.alerts.detector import Baseline, driving_topics, evaluate, learn_baseline


def test_three_times_the_baseline_is_flagged_within_two_windows():
    assert evaluate([6, 7], [2.0, 2.0], sensitivity="medium", min_count=6) is not None


def test_ordinary_fluctuation_is_not_a_surge():
    assert evaluate([3, 4], [2.0, 2.0]) is None
    assert evaluate([0, 1], [2.0, 2.0]) is None


def test_a_quiet_brand_does_not_alarm_on_two_posts():
    # Two negative posts where 0.05 are expected are very unlikely — but not a crisis.
    assert evaluate([1, 1], [0.05, 0.05], min_count=6) is None
    assert evaluate([0, 2], [0.05, 0.05], min_count=6) is None


def test_a_huge_jump_is_flagged_in_a_single_window():
    found = evaluate([2, 30], [2.0, 2.0])
    assert found is not None and found.windows == 1 and found.observed == 30


def test_both_windows_must_be_elevated_for_the_two_window_test():
    assert evaluate([12, 1], [2.0, 2.0]) is None


def test_higher_sensitivity_flags_smaller_surges():
    observed, expected = [6, 7], [2.5, 2.5]
    assert evaluate(observed, expected, sensitivity="low") is None
    assert evaluate(observed, expected, sensitivity="high") is not None


def test_baseline_learns_weekday_and_hour_with_smoothing():
    sums, windows = np.zeros((7, 24)), np.full((7, 24), 8 * 4.0)  # eight weeks of history
    sums[0, 9] = 8 * 4 * 5.0  # Mondays at 9: five negatives per window
    baseline = learn_baseline(sums, windows)
    assert 4.4 < baseline.expected(0, 9) < 5.0  # shrunk a little towards the hour-of-day rate
    assert baseline.expected(1, 9) < 1.0 and baseline.expected(1, 3) < 0.1
    assert baseline.weeks == 8.0


def test_new_brand_falls_back_to_the_global_rate():
    baseline = learn_baseline(np.zeros((7, 24)), np.zeros((7, 24)), prior_rate=1.5)
    assert baseline.expected(3, 14) == 1.5
    assert Baseline.flat(0.0).expected(0, 0) > 0


def test_driving_topics_are_the_over_represented_ones():
    topics = driving_topics(
        {"app": 12, "punctuality": 3, "service": 1}, {"app": 5, "punctuality": 80, "service": 40}
    )
    assert [t["topic"] for t in topics] == ["app"]


def test_a_busy_day_raises_the_expectation_so_it_is_not_a_surge():
    expected = [10.0] * 26
    busy_day = [17] * 24 + [20, 20]  # the whole day runs 70 % above the baseline
    assert evaluate(busy_day, expected) is None
    assert evaluate([10] * 24 + [40, 40], expected) is not None


def test_a_small_brands_slow_surge_is_flagged_over_two_hours():
    """0.1 negatives expected per window: no half hour reaches six, but two hours hold nine."""
    expected = [0.1] * 32
    observed = [0] * 24 + [1, 1, 1, 2, 1, 1, 1, 1]
    found = evaluate(observed, expected, min_count=6)
    assert found is not None and found.windows == 8 and found.observed == 9


def test_a_large_brand_is_judged_on_half_hours_only():
    """A large brand an hour above its baseline is having a busy hour, not a crisis."""
    expected = [20.0] * 32
    observed = [20] * 24 + [27, 27, 27, 27, 27, 27, 27, 27]
    assert evaluate(observed, expected, min_count=6) is None


def test_alpha_can_be_swept():
    observed, expected = [6, 7], [2.5, 2.5]
    assert evaluate(observed, expected, alpha=1e-9) is None
    assert evaluate(observed, expected, alpha=0.05) is not None
