"""Writing the strategy: goals, target groups and KPIs (managers and admins of the brand)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand
from resonanz.accounts.permissions import AnyUser
from resonanz.core.errors import InvalidInput, NotFound
from resonanz.insights.kpis import DEFINITIONS
from resonanz.insights.models import KPI, Goal, KpiPeriod, TargetGroup
from resonanz.insights.permissions import check_manager
from resonanz.sources.models import Channel


def _text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput({field: _("This field is required.")})
    if len(value) > limit or "\x00" in value:
        raise InvalidInput({field: _("At most %(n)s characters, please.") % {"n": limit}})
    return value


def _own(brand: Brand, objects: Iterable[TargetGroup | Channel | Goal]) -> list:
    items = list(objects)
    if any(item.brand_id != brand.pk for item in items):
        raise NotFound(_("Not found."))
    return items


@transaction.atomic
def save_target_group(
    brand: Brand, *, name: str, description: str = "", by: AnyUser, group: TargetGroup | None = None
) -> TargetGroup:
    """Create a target group, or update ``group``."""
    check_manager(by, brand)
    if group is not None:
        _own(brand, [group])
    group = group or TargetGroup(brand=brand)
    group.name = _text(name, field="name", limit=120)
    group.description = _text(description, field="description", limit=2000, required=False)
    group.save()
    return group


@transaction.atomic
def save_goal(
    brand: Brand,
    *,
    title: str,
    description: str = "",
    target_groups: Iterable[TargetGroup] = (),
    channels: Iterable[Channel] = (),
    by: AnyUser,
    goal: Goal | None = None,
) -> Goal:
    """Create a goal, or update ``goal``; target groups and channels must be the brand's own."""
    check_manager(by, brand)
    if goal is not None:
        _own(brand, [goal])
    groups, own_channels = _own(brand, target_groups), _own(brand, channels)
    goal = goal or Goal(brand=brand)
    goal.title = _text(title, field="title", limit=200)
    goal.description = _text(description, field="description", limit=4000, required=False)
    goal.save()
    goal.target_groups.set(groups)
    goal.channels.set(own_channels)
    return goal


def _check_kpi(
    brand: Brand, *, metric: str, target: float, period: str, threshold_minutes: int | None
) -> None:
    if metric not in DEFINITIONS:
        raise InvalidInput({"metric": _("Unknown metric.")})
    if period not in KpiPeriod.values:
        raise InvalidInput({"period": _("Unknown period.")})
    unit = DEFINITIONS[metric].unit
    if target < 0 or (unit == "percent" and target > 100) or target > 10**9:
        raise InvalidInput({"target": _("The target is out of range for this metric.")})
    if metric == "criticism_answered_within" and not threshold_minutes:
        raise InvalidInput({"threshold_minutes": _("Give the time limit in minutes for this metric.")})
    if threshold_minutes is not None and not 1 <= threshold_minutes <= 60 * 24 * 30:
        raise InvalidInput({"threshold_minutes": _("Between 1 minute and 30 days, please.")})


@transaction.atomic
def save_kpi(
    brand: Brand,
    *,
    name: str,
    metric: str,
    target: float,
    period: str = KpiPeriod.MONTH,
    threshold_minutes: int | None = None,
    channel: Channel | None = None,
    topic: str = "",
    goal: Goal | None = None,
    by: AnyUser,
    kpi: KPI | None = None,
) -> KPI:
    """Create a KPI, or update ``kpi``; the metric's formal definition decides what “on track” means."""
    check_manager(by, brand)
    _check_kpi(brand, metric=metric, target=target, period=period, threshold_minutes=threshold_minutes)
    _own(brand, [x for x in (channel, goal) if x is not None])
    if kpi is not None and kpi.brand_id != brand.pk:
        raise NotFound(_("Not found."))
    kpi = kpi or KPI(brand=brand)
    kpi.name = _text(name, field="name", limit=200)
    kpi.metric, kpi.target, kpi.period, kpi.threshold_minutes = (
        metric,
        float(target),
        period,
        threshold_minutes,
    )
    kpi.channel, kpi.goal = channel, goal
    kpi.topic = _text(topic, field="topic", limit=100, required=False)
    kpi.save()
    return kpi


@transaction.atomic
def delete_strategy_item(item: Goal | TargetGroup | KPI, *, by: AnyUser) -> None:
    check_manager(by, item.brand)
    item.delete()
