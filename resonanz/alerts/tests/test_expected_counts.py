"""The detector on expected counts: whole counts give exactly the Poisson tail, fractions fall between."""

from __future__ import annotations

import pytest
from scipy.stats import poisson

from resonanz.alerts import detector


@pytest.mark.parametrize("mu", [0.02, 0.25, 1.0, 3.7, 40.0])
def test_whole_counts_give_the_poisson_tail(mu: float) -> None:
    for k in range(0, 60):
        assert detector.tail(k, mu) == pytest.approx(float(poisson.sf(k - 1, mu)), rel=1e-9, abs=1e-300)


def test_fractional_counts_lie_between_their_whole_neighbours() -> None:
    low, mid, high = detector.tail(7, 2.0), detector.tail(7.5, 2.0), detector.tail(8, 2.0)
    assert low > mid > high


def test_evaluate_accepts_expected_values() -> None:
    expected = [1.0] * 32
    calm = detector.evaluate([0.9] * 32, expected)
    surge = detector.evaluate([1.0] * 30 + [7.6, 8.4], expected)
    assert calm is None
    assert surge is not None and surge.windows == 2 and surge.observed == pytest.approx(16.0)
