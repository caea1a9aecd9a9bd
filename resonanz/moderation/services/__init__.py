"""Moderation writes: the one service layer used by pages, API, admin, CLI and tasks.

Every change of a post's visibility goes through here and writes the decision, the public log entry and
the notice in one transaction; e-mails leave after the commit.
"""

from resonanz.moderation.services.appeals import (
    appeal_until,
    can_appeal,
    check_can_appeal,
    decide_appeal,
    open_appeal,
)
from resonanz.moderation.services.approvals import approve_decision, reject_decision
from resonanz.moderation.services.automation import screen_post
from resonanz.moderation.services.brand_settings import settings_for, update_moderation_settings
from resonanz.moderation.services.decisions import (
    act_on_post,
    dismiss_reports,
    hide_post,
    mark_spam,
    remove_post,
    restore_post,
    restrict_author,
)
from resonanz.moderation.services.freeze import record_freeze_override, set_deletion_freeze
from resonanz.moderation.services.log import append_entry, redact_log_excerpt
from resonanz.moderation.services.reports import report_post
from resonanz.moderation.services.roles import change_role
from resonanz.moderation.services.rules import (
    content_independent_numbers,
    format_rules_text,
    parse_rules_text,
    publish_house_rules,
)
from resonanz.moderation.services.threads import ThreadDecisions, act_on_thread, thread_state_token

__all__ = [
    "ThreadDecisions",
    "act_on_post",
    "act_on_thread",
    "appeal_until",
    "append_entry",
    "approve_decision",
    "can_appeal",
    "change_role",
    "check_can_appeal",
    "content_independent_numbers",
    "decide_appeal",
    "dismiss_reports",
    "format_rules_text",
    "hide_post",
    "mark_spam",
    "open_appeal",
    "parse_rules_text",
    "publish_house_rules",
    "record_freeze_override",
    "redact_log_excerpt",
    "reject_decision",
    "remove_post",
    "report_post",
    "restore_post",
    "restrict_author",
    "screen_post",
    "set_deletion_freeze",
    "settings_for",
    "thread_state_token",
    "update_moderation_settings",
]
