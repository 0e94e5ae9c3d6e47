"""The caller's identity and how far they see (``/api/me/``)."""

from __future__ import annotations

from rest_framework import serializers

from registry.roles import Role, role_names


class MeSerializer(serializers.Serializer):
    """Who the caller is and how far they see."""

    username = serializers.CharField()
    role = serializers.CharField(help_text="programme_admin | caseworker | reviewer | firm | none")
    roles = serializers.ListField(child=serializers.CharField())
    firm = serializers.CharField(allow_null=True, help_text="the firm's credit code (firm users)")
    district = serializers.CharField(allow_null=True, help_text="district code (district staff)")
    scope = serializers.CharField(help_text="everything | district | firm | nothing")
    token_expires_at = serializers.DateTimeField(
        allow_null=True, help_text="when this request's API token expires (null when signed in by session)"
    )

    @staticmethod
    def describe(user, scope, firm: str | None, district: str | None) -> dict:
        roles = sorted(role_names(user))
        if user.is_superuser:
            role = "programme_admin"
        elif user.firm_id:
            role = Role.FIRM.value
        else:
            role = next((r for r in (Role.CASEWORKER, Role.REVIEWER) if r in roles), "none")
        kind = (
            "everything"
            if scope.everything
            else "firm"
            if scope.firm_id
            else ("district" if scope.district_id else "nothing")
        )
        return {
            "username": user.get_username(),
            "role": str(role),
            "roles": roles,
            "firm": firm,
            "district": district,
            "scope": kind,
        }
