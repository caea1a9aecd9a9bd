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
    "reviewer": gettext_lazy("the external reviewer"),
    "agent": gettext_lazy("an agent"),
    "member": gettext_lazy("a member"),
    "operator": gettext_lazy("the operator of the installation"),
    "automation": gettext_lazy("the automatic screening"),
}
# The role a person holds after a grant, as the log's headline says it ("… became moderator").
ROLE_TITLES = {
    "member": gettext_lazy("member"),
    "agent": gettext_lazy("agent"),
    "moderator": gettext_lazy("moderator"),
    "manager": gettext_lazy("manager"),
    "admin": gettext_lazy("admin"),
    "reviewer": gettext_lazy("external reviewer"),
}


SETTING_NAMES = {
    "auto_hide_threshold": gettext_lazy("threshold for automatic hiding"),
    "auto_hide_rule_number": gettext_lazy("rule cited by automatic hiding"),
    "appeal_window_days": gettext_lazy("appeal window (days)"),
    "approver_min_role_days": gettext_lazy("days in role before approving"),
}


def role_name(role: str | None) -> str:
    return str(ROLE_NAMES.get(role or "", _("the team")))


def role_title(role: str | None) -> str:
    return str(ROLE_TITLES.get(role or "", role or ""))


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
    if kind in (ModLogEntry.Kind.DECISION, ModLogEntry.Kind.REJECTED, ModLogEntry.Kind.PROPOSED):
        parts = [action_name(payload.get("action")), rules_cited(payload)]
        if kind == ModLogEntry.Kind.REJECTED:
            parts.insert(0, _("Proposal rejected"))
        if kind == ModLogEntry.Kind.PROPOSED:
            parts.insert(0, _("Proposal waiting for a second person"))
        if payload.get("automated_detection"):
            parts.append(_("detected automatically"))
        if payload.get("four_eyes"):
            parts.append(_("four eyes (criticism)"))
        if payload.get("guard") == "content_independent_rule":
            parts.append(_("content-independent rule, one moderator"))
        return " · ".join(p for p in parts if p)
    if kind == ModLogEntry.Kind.ROLE:
        if not payload.get("new_role"):
            return _("A person is no longer %(role)s") % {"role": role_title(payload.get("old_role"))}
        return _("A person became %(role)s") % {"role": role_title(payload.get("new_role"))}
    if kind == ModLogEntry.Kind.APPEAL:
        outcome = _("decision reversed") if payload.get("outcome") == "reversed" else _("decision upheld")
        return _("Appeal: %(outcome)s") % {"outcome": outcome}
    if kind == ModLogEntry.Kind.RULES:
        return _("House rules version %(n)s published") % {"n": payload.get("version")}
    if kind == ModLogEntry.Kind.FREEZE:
        return _("Deletion freeze switched on") if payload.get("on") else _("Deletion freeze switched off")
    if kind == ModLogEntry.Kind.FREEZE_OVERRIDE:
        return _("Deletion freeze overridden for one post")
    if kind == ModLogEntry.Kind.SETTINGS:
        names = ", ".join(str(SETTING_NAMES.get(k, k)) for k in sorted(payload.get("changed") or {}))
        return _("Moderation settings changed: %(names)s") % {"names": names}
    return _("Excerpt of entry %(seq)s removed for legal reasons") % {"seq": payload.get("redacts")}


def entry_summary(entry: ModLogEntry, *, appeal_outcome: str | None = None) -> str:
    payload = entry.payload
    who = role_name(payload.get("decided_by_role") or payload.get("by_role"))
    lines = [_("By %(who)s.") % {"who": who}]
    if payload.get("approved_by_role"):
        lines.append(_("Approved by %(who)s.") % {"who": role_name(payload["approved_by_role"])})
    if payload.get("rejected_by_role"):
        lines.append(_("Rejected by %(who)s.") % {"who": role_name(payload["rejected_by_role"])})
    if entry.kind == ModLogEntry.Kind.ROLE and payload.get("old_role") and payload.get("new_role"):
        lines.append(_("Role before: %(role)s.") % {"role": role_title(payload["old_role"])})
    if entry.kind == ModLogEntry.Kind.SETTINGS:
        for name, (old, new) in sorted((payload.get("changed") or {}).items()):
            lines.append(
                _("%(name)s: %(old)s → %(new)s.")
                % {"name": SETTING_NAMES.get(name, name), "old": f"{old:g}", "new": f"{new:g}"}
            )
    if entry.kind == ModLogEntry.Kind.PROPOSED:
        if payload.get("approver_available"):
            lines.append(
                _("The post stays visible until a second moderator or the external reviewer decides.")
            )
        else:
            lines.append(
                _(
                    "No eligible second person yet: the post stays visible and the proposal waits for the "
                    "external reviewer or another established moderator."
                )
            )
    if payload.get("guard") == "content_independent_rule":
        lines.append(
            _(
                "The post looked like criticism or was not clearly classified; it was acted on alone under a "
                "content-independent rule (spam, personal data of others, illegal content). Check that the "
                "rule fits."
            )
        )
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
