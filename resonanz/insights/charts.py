"""Dashboard charts: data for Chart.js (rendered with json_script), the same numbers as table and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from resonanz.insights import figures
from resonanz.insights.brand_settings import settings_for
from resonanz.insights.scope import Scope
from resonanz.sources.models import Channel

COLOURS = {"positive": "#1f7a3a", "neutral": "#8a94a6", "negative": "#b3261e", "unlabelled": "#d0d5dd"}
PALETTE = ["#0b5fff", "#e07b00", "#1f7a3a", "#8e44ad", "#b3261e", "#12213f"]


@dataclass
class Chart:
    id: str
    title: str
    kind: str  # bar | line | doughnut
    labels: list[str]
    datasets: list[dict[str, Any]] = field(default_factory=list)
    stacked: bool = False
    horizontal: bool = False
    note: str = ""

    def add(self, label: str, data: Sequence[float | int | None], colour: str | None = None) -> None:
        self.datasets.append(
            {"label": label, "data": list(data), "color": colour or PALETTE[len(self.datasets) % 6]}
        )

    @property
    def config(self) -> dict[str, Any]:
        return {
            "type": self.kind,
            "labels": self.labels,
            "datasets": self.datasets,
            "stacked": self.stacked,
            "horizontal": self.horizontal,
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
        writer.writerow(["label", *[d["label"] for d in self.datasets]])
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
        "unlabelled": _("unlabelled"),
    }


def sentiment_chart(scope: Scope) -> Chart:
    chart = Chart(
        "sentiment", _("Incoming posts by sentiment"), "bar", figures.day_labels(scope), stacked=True
    )
    data, names = figures.sentiment_series(scope), _sentiment_names()
    for key in ("negative", "neutral", "positive", "unlabelled"):
        if key in data or key != "unlabelled":
            chart.add(names[key], data.get(key, [0] * len(chart.labels)), COLOURS[key])
    return chart


def criticism_chart(scope: Scope) -> Chart:
    chart = Chart("criticism", _("Criticism and abuse"), "line", figures.day_labels(scope))
    data = figures.criticism_abuse_series(scope)
    empty = [0] * len(chart.labels)
    chart.add(_("criticism (protected)"), data.get("criticism", empty), "#e07b00")
    chart.add(_("abuse"), data.get("abuse", empty), "#b3261e")
    return chart


def response_rate_chart(scope: Scope) -> Chart:
    chart = Chart(
        "response_rate", _("Conversations to answer and answered"), "bar", figures.day_labels(scope)
    )
    data = figures.response_rate_series(scope)
    chart.add(_("measurement cycles"), data["cycles"], "#8a94a6")
    chart.add(_("answered by a person"), data["answered"], "#0b5fff")
    return chart


def response_time_chart(scope: Scope) -> Chart:
    business = settings_for(scope.brand).business_hours
    rows = figures.response_distribution(scope, business=business)
    chart = Chart("response_time", _("Time to first response"), "bar", [label for label, _n in rows])
    chart.add(_("answered cycles"), [n for _label, n in rows], "#0b5fff")
    if business:
        chart.note = _("Counted in business hours.")
    return chart


def topics_chart(scope: Scope) -> Chart:
    topics = figures.top_topics(scope)
    chart = Chart(
        "topics",
        _("Top topics and their sentiment"),
        "bar",
        [t["topic"] for t in topics],
        stacked=True,
        horizontal=True,
    )
    names = _sentiment_names()
    for key in ("negative", "neutral", "positive"):
        chart.add(names[key], [t[key] for t in topics], COLOURS[key])
    return chart


def channels_chart(scope: Scope) -> Chart:
    data = figures.by_channel(scope)
    names = dict(Channel.objects.filter(brand=scope.brand, pk__in=list(data)).values_list("pk", "name"))
    ids = sorted(data, key=lambda pk: names.get(pk, ""))
    chart = Chart(
        "channels", _("Reach and engagement by channel"), "bar", [names.get(pk, f"#{pk}") for pk in ids]
    )
    chart.add(_("people reached (wrote)"), [data[pk]["reach"] for pk in ids])
    chart.add(_("incoming posts"), [data[pk]["in"] for pk in ids])
    chart.add(_("conversations"), [data[pk]["conversations"] for pk in ids])
    chart.add(_("answers by the team"), [data[pk]["out"] for pk in ids])
    chart.note = _(
        "Reach counts the distinct people who wrote on the channel; networks do not report views to us."
    )
    return chart


def participants_chart(scope: Scope) -> Chart:
    people = figures.participants(scope)
    chart = Chart("participants", _("New and returning participants"), "doughnut", [_("new"), _("returning")])
    chart.add(_("people"), [people["new"], people["returning"]])
    chart.datasets[0]["colors"] = ["#0b5fff", "#1f7a3a"]
    return chart


def moderation_chart(scope: Scope) -> Chart:
    from resonanz.insights.moderation_figures import moderation_summary

    summary = moderation_summary(scope.brand, scope.period)
    chart = Chart("moderation", _("Moderation decisions"), "bar", list(summary["by_action"]))
    chart.add(_("decisions"), list(summary["by_action"].values()), "#12213f")
    chart.note = _(
        "Appeals: %(received)s received, %(reversed)s reversed. Freeze overrides: %(overrides)s."
    ) % {
        "received": summary["appeals"],
        "reversed": summary["reversed"],
        "overrides": summary["freeze_overrides"],
    }
    return chart


BUILDERS: dict[str, Callable[[Scope], Chart]] = {
    "sentiment": sentiment_chart,
    "criticism": criticism_chart,
    "response_rate": response_rate_chart,
    "response_time": response_time_chart,
    "topics": topics_chart,
    "channels": channels_chart,
    "participants": participants_chart,
    "moderation": moderation_chart,
}


def all_charts(scope: Scope) -> list[Chart]:
    return [build(scope) for build in BUILDERS.values()]
