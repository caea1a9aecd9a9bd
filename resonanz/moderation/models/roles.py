"""The record of role grants: who received which role in a brand, from whom, when.

The criticism guard asks it whether an approver is an established, independent second person (not a
sock account made moderator yesterday by the proposer). Written only by ``services.roles.change_role``,
which also appends the public log entry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand, Role
from resonanz.moderation import clock


class RoleGrant(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="role_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    # "" = no membership (before the first grant, after a withdrawal).
    old_role = models.CharField(_("old role"), max_length=16, choices=Role.choices, blank=True)
    new_role = models.CharField(_("new role"), max_length=16, choices=Role.choices, blank=True)
    # None: the operator at the command line (demo, installation) or a record backfilled by a migration.
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted"), default=clock.now, db_index=True)

    class Meta:
        ordering = ["brand", "granted_at", "id"]
        indexes = [models.Index(fields=["brand", "user", "granted_at"])]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.brand_id}: {self.old_role or '-'} → {self.new_role or '-'}"
