"""Managers set up the early warning: sensitivity, minimum count, escalation list, holding statements."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, Role, User
from resonanz.accounts.permissions import AnyUser, has_role
from resonanz.alerts.models import AlertSettings, HoldingStatement, Sensitivity
from resonanz.alerts.permissions import check_handler
from resonanz.core.errors import InvalidInput, NotFound
from resonanz.inbox.services.team import check_placeholders


@transaction.atomic
def update_alert_settings(
    brand: Brand,
    *,
    by: AnyUser,
    enabled: bool,
    sensitivity: str,
    min_count: int,
    escalate_to: Sequence[User] = (),
) -> AlertSettings:
    check_handler(by, brand)
    if sensitivity not in Sensitivity.values:
        raise InvalidInput({"sensitivity": _("Unknown sensitivity.")})
    if not 1 <= min_count <= 10_000:
        raise InvalidInput({"min_count": _("Between 1 and 10000, please.")})
    if any(not has_role(person, brand, Role.MANAGER) for person in escalate_to):
        raise InvalidInput({"escalate_to": _("Only managers of this brand can be on the escalation list.")})
    settings, _created = AlertSettings.objects.get_or_create(brand=brand)
    settings.enabled, settings.sensitivity, settings.min_count = enabled, sensitivity, min_count
    settings.save()
    settings.escalate_to.set(list(escalate_to))
    return settings


@transaction.atomic
def save_holding_statement(
    brand: Brand, *, title: str, body: str, by: AnyUser, statement: HoldingStatement | None = None
) -> HoldingStatement:
    check_handler(by, brand)
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise InvalidInput({"title" if not title else "body": _("Please fill in title and text.")})
    if len(title) > 100 or len(body) > 4000:
        raise InvalidInput({"body": _("The holding statement is too long.")})
    check_placeholders(body)  # the same placeholders as saved replies, since it becomes one in a crisis
    if statement is not None and statement.brand_id != brand.pk:
        raise NotFound(_("Not found."))
    statement = statement or HoldingStatement(brand=brand)
    statement.title, statement.body = title, body
    statement.save()
    return statement


@transaction.atomic
def delete_holding_statement(statement: HoldingStatement, *, by: AnyUser) -> None:
    check_handler(by, statement.brand)
    statement.delete()
