"""Model health per brand: does the classifier still agree with the team, and does its label mix drift?

Read from two places only: the team's label corrections (classify) — every answer in the confirm queue
and every correction is one judgement of the model — and the daily rollups (metric ``in`` by sentiment,
``abuse``, ``uncertain``), so the page never scans raw posts. It lives in insights because insights is
the app that reads the others; classify must not depend on the inbox or the rollups.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand
from resonanz.accounts.permissions import AnyUser
from resonanz.classify.models import LabelCorrection
from resonanz.insights.kpis import rate
from resonanz.insights.models import DailyCount, Grain
from resonanz.insights.permissions import check_manager

MIX = ("negative", "neutral", "positive", "uncertain")
MAX_WEEKS = 52
# Drift warnings (docs/classify.md explains each): a week needs enough posts to judge at all.
MIN_POSTS = 20
NEUTRAL_MAX = 90.0  # percent of labelled posts
UNCERTAIN_MAX = 30.0  # percent of labelled posts
ABUSE_MIN_FLAGS = 5  # a jump from 1 to 2 flags is noise, not drift
AGREEMENT_MIN = 70.0  # percent, with at least MIN_JUDGED corrections in the week
MIN_JUDGED = 10


@dataclass(frozen=True)
class DriftWarning:
    code: str
    message: str | Promise


@dataclass
class WeekHealth:
    start: date  # Monday, brand's local time
    mix: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MIX, 0))
    abuse: int = 0
    uncertain: int = 0  # posts with any head abstained (sentiment, abuse or criticism)
    judged: int = 0  # corrections and confirmations made this week
    agreed: int = 0  # ... where the team gave the label the model had given
    warnings: list[DriftWarning] = field(default_factory=list)

    @property
    def posts(self) -> int:
        return sum(self.mix.values())

    @property
    def agreement(self) -> float | None:
        return rate(self.agreed, self.judged)

    def share(self, key: str) -> float | None:
        return rate(self.mix.get(key, 0), self.posts)

    @property
    def abuse_share(self) -> float | None:
        return rate(self.abuse, self.posts)

    @property
    def uncertain_share(self) -> float | None:
        return rate(self.uncertain, self.posts)


@dataclass(frozen=True)
class ModelHealth:
    brand: Brand
    weeks: list[WeekHealth]  # oldest first

    @property
    def warnings(self) -> list[tuple[WeekHealth, DriftWarning]]:
        return [(week, w) for week in reversed(self.weeks) for w in week.warnings]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _counts(brand: Brand, weeks: dict[date, WeekHealth], first: date, end: date) -> None:
    rows = (
        DailyCount.objects.filter(
            brand=brand,
            grain=Grain.DAY,
            metric__in=["in", "abuse", "uncertain"],
            day__gte=first,
            day__lt=end,
        )
        .values_list("day", "metric", "key")
        .annotate(n=Sum("count"))
        .values_list("day", "metric", "key", "n")
    )
    for day, metric, key, n in rows:
        week = weeks[_monday(day)]
        if metric == "in" and key in MIX:
            week.mix[key] += n
        elif metric == "abuse":
            week.abuse += n
        elif metric == "uncertain":
            week.uncertain += n


def _agreement(brand: Brand, weeks: dict[date, WeekHealth], since: datetime, zone: zoneinfo.ZoneInfo) -> None:
    judged = LabelCorrection.objects.filter(brand=brand, created_at__gte=since).exclude(previous_label="")
    for created, label, previous in judged.values_list("created_at", "label", "previous_label"):
        week = weeks.get(_monday(created.astimezone(zone).date()))
        if week is not None:
            week.judged += 1
            week.agreed += label == previous


def _warn(week: WeekHealth, before: WeekHealth | None) -> None:
    if week.posts >= MIN_POSTS:
        neutral = week.share("neutral") or 0.0
        if neutral > NEUTRAL_MAX:
            week.warnings.append(
                DriftWarning(
                    "neutral",
                    _("%(share).0f %% of the posts were labelled neutral: the model may no longer see "
                      "what your customers mean.") % {"share": neutral},
                )
            )  # fmt: skip
        unsure = week.uncertain_share or 0.0
        if unsure > UNCERTAIN_MAX:
            week.warnings.append(
                DriftWarning(
                    "uncertain",
                    _("The model was unsure about %(share).0f %% of the posts: confirm some of them in the "
                      "confirm queue and retrain the brand's model.") % {"share": unsure},
                )
            )  # fmt: skip
    if before is not None and before.posts >= MIN_POSTS and week.posts >= MIN_POSTS:
        now_share, then_share = week.abuse_share or 0.0, before.abuse_share or 0.0
        if week.abuse >= ABUSE_MIN_FLAGS and now_share >= 2 * then_share:
            week.warnings.append(
                DriftWarning(
                    "abuse",
                    _("Abuse flags doubled against the week before (%(now).1f %% of the posts after "
                      "%(then).1f %%): a real wave, or the model reacting to new topic words?")
                    % {"now": now_share, "then": then_share},
                )
            )  # fmt: skip
    agreement = week.agreement
    if week.judged >= MIN_JUDGED and agreement is not None and agreement < AGREEMENT_MIN:
        week.warnings.append(
            DriftWarning(
                "agreement",
                _("The team agreed with only %(share).0f %% of the model's labels it checked this week.")
                % {"share": agreement},
            )
        )


def get_model_health(
    brand: Brand, *, viewer: AnyUser, weeks: int = 12, now: datetime | None = None
) -> ModelHealth:
    """The last ``weeks`` local weeks (the current one included), oldest first; managers and up."""
    check_manager(viewer, brand)
    weeks = max(1, min(weeks, MAX_WEEKS))
    zone = zoneinfo.ZoneInfo(brand.timezone)
    today = (now or timezone.now()).astimezone(zone).date()
    first = _monday(today) - timedelta(weeks=weeks - 1)
    by_start = {
        first + timedelta(weeks=k): WeekHealth(start=first + timedelta(weeks=k)) for k in range(weeks)
    }
    _counts(brand, by_start, first, today + timedelta(days=1))
    since = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    _agreement(brand, by_start, since, zone)
    ordered = [by_start[k] for k in sorted(by_start)]
    for index, week in enumerate(ordered):
        _warn(week, ordered[index - 1] if index else None)
    return ModelHealth(brand=brand, weeks=ordered)
