"""Dashboard charts: data for Chart.js (rendered with json_script), the same numbers as table and CSV.

Every chart carries the definition of what it counts, shown next to it on the dashboard. Columns marked
``table_only`` appear in the table and the CSV but are not drawn (e.g. the counts behind a percentage).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from resonanz.insights import figures, response
from resonanz.insights.brand_settings import settings_for
from resonanz.insights.kpis import CYCLE_DEFINITION, DEFINITIONS, rate
from resonanz.insights.scope import Scope
from resonanz.sources.models import Channel

COLOURS = {
    "positive": "#1f7a3a",
    "neutral": "#8a94a6",
    "negative": "#b3261e",
    "uncertain": "#8b74c2",
    "unlabelled": "#d0d5dd",
}
PALETTE = ["#0b5fff", "#e07b00", "#1f7a3a", "#8e44ad", "#b3261e", "#12213f"]
_BY_DAY = gettext_lazy(
    "Days are local days in the brand's time zone; periods over 92 days are shown per week."
)


@dataclass
class Chart:
    id: str
    title: str
    kind: str  # bar | line | doughnut
    labels: list[str]
    datasets: list[dict[str, Any]] = field(default_factory=list)
    stacked: bool = False
    horizontal: bool = False
    unit: str = ""  # "%" or "min" for the axis; counts have none
    note: str = ""
    definition: str | Promise = ""

    def add(
        self,
        key: str,
        label: str,
        data: Sequence[float | int | None],
        colour: str | None = None,
        *,
        table_only: bool = False,
    ) -> None:
        drawn = [d for d in self.datasets if not d["table_only"]]
        self.datasets.append(
            {
                "key": key,
                "label": label,
                "data": list(data),
                "color": colour or PALETTE[len(drawn) % len(PALETTE)],
                "table_only": table_only,
            }
        )

    @property
    def config(self) -> dict[str, Any]:
        return {
            "type": self.kind,
            "labels": self.labels,
            "datasets": [d for d in self.datasets if not d["table_only"]],
            "stacked": self.stacked,
            "horizontal": self.horizontal,
            "unit": self.unit,
            "title": self.title,
        }

    @property
    def headers(self) -> list[str]:
        return ["", *[d["label"] for d in self.datasets]]

    @property
    def rows(self) -> list[list[Any]]:
        return [[label, *[d["data"][n] for d in self.datasets]] for n, label in enumerate(self.labels)]

    @property
    def is_empty(self) -> bool:
        return not any(value for d in self.datasets for value in d["data"])

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [
                pgettext("the column of row labels in a chart's CSV export", "label"),
                *[d["label"] for d in self.datasets],
            ]
        )
        writer.writerows(["" if v is None else v for v in row] for row in self.rows)
        return out.getvalue()

    @property
    def json_id(self) -> str:
        return f"chart-data-{self.id}"


def _sentiment_names() -> dict[str, str]:
    return {
        "positive": _("positive"),
        "neutral": _("neutral"),
        "negative": _("negative"),
        "uncertain": _("uncertain"),
        "unlabelled": _("unlabelled"),
    }


def topic_label(topic: str) -> str:
    """Aspect names of the classifier use underscores (``Service_und_Kundenbetreuung``)."""
    return topic.replace("_", " ")


def sentiment_chart(scope: Scope) -> Chart:
    chart = Chart(
        "sentiment", _("Incoming posts by sentiment"), "bar", figures.day_labels(scope), stacked=True
    )
    data, names = figures.sentiment_series(scope), _sentiment_names()
    for key in ("negative", "neutral", "positive", "uncertain", "unlabelled"):
        if key in data or key not in ("uncertain", "unlabelled"):  # shown when there are any
            chart.add(key, names[key], data.get(key, [0] * len(chart.labels)), COLOURS[key])
    chart.definition = _(
        "Incoming customer posts of every channel, by the sentiment the classifier gave them (uncertain: "
        "the model abstained), counted on the day they were written. Answers of the team and bot messages "
        "are not included. %(days)s"
    ) % {"days": _BY_DAY}
    return chart


def criticism_chart(scope: Scope) -> Chart:
    chart = Chart("criticism", _("Criticism and abuse"), "line", figures.day_labels(scope))
    data = figures.criticism_abuse_series(scope)
    empty = [0] * len(chart.labels)
    chart.add("criticism", _("criticism (protected)"), data.get("criticism", empty), "#e07b00")
    chart.add("abuse", _("abuse"), data.get("abuse", empty), "#b3261e")
    chart.definition = _(
        "Criticism: negative posts that are not abusive — legitimate and protected by the house rules. "
        "Abuse: offensive or toxic posts. Both as the classifier labelled the incoming posts. %(days)s"
    ) % {"days": _BY_DAY}
    return chart


def response_rate_chart(scope: Scope) -> Chart:
    """Response rate and answered criticism per day, with the counts behind them in the table."""
    chart = Chart(
        "response_rate",
        _("Response rate and answered criticism"),
        "line",
        figures.day_labels(scope),
        unit="%",
    )
    data = response.response_rate_series(scope)
    rates = [rate(a, c) for a, c in zip(data["answered"], data["cycles"], strict=True)]
    critical = [rate(a, c) for a, c in zip(data["criticism_answered"], data["criticism"], strict=True)]
    chart.add("response_rate", _("response rate (%)"), rates, "#0b5fff")
    chart.add("criticism_answered_share", _("criticism answered (%)"), critical, "#e07b00")
    chart.add("cycles", _("measurement cycles"), data["cycles"], table_only=True)
    chart.add("answered", _("answered by a person"), data["answered"], table_only=True)
    chart.add("criticism", _("cycles with criticism"), data["criticism"], table_only=True)
    chart.add("criticism_answered", _("criticism answered"), data["criticism_answered"], table_only=True)
    chart.definition = f"{DEFINITIONS['response_rate'].definition} {CYCLE_DEFINITION}"
    return chart


def response_time_chart(scope: Scope) -> Chart:
    business = settings_for(scope.brand).business_hours
    rows = response.response_distribution(scope)
    chart = Chart("response_time", _("Time to first response"), "bar", [label for label, _n in rows])
    chart.add("answered", _("answered cycles"), [n for _label, n in rows], "#0b5fff")
    if business:
        chart.note = _("Counted in business hours.")
    chart.definition = _(
        "Answered measurement cycles by the time from the first customer message to the first human "
        "answer. Bot and automatic messages never count as an answer; a reopened conversation starts a "
        "new measurement."
    )
    return chart


def response_trend_chart(scope: Scope) -> Chart:
    labels, data = response.response_time_series(scope)
    chart = Chart("response_trend", _("Time to first response over time"), "line", labels, unit="min")
    chart.add("median", _("median (min)"), data["median"], "#0b5fff")
    chart.add("p90", _("90th percentile (min)"), data["p90"], "#8e44ad")
    chart.definition = _(
        "Median and 90th percentile of the time to the first human answer, per local day of the cycle's "
        "start (per month for periods over 92 days), in minutes. For this trend line the values are "
        "interpolated within the response-time classes (at most a few percent off); the key figures "
        "above are exact."
    )
    if settings_for(scope.brand).business_hours:
        chart.note = _("Counted in business hours.")
    return chart


def topics_chart(scope: Scope) -> Chart:
    topics = figures.top_topics(scope)
    chart = Chart(
        "topics",
        _("Top topics and their sentiment"),
        "bar",
        [topic_label(t["topic"]) for t in topics],
        stacked=True,
        horizontal=True,
    )
    names = _sentiment_names()
    for key in ("negative", "neutral", "positive"):
        chart.add(key, names[key], [t[key] for t in topics], COLOURS[key])
    chart.definition = _(
        "The ten topics and aspects most often named in incoming posts (a post can have several), with the "
        "sentiment of those posts. Filter the dashboard by a topic to see its figures alone."
    )
    return chart


def channels_chart(scope: Scope) -> Chart:
    data = figures.by_channel(scope)
    names = dict(Channel.objects.filter(brand=scope.brand, pk__in=list(data)).values_list("pk", "name"))
    ids = sorted(data, key=lambda pk: names.get(pk, ""))
    chart = Chart(
        "channels", _("Reach and engagement by channel"), "bar", [names.get(pk, f"#{pk}") for pk in ids]
    )
    chart.add("reach", _("people reached (wrote)"), [data[pk]["reach"] for pk in ids])
    chart.add("in", _("incoming posts"), [data[pk]["in"] for pk in ids])
    chart.add("conversations", _("conversations"), [data[pk]["conversations"] for pk in ids])
    chart.add("answers", _("answers by the team"), [data[pk]["out"] for pk in ids])
    chart.definition = _(
        "Per channel: the distinct people who wrote (reach), their posts, the conversations started and "
        "the answers written by people of the team (bots excluded). Networks do not report views to us, "
        "so reach counts writers, not readers. The channel filter does not apply to this chart."
    )
    return chart


def participants_chart(scope: Scope) -> Chart:
    people = figures.participants(scope)
    chart = Chart("participants", _("New and returning participants"), "doughnut", [_("new"), _("returning")])
    chart.add("people", _("people"), [people["new"], people["returning"]])
    chart.datasets[0]["colors"] = ["#0b5fff", "#1f7a3a"]
    chart.definition = (
        f"{DEFINITIONS['new_participants'].definition} {DEFINITIONS['returning_share'].definition}"
    )
    if not people["exact"]:
        chart.note = _(
            "So many people that their number is estimated (about ±1 %); returning = active minus new."
        )
    return chart


def moderation_chart(scope: Scope) -> Chart:
    from resonanz.insights.moderation_figures import moderation_summary

    summary = moderation_summary(scope.brand, scope.period)
    chart = Chart("moderation", _("Moderation decisions"), "bar", list(summary["by_action"]))
    chart.add("decisions", _("decisions"), list(summary["by_action"].values()), "#12213f")
    chart.note = _(
        "Appeals: %(received)s received, %(reversed)s reversed. Freeze overrides: %(overrides)s."
    ) % {
        "received": summary["appeals"],
        "reversed": summary["reversed"],
        "overrides": summary["freeze_overrides"],
    }
    chart.definition = _(
        "Moderation decisions that took effect in the period, by action, as in the public moderation log "
        "and the transparency report. Channel and topic filters do not apply."
    )
    return chart


BUILDERS: dict[str, Callable[[Scope], Chart]] = {
    "sentiment": sentiment_chart,
    "criticism": criticism_chart,
    "response_rate": response_rate_chart,
    "response_time": response_time_chart,
    "response_trend": response_trend_chart,
    "topics": topics_chart,
    "channels": channels_chart,
    "participants": participants_chart,
    "moderation": moderation_chart,
}


def all_charts(scope: Scope) -> list[Chart]:
    return [build(scope) for build in BUILDERS.values()]
