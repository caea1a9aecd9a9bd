"""Plain words for log entries, shared by the HTML log, the Atom feed and the JSON API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from resonanz.moderation.models import Action, ModLogEntry

ROLE_NAMES = {
    "moderator": gettext_lazy("a moderator"),
    "manager": gettext_lazy("a manager"),
    "admin": gettext_lazy("an admin"),
    "automation": gettext_lazy("the automatic screening"),
}


def role_name(role: str | None) -> str:
    return str(ROLE_NAMES.get(role or "", _("the team")))


def action_name(action: str | None) -> str:
    return str(Action(action).label) if action in Action.values else str(action or "")


def rules_cited(payload: dict[str, Any]) -> str:
    return ", ".join(f"§{r['number']} (v{r['version']})" for r in payload.get("rules") or [])


def outcome_name(outcome: str | None) -> str | None:
    if not outcome:
        return None
    return _("decision reversed") if outcome == "reversed" else _("decision upheld")


def entry_title(entry: ModLogEntry) -> str:
    """A one-line headline per entry, e.g. "Hide · §2 (v1) · automated · four eyes"."""
    payload, kind = entry.payload, entry.kind
    if kind in (ModLogEntry.Kind.DECISION, ModLogEntry.Kind.REJECTED):
        parts = [action_name(payload.get("action")), rules_cited(payload)]
        if kind == ModLogEntry.Kind.REJECTED:
            parts.insert(0, _("Proposal rejected"))
        if payload.get("automated_detection"):
            parts.append(_("detected automatically"))
        if payload.get("four_eyes"):
            parts.append(_("four eyes (criticism)"))
        return " · ".join(p for p in parts if p)
    if kind == ModLogEntry.Kind.APPEAL:
        outcome = _("decision reversed") if payload.get("outcome") == "reversed" else _("decision upheld")
        return _("Appeal: %(outcome)s") % {"outcome": outcome}
    if kind == ModLogEntry.Kind.RULES:
        return _("House rules version %(n)s published") % {"n": payload.get("version")}
    if kind == ModLogEntry.Kind.FREEZE:
        return _("Deletion freeze switched on") if payload.get("on") else _("Deletion freeze switched off")
    if kind == ModLogEntry.Kind.FREEZE_OVERRIDE:
        return _("Deletion freeze overridden for one post")
    return _("Excerpt of entry %(seq)s removed for legal reasons") % {"seq": payload.get("redacts")}


def entry_summary(entry: ModLogEntry, *, appeal_outcome: str | None = None) -> str:
    payload = entry.payload
    who = role_name(payload.get("decided_by_role") or payload.get("by_role"))
    lines = [_("By %(who)s.") % {"who": who}]
    if payload.get("approved_by_role"):
        lines.append(_("Approved by %(who)s.") % {"who": role_name(payload["approved_by_role"])})
    if payload.get("rejected_by_role"):
        lines.append(_("Rejected by %(who)s.") % {"who": role_name(payload["rejected_by_role"])})
    if payload.get("reason"):
        lines.append(_("Reason: %(reason)s") % {"reason": payload["reason"]})
    if appeal_outcome:
        lines.append(_("Appeal outcome: %(outcome)s.") % {"outcome": appeal_outcome})
    if payload.get("legal_ground"):
        lines.append(_("Legal ground: %(law)s.") % {"law": payload["legal_ground"]})
    State = ModLogEntry.ExcerptState
    if entry.excerpt_state == State.SHOWN:
        lines.append(f"“{entry.excerpt}”")
    elif entry.excerpt_state == State.WITHHELD and payload.get("ground") == "DECISION_GROUND_ILLEGAL_CONTENT":
        lines.append(_("Removed for legal reasons; the text is not republished here."))
    elif entry.excerpt_state == State.WITHHELD:
        lines.append(_("The moderated text is not republished here."))
    elif entry.excerpt_state == State.REDACTED:
        lines.append(_("Excerpt removed for legal reasons."))
    elif entry.excerpt_state == State.WITHDRAWN:
        lines.append(_("Excerpt withdrawn: the post was hidden or removed later."))
    return " ".join(str(line) for line in lines)
