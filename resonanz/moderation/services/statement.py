"""Fill the DSA statement-of-reasons fields of a decision from the action, rules, reports and labels."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils.translation import gettext as _

from resonanz.community.models import Post
from resonanz.moderation.links import rule_url
from resonanz.moderation.models import Action, HouseRule, ModerationDecision, Report, dsa

VISIBILITY = {
    Action.HIDE: [dsa.DecisionVisibility.CONTENT_DISABLED],
    Action.REMOVE: [dsa.DecisionVisibility.CONTENT_REMOVED],
    Action.SPAM: [dsa.DecisionVisibility.CONTENT_REMOVED],
}
CATEGORY_BY_REASON = {
    Report.Reason.ABUSE: dsa.StatementCategory.ILLEGAL_OR_HARMFUL_SPEECH,
    Report.Reason.SPAM: dsa.StatementCategory.SCAMS_AND_FRAUD,
    Report.Reason.ILLEGAL: dsa.StatementCategory.NOT_SPECIFIED_NOTICE,
    Report.Reason.PRIVACY: dsa.StatementCategory.DATA_PROTECTION,
    Report.Reason.OTHER: dsa.StatementCategory.OTHER_VIOLATION_TC,
}


def default_category(action: str, reports: Sequence[Report]) -> str:
    if action == Action.SPAM:
        return dsa.StatementCategory.SCAMS_AND_FRAUD
    for report in reports:
        return CATEGORY_BY_REASON.get(Report.Reason(report.reason), dsa.StatementCategory.OTHER_VIOLATION_TC)
    return dsa.StatementCategory.OTHER_VIOLATION_TC


def source_type(reports: Sequence[Report]) -> str:
    if any(report.reason == Report.Reason.ILLEGAL for report in reports):
        return dsa.SourceType.ARTICLE_16
    return dsa.SourceType.OTHER_NOTIFICATION if reports else dsa.SourceType.VOLUNTARY


def compose_facts(
    decision: ModerationDecision, *, post: Post | None, reports: Sequence[Report], facts: str
) -> str:
    """The facts relied on: who flagged the post, what the classifier said, what the moderator found."""
    parts = []
    if reports:
        reasons = sorted({str(Report.Reason(report.reason).label) for report in reports})
        parts.append(
            _("Reported by %(n)s member(s): %(reasons)s.")
            % {"n": len(reports), "reasons": ", ".join(reasons)}
        )
    labels = (post.labels if post else None) or {}
    if isinstance(labels.get("abuse_score"), int | float):
        parts.append(
            _("Abuse classifier score: %(score).2f; labelled criticism: %(criticism)s.")
            % {"score": labels["abuse_score"], "criticism": _("yes") if labels.get("criticism") else _("no")}
        )
    parts.append(facts.strip() or decision.explanation)
    return " ".join(parts)[:5000]


def fill_statement(
    decision: ModerationDecision,
    *,
    post: Post | None,
    rules: Sequence[HouseRule],
    reports: Sequence[Report],
    scope: list[str],
    legal_ground: str = "",
    facts: str = "",
    until: datetime | None = None,
) -> None:
    """Set every statement-of-reasons field on the (unsaved) decision."""
    decision.decision_visibility = [str(v) for v in VISIBILITY.get(Action(decision.action), [])]
    if decision.action == Action.RESTRICT:
        decision.decision_account = dsa.DecisionAccount.SUSPENDED
        decision.end_date_account_restriction = until.date() if until else None
    cited = "; ".join(f"§{r.number} {r.title} (v{r.version.number})" for r in rules)
    decision.incompatible_content_ground = cited[:500]
    decision.incompatible_content_explanation = decision.explanation[:2000]
    decision.decision_ground_reference_url = rule_url(rules[0]) if rules else ""
    if legal_ground.strip():
        decision.decision_ground = dsa.DecisionGround.ILLEGAL_CONTENT
        decision.illegal_content_legal_ground = legal_ground.strip()[:500]
        decision.illegal_content_explanation = decision.explanation[:2000]
    decision.content_type = [dsa.ContentType.TEXT]
    decision.territorial_scope = list(scope)
    language = str(((post.labels if post else None) or {}).get("language", ""))
    decision.content_language = language.upper() if len(language) == 2 else ""
    decision.content_date = post.created_at.date() if post else None
    decision.source_type = source_type(reports)
    decision.decision_facts = compose_facts(decision, post=post, reports=reports, facts=facts)
