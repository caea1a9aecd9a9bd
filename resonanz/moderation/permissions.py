"""Checks other apps call: may this person write in the brand's community now?"""

from __future__ import annotations

import zoneinfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand
from resonanz.accounts.permissions import AnyUser
from resonanz.moderation import selectors
from resonanz.moderation.errors import AuthorRestricted


def can_write(user: AnyUser, brand: Brand) -> bool:
    return selectors.active_restriction(user, brand) is None


def check_can_write(user: AnyUser, brand: Brand) -> None:
    """Refuse new threads, replies, comments and edits while a restriction of the author runs
    (community services call this; the restriction's statement of reasons tells the author why)."""
    restriction = selectors.active_restriction(user, brand)
    if restriction is not None:
        raise AuthorRestricted(
            _(
                "A moderator has restricted your account in this community until %(date)s. "
                "The statement of reasons under “Decisions about my posts” says why and how to appeal."
            )
            % {
                "date": date_format(
                    restriction.until.astimezone(zoneinfo.ZoneInfo(brand.timezone)), "DATE_FORMAT"
                )
            }
        )
