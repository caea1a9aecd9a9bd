"""KPI definitions and formulas — pure functions over facts; ``figures.py`` feeds them from the rollups.

Every figure the UI, the API and the reports show has a ``definition`` here, displayed next to it, so
that two screens can never disagree about what a number means.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Unit = Literal["percent", "minutes", "count"]
SENTIMENT_RANK = {"negative": 0, "neutral": 1, "positive": 2}


@dataclass(frozen=True)
class KpiDefinition:
    metric: str
    label: str | Promise
    unit: Unit
    higher_is_better: bool
    definition: str | Promise


_CYCLE = _(
    "A measurement cycle starts with the first customer message of a conversation, with the first "
    "customer message after an answer, or when the conversation is reopened; it is counted in the period "
    "in which it starts."
)
DEFINITIONS: dict[str, KpiDefinition] = {
    d.metric: d
    for d in (
        KpiDefinition(
            "response_rate",
            _("Response rate"),
            "percent",
            True,
            _(
                "Share of measurement cycles with a human answer. Automatic and bot messages never count; "
                "a conversation that was assigned but never answered counts as unanswered."
            ),
        ),
        KpiDefinition(
            "median_first_response",
            _("Median time to first response"),
            "minutes",
            False,
            _(
                "Median over answered measurement cycles of (first human answer - first customer message). "
                "A reopened conversation starts a new measurement. With business hours on, only time inside "
                "the brand's business hours counts."
            ),
        ),
        KpiDefinition(
            "p90_first_response",
            _("90th percentile time to first response"),
            "minutes",
            False,
            _(
                "90 % of the answered measurement cycles were answered at least this fast (linear "
                "interpolation between ranks); same rules as the median."
            ),
        ),
        KpiDefinition(
            "criticism_answered",
            _("Share of criticism answered"),
            "percent",
            True,
            _(
                "Share of measurement cycles containing criticism (negative, not abusive) that got a human "
                "answer."
            ),
        ),
        KpiDefinition(
            "criticism_answered_within",
            _("Share of criticism answered in time"),
            "percent",
            True,
            _(
                "Share of measurement cycles containing criticism whose first human answer came within the "
                "KPI's time limit (business hours if switched on)."
            ),
        ),
        KpiDefinition(
            "positive_share",
            _("Share of positive posts"),
            "percent",
            True,
            _(
                "Positive incoming customer posts divided by all classified incoming customer posts, by the "
                "time they were written."
            ),
        ),
        KpiDefinition(
            "negative_share",
            _("Share of negative posts"),
            "percent",
            False,
            _("Negative incoming customer posts divided by all classified incoming customer posts."),
        ),
        KpiDefinition(
            "uncertain_posts",
            _("Posts the model was unsure about"),
            "count",
            False,
            _(
                "Incoming customer posts on which the classifier abstained on sentiment, abuse or criticism "
                "(shown as “uncertain” in the inbox and protected from automatic hiding). Such posts count "
                "in no sentiment share; the confirm queue asks the team about them first."
            ),
        ),
        KpiDefinition(
            "uncertain_share",
            _("Share of posts the model was unsure about"),
            "percent",
            False,
            _("Posts the model was unsure about divided by all labelled incoming customer posts."),
        ),
        KpiDefinition(
            "turnaround",
            _("Turnaround"),
            "percent",
            True,
            _(
                "Of the answered measurement cycles after which the customer wrote again, the share whose "
                "next "
                "customer message is more positive (negative < neutral < positive) than the last one before "
                "the answer."
            ),
        ),
        KpiDefinition(
            "new_participants",
            _("New participants"),
            "count",
            True,
            _("People who wrote to the brand for the first time ever in the period (first local day)."),
        ),
        KpiDefinition(
            "returning_share",
            _("Share of returning participants"),
            "percent",
            True,
            _("Of the people who wrote in the period, the share who had written before the period."),
        ),
    )
}
CYCLE_DEFINITION = _CYCLE


def definition_of(metric: str) -> KpiDefinition:
    return DEFINITIONS[metric]


def rate(part: int, whole: int) -> float | None:
    """A share in percent, None for an empty base (an empty period has no rate, not 0 %)."""
    return None if whole <= 0 else round(100.0 * part / whole, 1)


def quantile_ranks(n: int, q: float) -> tuple[int, float]:
    """0-based lower rank and weight of the next rank for the linear-interpolation quantile."""
    position = (n - 1) * q
    lower = math.floor(position)
    return lower, position - lower


def quantile(sorted_values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default); the median averages the middle two."""
    if not sorted_values:
        return None
    lower, weight = quantile_ranks(len(sorted_values), q)
    low = sorted_values[lower]
    high = sorted_values[min(lower + 1, len(sorted_values) - 1)]
    return low + weight * (high - low)


def improved(before: str, after: str) -> bool | None:
    """Whether the customer's sentiment got better; None if either side is unknown."""
    if before not in SENTIMENT_RANK or after not in SENTIMENT_RANK:
        return None
    return SENTIMENT_RANK[after] > SENTIMENT_RANK[before]


def on_track(metric: str, value: float | None, target: float | None) -> bool | None:
    if value is None or target is None:
        return None
    return value >= target if DEFINITIONS[metric].higher_is_better else value <= target


Trend = Literal["up", "down", "flat"]


def trend(current: float | None, previous: float | None) -> Trend | None:
    if current is None or previous is None:
        return None
    if math.isclose(current, previous, rel_tol=1e-9, abs_tol=1e-9):
        return "flat"
    return "up" if current > previous else "down"


def trend_is_good(metric: str, direction: Trend | None) -> bool | None:
    if direction in (None, "flat"):
        return None
    return (direction == "up") == DEFINITIONS[metric].higher_is_better


class FactLike(Protocol):
    seconds: int | None
    criticism: bool
    sentiment_before: str
    sentiment_after: str


@dataclass(frozen=True)
class ResponseFigures:
    cycles: int
    answered: int
    median_seconds: float | None
    p90_seconds: float | None
    criticism: int
    criticism_answered: int
    criticism_in_time: int
    turnaround_base: int
    turnaround_improved: int
    approximate: bool = False  # a quantile or in-time count was interpolated inside a class (see response.py)

    @property
    def response_rate(self) -> float | None:
        return rate(self.answered, self.cycles)

    @property
    def criticism_answered_share(self) -> float | None:
        return rate(self.criticism_answered, self.criticism)

    @property
    def criticism_in_time_share(self) -> float | None:
        return rate(self.criticism_in_time, self.criticism)

    @property
    def turnaround(self) -> float | None:
        return rate(self.turnaround_improved, self.turnaround_base)


def response_figures(facts: Iterable[FactLike], *, within_seconds: int | None = None) -> ResponseFigures:
    """The reference implementation over fact objects; the SQL selector must agree with it."""
    facts = list(facts)
    durations = sorted(f.seconds for f in facts if f.seconds is not None)
    critical = [f for f in facts if f.criticism]
    judged = [improved(f.sentiment_before, f.sentiment_after) for f in facts if f.seconds is not None]
    limit = within_seconds if within_seconds is not None else math.inf
    return ResponseFigures(
        cycles=len(facts),
        answered=len(durations),
        median_seconds=quantile(durations, 0.5),
        p90_seconds=quantile(durations, 0.9),
        criticism=len(critical),
        criticism_answered=sum(f.seconds is not None for f in critical),
        criticism_in_time=sum(f.seconds is not None and f.seconds <= limit for f in critical),
        turnaround_base=sum(j is not None for j in judged),
        turnaround_improved=sum(j is True for j in judged),
    )
