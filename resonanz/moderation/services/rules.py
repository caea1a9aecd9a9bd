"""Publishing house rules: every change is a new immutable version; the old ones stay citable."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import AnyUser, check_role
from resonanz.core.errors import InvalidInput
from resonanz.moderation import clock
from resonanz.moderation.models import HouseRule, HouseRuleVersion, ModLogEntry
from resonanz.moderation.services.brand_settings import settings_for
from resonanz.moderation.services.log import append_entry, role_label

MAX_RULES = 50


def parse_rules_text(text: str) -> list[tuple[str, str]]:
    """The editor's format: rules separated by a line ``---``; first line the title, the rest the text."""
    blocks = [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n---")]
    rules = []
    for block in blocks:
        block = block.lstrip("-").strip()
        if block:
            title, _sep, body = block.partition("\n")
            rules.append((title.strip(), body.strip()))
    return rules


def format_rules_text(version: HouseRuleVersion | None) -> str:
    if version is None:
        return ""
    return "\n---\n".join(f"{rule.title}\n{rule.text}" for rule in version.rules.all())


def content_independent_numbers(version: HouseRuleVersion | None) -> list[int]:
    """The numbers of the version's content-independent rules (spam, others' personal data, illegal)."""
    return [rule.number for rule in version.rules.all() if rule.content_independent] if version else []


def _clean_numbers(numbers: Iterable[int], count: int) -> set[int]:
    wanted = set(numbers)
    unknown = sorted(n for n in wanted if not 1 <= n <= count)
    if unknown:
        raise InvalidInput(
            {"content_independent": _("There is no rule %(n)s in this version.") % {"n": unknown[0]}}
        )
    return wanted


def _clean(rules: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    if not rules:
        raise InvalidInput({"rules": _("Please write at least one rule.")})
    if len(rules) > MAX_RULES:
        raise InvalidInput({"rules": _("At most %(n)s rules.") % {"n": MAX_RULES}})
    cleaned = []
    for number, (title, text) in enumerate(rules, start=1):
        title, text = " ".join(title.split()), text.strip()
        if not title or len(title) > 200:
            raise InvalidInput(
                {"rules": _("Rule %(n)s needs a title of up to 200 characters.") % {"n": number}}
            )
        if len(text) > 4000:
            raise InvalidInput({"rules": _("Rule %(n)s is too long (4000 characters).") % {"n": number}})
        cleaned.append((title, text))
    return cleaned


@transaction.atomic
def publish_house_rules(
    brand: Brand,
    *,
    rules: Sequence[tuple[str, str]],
    by: AnyUser,
    change_note: str = "",
    content_independent: Iterable[int] = (),
) -> HouseRuleVersion:
    """Publish ``rules`` (title, text), numbered from 1, as the brand's next version; logged publicly.

    ``content_independent`` are the numbers of the rules whose breach does not depend on the opinion
    expressed (spam, someone else's personal data, illegal content); the list is public, in the log too.
    """
    check_role(by, brand, Role.MANAGER)
    cleaned = _clean(rules)
    independent = _clean_numbers(content_independent, len(cleaned))
    settings_for(brand, lock=True)  # two managers publishing at once get consecutive version numbers
    last = HouseRuleVersion.objects.filter(brand=brand).aggregate(n=Max("number"))["n"] or 0
    version = HouseRuleVersion.objects.create(
        brand=brand, number=last + 1, change_note=change_note.strip()[:500],
        published_by=by if by.is_authenticated else None, published_at=clock.now(),
    )  # fmt: skip
    HouseRule.objects.bulk_create(
        HouseRule(version=version, number=n, title=title, text=text, content_independent=n in independent)
        for n, (title, text) in enumerate(cleaned, start=1)
    )
    append_entry(
        brand, kind=ModLogEntry.Kind.RULES,
        payload={
            "version": version.number, "change_note": version.change_note, "by_role": role_label(by, brand),
            "rules": [{"number": n, "title": title} for n, (title, _text) in enumerate(cleaned, start=1)],
            "content_independent": sorted(independent),
        },
    )  # fmt: skip
    return version
