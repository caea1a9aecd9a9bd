"""Moderation data: reports, house rules, decisions (statements of reasons), appeals and the public log."""

from resonanz.moderation.models import dsa
from resonanz.moderation.models.brand_settings import FreezeOverride, ModerationSettings
from resonanz.moderation.models.decisions import (
    POST_ACTIONS,
    RESTRICTING,
    SILENCING,
    THREAD_ACTIONS,
    Action,
    Appeal,
    ModerationDecision,
    Notice,
    Restriction,
)
from resonanz.moderation.models.log import GENESIS_HASH, AppendOnly, ModLogEntry
from resonanz.moderation.models.reports import Report
from resonanz.moderation.models.roles import RoleGrant
from resonanz.moderation.models.rules import HouseRule, HouseRuleVersion
from resonanz.moderation.models.tree import LogCheckpoint, LogTreeNode

__all__ = [
    "GENESIS_HASH",
    "POST_ACTIONS",
    "RESTRICTING",
    "SILENCING",
    "THREAD_ACTIONS",
    "Action",
    "Appeal",
    "AppendOnly",
    "FreezeOverride",
    "HouseRule",
    "HouseRuleVersion",
    "LogCheckpoint",
    "LogTreeNode",
    "ModLogEntry",
    "ModerationDecision",
    "ModerationSettings",
    "Notice",
    "Report",
    "Restriction",
    "RoleGrant",
    "dsa",
]
