"""Reporting a post: open to every logged-in member of the brand community."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from resonanz.accounts.permissions import AnyUser, check_authenticated
from resonanz.community.models import Post, Visibility
from resonanz.core.errors import Conflict, InvalidInput, NotAllowed
from resonanz.moderation.models import HouseRule, Report


@transaction.atomic
def report_post(
    post: Post,
    *,
    reason: str,
    note: str = "",
    by: AnyUser,
    rule: HouseRule | None = None,
    criticism: bool = False,
) -> Report:
    """Report ``post``; ``rule`` is the house rule the reporter thinks is broken, ``criticism`` says
    the reporter sees the post as criticism of the brand (which puts it under the criticism guard)."""
    reporter = check_authenticated(by)
    if reason not in Report.Reason.values:
        raise InvalidInput({"reason": _("Please choose a reason.")})
    if len(note) > 2000:
        raise InvalidInput({"note": _("The note is too long (at most 2000 characters).")})
    if rule is not None and rule.version.brand_id != post.brand_id:
        raise InvalidInput({"rule": _("Unknown house rule.")})
    if post.visibility != Visibility.VISIBLE:
        raise NotAllowed(_("This post is not visible."))
    if post.author_id == reporter.pk:
        raise NotAllowed(_("You cannot report your own post."))
    if Report.objects.filter(post=post, reporter=reporter, status=Report.Status.OPEN).exists():
        raise Conflict(_("You have already reported this post; the moderators will look at it."))
    return Report.objects.create(
        brand=post.brand, post=post, reporter=reporter, reason=reason, note=note.strip(), rule=rule,
        criticism=criticism,
    )  # fmt: skip
