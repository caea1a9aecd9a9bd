"""Notices to authors and reporters: a durable in-app row now, the e-mail after the commit."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from resonanz.accounts.models import User
from resonanz.moderation.links import absolute, appeal_path, statement_path
from resonanz.moderation.models import ModerationDecision, Notice
from resonanz.moderation.services.brand_settings import settings_for

log = logging.getLogger(__name__)

TEMPLATES: dict[str, str] = {
    Notice.Kind.STATEMENT: "moderation/public/email/statement",
    Notice.Kind.APPEAL_OUTCOME: "moderation/public/email/appeal_outcome",
    Notice.Kind.REPORT_OUTCOME: "moderation/public/email/report_outcome",
}


def appeal_deadline(decision: ModerationDecision, window_days: int) -> datetime:
    start = decision.effective_at or decision.created_at
    return start + timedelta(days=window_days)


def notify(decision: ModerationDecision, *, recipient: User | None, kind: str) -> Notice | None:
    """Record the notice in this transaction and mail it once the transaction has committed."""
    if recipient is None or not recipient.is_active:
        return None
    notice = Notice.objects.create(brand=decision.brand, recipient=recipient, decision=decision, kind=kind)
    transaction.on_commit(partial(send_notice_mail, notice.pk))
    return notice


def send_notice_mail(notice_id: int) -> None:
    """Send one notice in the recipient's language; idempotent (a sent notice is not sent twice)."""
    notice = (
        Notice.objects.select_related("recipient", "decision", "decision__brand", "decision__appeal")
        .filter(pk=notice_id, emailed_at__isnull=True)
        .first()
    )
    if notice is None or not notice.recipient.email:
        return
    decision = notice.decision
    context = {
        "notice": notice, "decision": decision, "brand": decision.brand,
        "rules": list(decision.rules.select_related("version")),
        "statement_url": absolute(statement_path(decision)), "appeal_url": absolute(appeal_path(decision)),
        "appeal_until": appeal_deadline(decision, settings_for(decision.brand).appeal_window_days),
        "appeal": getattr(decision, "appeal", None),
    }  # fmt: skip
    language = notice.recipient.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = " ".join(render_to_string(TEMPLATES[notice.kind] + "_subject.txt", context).split())
        body = render_to_string(TEMPLATES[notice.kind] + ".txt", context)
    try:
        send_mail(subject, body, None, [notice.recipient.email])
    except OSError:  # the in-app notice stands; a later retry can send the mail
        log.exception("could not mail moderation notice %s", notice.pk)
        return
    Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
