"""Writes to the register: a firm's record, a year's figures. The admin, the import, the API and the
portal all save through here, so the three promises of a write hold whichever way it arrives:

* scope: a caseworker writes the firms their scope covers (city level: every firm; a district
  caseworker: their district's); a firm user writes their own firm's figures, never a firm record;
* audit: the history names the person and, when the path asks for one, the reason for the change;
* freeze: a year a reviewer relied on (P9) is neither changed nor deleted, checked under the row's
  lock (``AnnualFiguresQuerySet.for_write``) so no submission freezes it between check and write;
* no lost update: given the ``expected_version`` the editor read (``registry.versions``), a record
  changed since is refused (``StaleRecordError``), compared under the same lock as the write.

Each path still says "out of scope" in its own words before it gets here (a form's choices, an
import row's error, a field of the API): these checks are the guarantee behind those messages.
``user=None`` is a write with no person behind it (a script): no scope applies.
"""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AnnualFigures, District, Firm, FrozenFiguresError
from .roles import can_edit_register, scope_of
from .signals import figures_saved_in_bulk
from .versions import StaleRecordError, version_of

# The version(s) an editor read: one, any of several (an ``If-Match`` list), or None to not compare.
Expected = str | Collection[str] | None


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
        if isinstance(record, AnnualFigures):  # a refusal worded for the firm's own user
            record.refusal_for_firm = getattr(user, "firm_id", None) is not None
    if reason is not None:
        record._change_reason = reason


@transaction.atomic
def check_version(record: Firm | AnnualFigures, expected: Expected) -> None:
    """Lock the stored row and refuse (``StaleRecordError``) unless its version is one ``expected``.

    Inside a transaction the lock holds until it ends, so the row cannot change between this check
    and the write that follows (outside one, as a form's early check, it ends with this function);
    ``expected=None`` or a record not stored yet compares nothing.
    """
    if expected is None or record.pk is None or record._state.adding:
        return
    accepted = {expected} if isinstance(expected, str) else set(expected)
    rows = type(record)._default_manager.filter(pk=record.pk)
    stored = (rows.for_write() if isinstance(record, AnnualFigures) else rows.select_for_update()).first()
    if stored is None or version_of(stored) not in accepted:
        raise StaleRecordError()


@transaction.atomic
def save_firm(
    firm: Firm,
    *,
    user,
    reason: str | None = None,
    force_insert: bool = False,
    expected_version: Expected = None,
) -> Firm:
    """Create or update ``firm`` as ``user``, inside their scope, with ``reason`` in its history;
    refused if it changed since ``expected_version`` was read."""
    if user is not None:
        _refuse(may_keep_firms_of(user, firm.district_id))
    check_version(firm, expected_version)
    _audit(firm, user, reason)
    firm.save(force_insert=force_insert)
    return firm


@transaction.atomic
def save_figures(
    row: AnnualFigures,
    *,
    user,
    reason: str | None = None,
    force_insert: bool = False,
    expected_version: Expected = None,
) -> AnnualFigures:
    """Create or update a year's figures as ``user``; a frozen year changed is ``FrozenFiguresError``,
    a year changed since ``expected_version`` was read is ``StaleRecordError``.

    The row's own ``save`` locks the stored year and refuses a change to a frozen one; this runs it
    inside one transaction with the scope and version checks, so the lock holds until the write commits.
    """
    if user is not None:
        _refuse(may_write_figures_of(user, row.firm))
    check_version(row, expected_version)
    _audit(row, user, reason)
    row.save(force_insert=force_insert)
    return row


@transaction.atomic
def save_figures_in_bulk(
    new: list[AnnualFigures], changed: list[AnnualFigures], *, user, reason: str | None = None
) -> tuple[list[AnnualFigures], list[AnnualFigures]]:
    """``save_figures`` for many years at once (an import's chunk), in a number of queries that does not
    grow with the rows: returns the rows created and the rows actually changed.

    The same promises, checked for the whole chunk before anything is written: every firm in ``user``'s
    scope; the stored years locked (in id order) and re-read, a frozen one that would change refused
    (``FrozenFiguresError``, nothing written), one deleted meanwhile refused (``StaleRecordError``);
    only the columns a copy changed are written, the others taken from the stored row; a new year
    starts unfrozen with today's filing date. The audit is the single save's: one history row per year
    written (the user, the reason), and ``figures_saved_in_bulk`` for the change feed, the promotion
    scan's log and the dashboard cache (``registry.signals``).
    """
    if user is not None:
        firms = {row.firm_id: row.firm for row in (*new, *changed)}
        _refuse(all(may_write_figures_of(user, firm) for firm in firms.values()))
    updated = _apply_changes(changed)
    for row in new:
        row.frozen, row.frozen_reason = False, ""
        row.filed_on = row.filed_on or timezone.localdate()
    for row in (*new, *updated):
        _audit(row, user, reason)
    if new:
        AnnualFigures.objects.bulk_create(new)
        AnnualFigures.history.bulk_history_create(new, default_change_reason=None)
    if updated:
        AnnualFigures.history.bulk_history_create(updated, update=True, default_change_reason=None)
    for row in (*new, *updated):
        row._remember_loaded()
    if new or updated:
        figures_saved_in_bulk.send(sender=AnnualFigures, created=new, updated=updated)
    return new, updated


def _apply_changes(changed: list[AnnualFigures]) -> list[AnnualFigures]:
    """Write ``changed`` rows' edited columns under the stored rows' locks (one select, one update);
    the rows that changed anything."""
    if not changed:
        return []
    stored = {row.pk: row for row in AnnualFigures.objects.filter(pk__in=[r.pk for r in changed]).for_write()}
    updated, columns = [], set()
    for row in changed:
        current = stored.get(row.pk)
        if current is None:
            raise StaleRecordError()
        changes = row.changes_from(current)
        if current.frozen and changes:
            raise FrozenFiguresError.editing(current, for_firm=row.refusal_for_firm)
        for field in AnnualFigures._meta.concrete_fields:
            if field.name not in changes and not field.primary_key:
                setattr(row, field.attname, getattr(current, field.attname))  # as stored
        if changes:
            updated.append(row)
            columns.update(changes)
    if updated:
        now = timezone.now()
        for row in updated:
            row.updated_at = now
        AnnualFigures.objects.bulk_update(updated, [*sorted(columns), "updated_at"])
    return updated


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
