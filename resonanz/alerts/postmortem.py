"""The post-mortem written when an alert is resolved: timeline, volumes, topics, response times and the
moderation actions during the crisis — stored as JSON and as rendered HTML on the alert."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from django.template.loader import render_to_string

from resonanz.accounts.permissions import role_of
from resonanz.alerts.models import Alert
from resonanz.inbox.models import Direction, Message
from resonanz.insights.facts import topics_of
from resonanz.insights.kpis import response_figures
from resonanz.insights.models import ResponseFact, WindowCount
from resonanz.moderation.models import FreezeOverride, ModerationDecision

LEAD_IN = timedelta(hours=2)  # show the calm before the surge too
MAX_TOPIC_POSTS = 20_000  # the topics of a very long crisis are read from its first 20,000 negative posts


def _volumes(alert: Alert, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Incoming and negative posts per hour, from the 15-minute windows of the crisis detector."""
    first = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    rows = WindowCount.objects.filter(brand=alert.brand, start__gte=first, start__lt=end)
    hours: dict[datetime, Counter[str]] = defaultdict(Counter)
    for window, total, negative in rows.values_list("start", "total", "negative"):
        hour = window.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        hours[hour]["total"] += total
        hours[hour]["negative"] += negative
    out: list[dict[str, Any]] = []
    hour = first
    while hour < end and len(out) < 24 * 31:  # every hour, the quiet ones too (at most a month)
        out.append(
            {"hour": hour.isoformat(), "total": hours[hour]["total"], "negative": hours[hour]["negative"]}
        )
        hour += timedelta(hours=1)
    return out


def _topics(alert: Alert, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The topics of the negative posts during the crisis (read from the posts themselves: exact times)."""
    labels = (
        Message.objects.filter(
            conversation__brand=alert.brand,
            direction=Direction.IN,
            created_at__gte=start,
            created_at__lt=end,
            labels__sentiment="negative",
        )
        .order_by("created_at")
        .values_list("labels", flat=True)[:MAX_TOPIC_POSTS]
    )
    counts: Counter[str] = Counter(t for item in labels for t in topics_of(item or {}))
    return [{"topic": key, "negative": n} for key, n in counts.most_common(10)]


def _responses(alert: Alert, start: datetime, end: datetime) -> dict[str, Any]:
    facts = ResponseFact.objects.filter(brand=alert.brand, cycle_start__gte=start, cycle_start__lt=end)
    figures = response_figures(facts.only("seconds", "criticism", "sentiment_before", "sentiment_after"))
    minutes = lambda s: None if s is None else round(s / 60, 1)  # noqa: E731
    return {
        "cycles": figures.cycles,
        "answered": figures.answered,
        "response_rate": figures.response_rate,
        "median_minutes": minutes(figures.median_seconds),
        "p90_minutes": minutes(figures.p90_seconds),
        "criticism": figures.criticism,
        "criticism_answered_share": figures.criticism_answered_share,
    }


def _moderation(alert: Alert, start: datetime, end: datetime) -> dict[str, Any]:
    decisions = ModerationDecision.objects.filter(
        brand=alert.brand, effective_at__gte=start, effective_at__lt=end
    )
    return {
        "decisions": decisions.count(),
        "by_action": dict(Counter(decisions.values_list("action", flat=True))),
        "on_criticism": decisions.filter(criticism=True).count(),
        "freeze_overrides": FreezeOverride.objects.filter(
            brand=alert.brand, created_at__gte=start, created_at__lt=end
        ).count(),
    }


def build_postmortem(alert: Alert) -> dict[str, Any]:
    start = min(alert.window_start, alert.opened_at) - LEAD_IN
    end = alert.resolved_at or alert.opened_at
    timeline = []
    for e in alert.events.select_related("actor"):
        role = role_of(e.actor, alert.brand) if e.actor else None
        timeline.append(
            {
                "at": e.created_at.isoformat(),
                "kind": e.kind,
                "label": str(e.get_kind_display()),
                "role": str(role.label) if role else "",
                "data": e.data,
            }
        )
    return {
        "alert": alert.pk,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "duration_minutes": round((end - alert.opened_at).total_seconds() / 60),
        "surge": {
            "observed": alert.observed,
            "expected": round(alert.expected, 2),
            "p_value": alert.p_value,
            "driving_topics": alert.driving_topics,
        },
        "timeline": timeline,
        "volumes": _volumes(alert, start, end),
        "topics": _topics(alert, start, end),
        "responses": _responses(alert, start, end),
        "moderation": _moderation(alert, min(alert.window_start, alert.opened_at), end),  # not the lead-in
    }


def _for_display(pm: dict[str, Any]) -> dict[str, Any]:
    """The post-mortem with its ISO times as datetimes, for the template (which shows brand time)."""
    shown = dict(pm)
    shown["timeline"] = [dict(e, at=datetime.fromisoformat(e["at"])) for e in pm["timeline"]]
    shown["volumes"] = [dict(v, hour=datetime.fromisoformat(v["hour"])) for v in pm["volumes"]]
    return shown


def write_postmortem(alert: Alert) -> Alert:
    alert.postmortem = build_postmortem(alert)
    alert.postmortem_html = render_to_string(
        "alerts/postmortem.html",
        {"alert": alert, "pm": _for_display(alert.postmortem), "zone": alert.brand.timezone},
    )
    alert.save(update_fields=["postmortem", "postmortem_html"])
    return alert
