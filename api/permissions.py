"""Who may do what through the API. Reading is governed by each queryset's ``visible_to`` scope
(blind review included: ``Review``, ``ApplicationEvent`` and ``ReviewAssignment`` querysets)."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from registry.roles import can_edit_register, is_programme_staff, scope_of


class EditsRegister(BasePermission):
    """Caseworkers and programme admins write firm records; everyone else only reads them."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or can_edit_register(request.user)


class ImportsFiles(BasePermission):
    """Caseworkers and programme admins import files and follow their jobs, as in the admin; others 403."""

    def has_permission(self, request, view) -> bool:
        return can_edit_register(request.user)


class EditsFigures(BasePermission):
    """Caseworkers and programme admins, and firm users (for their own firm: the queryset is scoped)."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS or can_edit_register(request.user):
            return True
        return scope_of(request.user).firm_id is not None


class IsProgrammeStaff(BasePermission):
    """Caseworkers, reviewers and programme admins; never a firm user."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and not user.firm_id and is_programme_staff(user))


class AdminWrites(BasePermission):
    """Programme admins write (e.g. targets); the others only read."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or bool(getattr(request.user, "is_superuser", False))
