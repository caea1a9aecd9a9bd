"""Role changes over the API: a brand admin gives or withdraws a role (recorded, logged publicly)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from resonanz.accounts.selectors import get_brand, get_user_by_handle
from resonanz.community.api import WRITE_ERRORS, BrandSlug, viewer_of
from resonanz.moderation.services.roles import change_role

router = Router(tags=["moderation"])
RoleName = Literal["member", "agent", "moderator", "manager", "admin", "reviewer"]


class RoleIn(Schema):
    username: str = Field(max_length=30)
    role: RoleName | None = Field(description="The new role; null withdraws the membership")


class RoleOut(Schema):
    username: str
    role: str | None


@router.post("/brands/{brand_slug}/roles", response={200: RoleOut, **WRITE_ERRORS})
def set_role(request: HttpRequest, brand_slug: BrandSlug, payload: RoleIn) -> Any:
    """Give a person a role in the brand (brand admins). The public log shows the roles, not the names."""
    brand = get_brand(brand_slug)
    user = get_user_by_handle(payload.username)
    membership = change_role(user, brand=brand, role=payload.role, by=viewer_of(request))
    return {"username": user.username, "role": membership.role if membership else None}
