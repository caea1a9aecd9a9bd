"""The transparency report of a brand for a period (Santa Clara numbers, a draft of a DSA Art. 15 report).

Definitions: a *decision* counts in the period it took effect (restores and dismissals included; later
reversals do not remove it). *Time to decision* runs from the first report on the post to the decision.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from typing import Any

from django.db.models import Count, Min, QuerySet
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand
from resonanz.moderation.models import Action, Appeal, FreezeOverride, ModerationDecision, Report, dsa
from resonanz.moderation.periods import Period

Status = ModerationDecision.Status
SOURCE_NAMES = {
    dsa.SourceType.ARTICLE_16: "notice_illegal_content",
    dsa.SourceType.TRUSTED_FLAGGER: "trusted_flagger",
    dsa.SourceType.OTHER_NOTIFICATION: "member_report",
}

# What the report's keys mean, for the page (the CSV and JSON keep the stable English keys).
FIGURE_LABELS = {
    "forum": _("forum"),
    "blog": _("blog comments"),
    "unknown": _("unknown (post deleted)"),
    "member_report": _("report by a member"),
    "notice_illegal_content": _("notice of illegal content"),
    "trusted_flagger": _("trusted flagger"),
    "automation": _("automatic screening"),
    "team": _("team (own initiative)"),
    "automated_detection": _("detected automatically"),
    "human_detection": _("detected by people"),
    "automated_decision_fully": _("decided fully automatically"),
    "automated_decision_partially": _("decided partially automatically (hidden pending review)"),
    "not_automated": _("decided by people"),
    "automatic_hides": _("automatic hides"),
    "automatic_hides_confirmed": _("… confirmed by a moderator"),
    "automatic_hides_reverted": _("… restored by a moderator"),
    "received": _("received"),
    "open": _("open"),
    "decided": _("decided with an action"),
    "dismissed": _("dismissed"),
    "automatic_flags": _("flagged by the automatic screening for a person to look at (not counted above)"),
    "upheld": _("decision upheld"),
    "reversed": _("decision reversed"),
    "reversal_rate": _("share reversed"),
    "proposals": _("proposals on criticism (four eyes)"),
    "approved": _("approved by a second moderator"),
    "rejected": _("rejected by a second moderator"),
    "pending": _("waiting for a second moderator"),
    "freeze_overrides": _("deletion freeze overrides"),
}


def _decisions(brand: Brand, period: Period) -> QuerySet[ModerationDecision]:
    return ModerationDecision.objects.filter(
        brand=brand, effective_at__gte=period.start, effective_at__lt=period.end
    ).select_related("post__thread__article")


def _source(decision: ModerationDecision) -> str:
    if decision.source_type in SOURCE_NAMES:
        return SOURCE_NAMES[dsa.SourceType(decision.source_type)]
    return "automation" if decision.decided_by_id is None else "team"


def _channel(decision: ModerationDecision) -> str:
    thread = decision.post.thread if decision.post else None
    if thread is None:
        return "unknown"
    return "blog" if getattr(thread, "article", None) is not None else "forum"


def _by_rule(decisions: QuerySet[ModerationDecision]) -> list[dict[str, Any]]:
    rows = (
        decisions.values("rules__number", "rules__version__number", "rules__title")
        .annotate(count=Count("id", distinct=True))
        .order_by("rules__number", "rules__version__number")
    )
    return [
        {"number": r["rules__number"], "version": r["rules__version__number"], "title": r["rules__title"],
         "count": r["count"]}
        for r in rows if r["rules__number"] is not None
    ]  # fmt: skip


def _median_hours(decisions: list[ModerationDecision]) -> float | None:
    first_report = dict(
        Report.objects.filter(decision__in=[d.pk for d in decisions])
        .values("decision_id")
        .annotate(first=Min("created_at"))
        .values_list("decision_id", "first")
    )
    durations = [
        (d.effective_at - first_report[d.pk]).total_seconds() / 3600
        for d in decisions
        if d.pk in first_report and d.effective_at
    ]
    return round(statistics.median(durations), 2) if durations else None


def _automation(decisions: list[ModerationDecision]) -> dict[str, int]:
    """Automated vs human, and how often people confirmed or undid an automatic hide (its accuracy)."""
    automatic = [d for d in decisions if d.decided_by_id is None]
    later: dict[int | None, set[str]] = {}
    human = ModerationDecision.objects.filter(
        post_id__in=[d.post_id for d in automatic], decided_by__isnull=False
    ).exclude(status__in=[Status.PENDING_APPROVAL, Status.REJECTED])
    for post_id, action in human.values_list("post_id", "action"):
        later.setdefault(post_id, set()).add(action)
    silencing = {Action.HIDE, Action.REMOVE, Action.SPAM}
    confirmed = sum(bool(later.get(d.post_id, set()) & silencing) for d in automatic)
    reverted = sum(Action.RESTORE in later.get(d.post_id, set()) for d in automatic)
    count = Counter((d.automated_detection, d.automated_decision) for d in decisions)
    return {
        "automated_detection": sum(
            n for (det, _dec), n in count.items() if det == dsa.AutomatedDetection.YES
        ),
        "human_detection": sum(n for (det, _dec), n in count.items() if det == dsa.AutomatedDetection.NO),
        "automated_decision_fully": sum(
            n for (_d, dec), n in count.items() if dec == dsa.AutomatedDecision.FULLY
        ),
        "automated_decision_partially": sum(
            n for (_d, dec), n in count.items() if dec == dsa.AutomatedDecision.PARTIALLY
        ),
        "not_automated": sum(
            n for (_d, dec), n in count.items() if dec == dsa.AutomatedDecision.NOT_AUTOMATED
        ),
        "automatic_hides": len(automatic),
        "automatic_hides_confirmed": confirmed,
        "automatic_hides_reverted": reverted,
    }


def _appeals(brand: Brand, period: Period) -> dict[str, Any]:
    appeals = Appeal.objects.filter(
        decision__brand=brand, created_at__gte=period.start, created_at__lt=period.end
    )
    counts = Counter(appeals.values_list("status", flat=True))
    decided = counts[Appeal.Status.UPHELD] + counts[Appeal.Status.REVERSED]
    return {
        "received": sum(counts.values()), "upheld": counts[Appeal.Status.UPHELD],
        "reversed": counts[Appeal.Status.REVERSED], "open": counts[Appeal.Status.OPEN],
        "reversal_rate": round(counts[Appeal.Status.REVERSED] / decided, 3) if decided else None,
    }  # fmt: skip


def _criticism_guard(brand: Brand, period: Period) -> dict[str, int]:
    proposals = ModerationDecision.objects.filter(
        brand=brand, four_eyes=True, created_at__gte=period.start, created_at__lt=period.end
    )
    counts = Counter(proposals.values_list("status", flat=True))
    return {
        "proposals": sum(counts.values()),
        "approved": sum(counts.values()) - counts[Status.REJECTED] - counts[Status.PENDING_APPROVAL],
        "rejected": counts[Status.REJECTED],
        "pending": counts[Status.PENDING_APPROVAL],
        "freeze_overrides": FreezeOverride.objects.filter(
            brand=brand, created_at__gte=period.start, created_at__lt=period.end
        ).count(),
    }


def _reports(brand: Brand, period: Period) -> dict[str, int]:
    reports = Report.objects.filter(brand=brand, created_at__gte=period.start, created_at__lt=period.end)
    flags = reports.filter(automated=True).count()  # the screening's own flags are not notices by people
    counts = Counter(reports.filter(automated=False).values_list("status", flat=True))
    return {
        "received": sum(counts.values()), **{status: counts[status] for status in Report.Status.values},
        "automatic_flags": flags,
    }  # fmt: skip


def build_report(brand: Brand, period: Period) -> dict[str, Any]:
    queryset = _decisions(brand, period)
    decisions = list(queryset)
    return {
        "brand": brand.slug,
        "period": {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat()},
        "decisions": len(decisions),
        "by_action": dict(sorted(Counter(d.action for d in decisions).items())),
        "by_rule": _by_rule(queryset),
        "by_channel": dict(sorted(Counter(_channel(d) for d in decisions).items())),
        "by_source": dict(sorted(Counter(_source(d) for d in decisions).items())),
        "automation": _automation(decisions),
        "reports": _reports(brand, period),
        "median_hours_report_to_decision": _median_hours(decisions),
        "appeals": _appeals(brand, period),
        "criticism_guard": _criticism_guard(brand, period),
    }


def report_csv(report: dict[str, Any]) -> str:
    """One row per figure: section, key, value (spreadsheets open it as it is)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "value"])
    writer.writerow(["period", "label", report["period"]["label"]])
    writer.writerow(["decisions", "total", report["decisions"]])
    for section in (
        "by_action",
        "by_channel",
        "by_source",
        "automation",
        "reports",
        "appeals",
        "criticism_guard",
    ):
        for key, value in report[section].items():
            writer.writerow([section, key, "" if value is None else value])
    for row in report["by_rule"]:
        writer.writerow(["by_rule", f"§{row['number']} v{row['version']} {row['title']}", row["count"]])
    median = report["median_hours_report_to_decision"]
    writer.writerow(["timing", "median_hours_report_to_decision", "" if median is None else median])
    return out.getvalue()
