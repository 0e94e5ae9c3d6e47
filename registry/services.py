"""Writes to the register: a firm's record, a year's figures. The admin, the import, the API and the
portal all save through here, so the three promises of a write hold whichever way it arrives:

* scope: a caseworker writes the firms their scope covers (city level: every firm; a district
  caseworker: their district's); a firm user writes their own firm's figures, never a firm record;
* audit: the history names the person and, when the path asks for one, the reason for the change;
* freeze: a year a reviewer relied on (P9) is neither changed nor deleted, checked under the row's
  lock (``AnnualFiguresQuerySet.for_write``) so no submission freezes it between check and write.

Each path still says "out of scope" in its own words before it gets here (a form's choices, an
import row's error, a field of the API): these checks are the guarantee behind those messages.
``user=None`` is a write with no person behind it (a script): no scope applies.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import AnnualFigures, District, Firm
from .roles import can_edit_register, scope_of


def may_keep_firms_of(user, district_id: int | None) -> bool:
    """Whether ``user`` may register, change or load data for firms of ``district_id``."""
    return can_edit_register(user) and scope_of(user).covers_district(district_id)


def may_write_figures_of(user, firm: Firm) -> bool:
    """Whether ``user`` may enter, correct or delete ``firm``'s figures: a caseworker whose scope
    covers the firm, or the firm's own user."""
    scope = scope_of(user)
    return scope.covers(firm) and (can_edit_register(user) or scope.firm_id is not None)


def districts_for_firms_of(user) -> QuerySet[District]:
    """The districts ``user`` may put a firm in (a district caseworker: their own only)."""
    district_id = scope_of(user).district_id
    districts = District.objects.all()
    return districts.filter(pk=district_id) if district_id else districts


def _refuse(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("您无权处理该企业。"))


def _audit(record, user, reason: str | None) -> None:
    """Name the person and the reason in the record's next history row (django-simple-history)."""
    if user is not None:
        record._history_user = user
    if reason is not None:
        record._change_reason = reason


@transaction.atomic
def save_firm(firm: Firm, *, user, reason: str | None = None, force_insert: bool = False) -> Firm:
    """Create or update ``firm`` as ``user``, inside their scope, with ``reason`` in its history."""
    if user is not None:
        _refuse(may_keep_firms_of(user, firm.district_id))
    _audit(firm, user, reason)
    firm.save(force_insert=force_insert)
    return firm


@transaction.atomic
def save_figures(
    row: AnnualFigures, *, user, reason: str | None = None, force_insert: bool = False
) -> AnnualFigures:
    """Create or update a year's figures as ``user``; a frozen year changed is ``FrozenFiguresError``.

    The row's own ``save`` locks the stored year and refuses a change to a frozen one; this runs it
    inside one transaction with the scope check, so the lock holds until the write commits.
    """
    if user is not None:
        _refuse(may_write_figures_of(user, row.firm))
    _audit(row, user, reason)
    row.save(force_insert=force_insert)
    return row


@transaction.atomic
def delete_figures(rows: AnnualFigures | QuerySet, *, user, reason: str | None = None) -> None:
    """Delete one year, or every year of a queryset, as ``user``: nothing at all if one is frozen
    (``FrozenFiguresError`` names each frozen year) or outside the user's scope."""
    if isinstance(rows, AnnualFigures):
        if user is not None:
            _refuse(may_write_figures_of(user, rows.firm))
        _audit(rows, user, reason)
        rows.delete()
        return
    if user is not None:
        firms = Firm.objects.filter(pk__in=rows.values("firm_id")).only("pk", "district_id")
        _refuse(all(may_write_figures_of(user, firm) for firm in firms))
    rows.delete()
