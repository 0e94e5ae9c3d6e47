"""Who may write through the API. Reading is governed by each queryset's ``visible_to`` scope."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from registry.roles import can_edit_register, scope_of


class EditsRegister(BasePermission):
    """Caseworkers and programme admins write firm records; everyone else only reads them."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or can_edit_register(request.user)


class EditsFigures(BasePermission):
    """Caseworkers and programme admins, and firm users (for their own firm: the queryset is scoped)."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS or can_edit_register(request.user):
            return True
        return scope_of(request.user).firm_id is not None
