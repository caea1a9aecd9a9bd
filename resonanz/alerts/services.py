"""The alert lifecycle (open → acknowledged → resolved) and crisis mode.

``open_crisis`` switches the moderation deletion freeze through the moderation app's public service
``set_deletion_freeze``, copies the brand's holding statements into the inbox's saved replies (so the
composer offers them at once), escalates to named managers and can publish a public status post.
``resolve_alert`` ends all of that and writes the post-mortem.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, User
from resonanz.accounts.permissions import AnyUser, has_role
from resonanz.alerts import notify
from resonanz.alerts.detector import Detection
from resonanz.alerts.models import Alert, AlertEvent, AlertSettings, CrisisMode, HoldingStatement
from resonanz.alerts.permissions import check_handler
from resonanz.core.errors import Conflict, InvalidInput
from resonanz.inbox.models import SavedReply

CRISIS_PREFIX = "⚠ "  # marks the saved replies that exist only during a crisis


def _event(alert: Alert, kind: str, by: AnyUser | None = None, **data: object) -> None:
    actor = by if isinstance(by, User) else None
    AlertEvent.objects.create(alert=alert, kind=kind, actor=actor, data=data)


def open_alert(
    brand: Brand,
    *,
    detection: Detection,
    window_start: datetime,
    window_end: datetime,
    topics: list[dict],
    examples: list[int],
) -> Alert | None:
    """Open an alert for a surge; None if the brand already has an unresolved one (one at a time)."""
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                brand=brand,
                window_start=window_start,
                window_end=window_end,
                observed=round(detection.observed),  # an expected value: shown as whole posts
                expected=detection.expected,
                p_value=detection.p_value,
                driving_topics=topics,
                example_message_ids=examples,
            )
            _event(
                alert,
                AlertEvent.Kind.OPENED,
                observed=round(detection.observed, 2),
                expected=round(detection.expected, 2),
            )
            notify.emit_webhook(alert, "alert.opened")
            notify.queue_mail(alert, "opened")
    except IntegrityError:  # another worker opened one a moment ago (alerts_one_open)
        return None
    return alert


def _locked(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().select_related("brand").get(pk=alert.pk)


@transaction.atomic
def acknowledge_alert(alert: Alert, *, by: AnyUser) -> Alert:
    check_handler(by, alert.brand)
    alert = _locked(alert)
    if alert.status != Alert.Status.OPEN:
        return alert
    alert.status, alert.acknowledged_at = Alert.Status.ACKNOWLEDGED, timezone.now()
    alert.acknowledged_by = by if isinstance(by, User) else None
    alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    _event(alert, AlertEvent.Kind.ACKNOWLEDGED, by)
    return alert


def _escalation(alert: Alert, people: Iterable[User] | None) -> list[User]:
    """The named managers to alert: the given ones, else the escalation list of the alert settings."""
    from resonanz.accounts.models import Role

    chosen = list(people) if people is not None else []
    if any(not has_role(p, alert.brand, Role.MANAGER) for p in chosen):
        raise InvalidInput({"escalate_to": _("Only managers of this brand can be on the escalation list.")})
    if not chosen:
        stored = AlertSettings.objects.filter(brand=alert.brand).first()
        chosen = list(stored.escalate_to.all()) if stored else []
    return [p for p in chosen if has_role(p, alert.brand, Role.MANAGER)]


def _status_post(alert: Alert, text: str, *, title: str, by: AnyUser) -> int:
    from resonanz.blog.services import create_article

    article = create_article(alert.brand, title=title or _("Status update"), body=text, by=by, publish=True)
    _event(alert, AlertEvent.Kind.STATUS_POST, by, article=article.pk)
    return article.pk


def _copy_holding_statements(brand: Brand) -> list[int]:
    created = [
        SavedReply.objects.create(brand=brand, title=(CRISIS_PREFIX + s.title)[:120], body=s.body)
        for s in HoldingStatement.objects.filter(brand=brand)
    ]
    return [reply.pk for reply in created]


@transaction.atomic
def open_crisis(
    alert: Alert,
    *,
    by: AnyUser,
    freeze: bool = True,
    status_post: str = "",
    status_title: str = "",
    escalate_to: Sequence[User] | None = None,
) -> CrisisMode:
    """Switch the brand into crisis mode for this alert (managers); acknowledges the alert too."""
    check_handler(by, alert.brand)
    alert = _locked(alert)
    if alert.status == Alert.Status.RESOLVED:
        raise Conflict(_("This alert is resolved; open a crisis only for an open alert."))
    if CrisisMode.objects.filter(alert=alert).exists():
        raise Conflict(_("Crisis mode is already on for this alert."))
    if len(status_post) > 20_000:
        raise InvalidInput({"status_post": _("The status post is too long.")})
    acknowledge_alert(alert, by=by)
    crisis = CrisisMode.objects.create(
        alert=alert,
        brand=alert.brand,
        opened_by=by if isinstance(by, User) else None,
        freeze=freeze,
        saved_reply_ids=_copy_holding_statements(alert.brand),
    )
    _event(alert, AlertEvent.Kind.CRISIS_OPENED, by, holding_statements=len(crisis.saved_reply_ids))
    if freeze:
        from resonanz.moderation.services import set_deletion_freeze

        set_deletion_freeze(
            alert.brand, on=True, reason=_("Crisis mode (alert #%(id)s)") % {"id": alert.pk}, by=by
        )
        _event(alert, AlertEvent.Kind.FREEZE_ON, by)
    people = _escalation(alert, escalate_to)
    if people:
        crisis.escalated_to.set(people)
        _event(alert, AlertEvent.Kind.ESCALATED, by, to=[p.public_name for p in people])
        notify.queue_mail(alert, "crisis", [p.pk for p in people])
    if status_post.strip():
        crisis.status_article_id = _status_post(alert, status_post.strip(), title=status_title.strip(), by=by)
        crisis.save(update_fields=["status_article_id"])
    return crisis


def _end_crisis(alert: Alert, *, by: AnyUser, now: datetime) -> None:
    crisis = CrisisMode.objects.select_for_update().filter(alert=alert, ended_at__isnull=True).first()
    if crisis is None:
        return
    if crisis.freeze:
        from resonanz.moderation.services import set_deletion_freeze

        set_deletion_freeze(
            alert.brand, on=False, reason=_("Crisis resolved (alert #%(id)s)") % {"id": alert.pk}, by=by
        )
        _event(alert, AlertEvent.Kind.FREEZE_OFF, by)
    SavedReply.objects.filter(brand=alert.brand, pk__in=crisis.saved_reply_ids).delete()
    crisis.ended_at = now
    crisis.save(update_fields=["ended_at"])


@transaction.atomic
def resolve_alert(alert: Alert, *, by: AnyUser, note: str = "") -> Alert:
    """Resolve the alert, end crisis mode (freeze off, holding statements gone), write the post-mortem."""
    from resonanz.alerts.postmortem import write_postmortem

    check_handler(by, alert.brand)
    if len(note) > 4000:
        raise InvalidInput({"note": _("At most 4000 characters, please.")})
    alert = _locked(alert)
    if alert.status == Alert.Status.RESOLVED:
        return alert
    now = timezone.now()
    _end_crisis(alert, by=by, now=now)
    alert.status, alert.resolved_at, alert.resolution = Alert.Status.RESOLVED, now, note.strip()
    alert.resolved_by = by if isinstance(by, User) else None
    alert.save(update_fields=["status", "resolved_at", "resolved_by", "resolution"])
    _event(alert, AlertEvent.Kind.RESOLVED, by)
    write_postmortem(alert)
    notify.emit_webhook(alert, "alert.resolved")
    notify.queue_mail(alert, "resolved")
    return alert
