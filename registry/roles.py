"""Who a user is in the programme, and how far they see.

Roles are Django groups (created by migration) so programme admins manage
them in the admin. Scope is the single rule every list obeys:

* programme admins (superusers) and city staff (caseworkers or reviewers with
  no district) see every firm;
* a district caseworker or reviewer sees the firms of their district only;
* a firm user sees their own firm only;
* anyone else sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("经办人")
    REVIEWER = "reviewer", _("评审专家")
    FIRM = "firm", _("企业用户")


STAFF_ROLES = frozenset({Role.CASEWORKER, Role.REVIEWER})


def role_names(user) -> frozenset[str]:
    """The user's role group names, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_tiermark_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._tiermark_roles = cached
    return cached


def has_role(user, role: str) -> bool:
    return role in role_names(user)


@dataclass(frozen=True)
class Scope:
    """How far a user sees: everything, one district, one firm, or nothing."""

    everything: bool = False
    district_id: int | None = None
    firm_id: int | None = None

    @property
    def nothing(self) -> bool:
        return not self.everything and self.district_id is None and self.firm_id is None


def scope_of(user) -> Scope:
    """The one place that turns a user into a visibility scope."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    if user.firm_id:
        return Scope(firm_id=user.firm_id)
    if role_names(user) & STAFF_ROLES:
        if user.district_id:
            return Scope(district_id=user.district_id)
        return Scope(everything=True)
    return Scope()


def is_programme_staff(user) -> bool:
    """Caseworkers, reviewers and programme admins: the people who run the programme."""
    return bool(getattr(user, "is_superuser", False) or role_names(user) & STAFF_ROLES)


def can_edit_register(user) -> bool:
    """Caseworkers and programme admins maintain firm records; reviewers only read them."""
    return bool(getattr(user, "is_superuser", False) or has_role(user, Role.CASEWORKER))
