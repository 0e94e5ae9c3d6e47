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
from django.db.models import QuerySet
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

    def covers_district(self, district_id: int | None) -> bool:
        """Whether the scope reaches every firm of ``district_id``: city level, or that very district.

        A firm user's scope covers no district: they write their own firm's figures, never firm records.
        """
        return self.everything or (self.district_id is not None and self.district_id == district_id)

    def covers(self, firm) -> bool:
        """Whether ``firm`` (anything with ``pk`` and ``district_id``) is inside the scope: the per-object
        form of ``filter``, for a record already in hand."""
        own_firm = self.firm_id is not None and self.firm_id == firm.pk
        return own_firm or self.covers_district(firm.district_id)

    def filter(self, queryset: QuerySet, firm_path: str = "firm") -> QuerySet:
        """``queryset`` cut to the rows of the firms in scope; the one place a scope becomes a query.

        ``firm_path`` leads from a row to its firm (``"firm"``, ``"application__firm"``); an empty path
        means the rows are firms.
        """
        if self.everything:
            return queryset
        prefix = f"{firm_path}__" if firm_path else ""
        if self.firm_id:
            return queryset.filter(**{f"{firm_path}_id" if firm_path else "pk": self.firm_id})
        if self.district_id:
            return queryset.filter(**{f"{prefix}district_id": self.district_id})
        return queryset.none()


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


def is_caseworker(user) -> bool:
    """Caseworkers and programme admins (superusers): who maintain the register and move applications.

    The one "is a caseworker" test. Pages that must never open to a firm user ask ``user.firm_id``
    as well (``cultivation.views.access``).
    """
    return bool(getattr(user, "is_superuser", False) or has_role(user, Role.CASEWORKER))


def is_city_caseworker(user) -> bool:
    """A caseworker whose scope is the whole city (no district), or a programme admin: who decides for
    the city (admissions past the pool's entry rule, designations recorded by hand, the final steps)."""
    return is_caseworker(user) and scope_of(user).everything


def is_reviewer(user) -> bool:
    """Experts who score applications (the reviewer group); a programme admin is not one by rank."""
    return has_role(user, Role.REVIEWER)


def is_programme_staff(user) -> bool:
    """Caseworkers, reviewers and programme admins: the people who run the programme."""
    return bool(getattr(user, "is_superuser", False) or role_names(user) & STAFF_ROLES)


def can_edit_register(user) -> bool:
    """Caseworkers and programme admins maintain firm records; reviewers only read them."""
    return is_caseworker(user)
