"""The Django admin's membership pages, routed through ``services.change_role``: a role given in /admin/
is recorded and logged publicly like any other (no sock moderator appointed unseen)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from resonanz.accounts.models import Membership, Role
from resonanz.accounts.permissions import check_role
from resonanz.core.errors import DomainError
from resonanz.moderation.services.roles import change_role


class MembershipForm(forms.ModelForm):
    request: HttpRequest | None = None

    class Meta:
        model = Membership
        fields = ["user", "brand", "role"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        brand = cleaned.get("brand") or getattr(self.instance, "brand", None)
        if brand is not None and self.request is not None:
            try:
                check_role(self.request.user, brand, Role.ADMIN)
            except DomainError as exc:
                raise ValidationError(exc.message) from exc
        return cleaned


class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "brand", "role", "created_at"]
    list_filter = ["role", "brand"]
    search_fields = ["user__username", "user__email", "brand__name"]
    autocomplete_fields = ["user", "brand"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["user", "brand"] if obj is not None else []  # a membership changes its role, nothing else

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # type: ignore[attr-defined]  # MembershipForm.clean checks this user
        return form

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        try:
            saved = change_role(obj.user, brand=obj.brand, role=obj.role, by=request.user)
        except DomainError as exc:
            raise PermissionDenied(exc.message) from exc
        if saved is not None:
            obj.pk, obj.created_at, obj.updated_at = saved.pk, saved.created_at, saved.updated_at
            obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        try:
            change_role(obj.user, brand=obj.brand, role=None, by=request.user)
        except DomainError as exc:
            raise PermissionDenied(exc.message) from exc

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("user", "brand"):
            self.delete_model(request, membership)


if admin.site.is_registered(Membership):
    admin.site.unregister(Membership)
admin.site.register(Membership, MembershipAdmin)
