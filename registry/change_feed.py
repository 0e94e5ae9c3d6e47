"""The change feed: an append-only log of what changed, read by integrators with a cursor (issue 19).

Why its own table: the promotion scan's ``FirmChange`` log is consumed and deleted by every scan, and
says only "this firm may have changed" -- not which record, how, or an application's new status.

Ordering without gaps. A plain autoincrement id is not a safe cursor on PostgreSQL: ids are handed
out at insert, transactions commit in another order, so a reader that returned id 7 (committed) may
later find id 6 (committed after it) behind its cursor and never return it. Here each row is numbered
at *commit*: a deferred constraint trigger (migration ``0007_change_feed``) takes a transaction-level
advisory lock and sets ``seq`` from a sequence when the writing transaction commits. The lock is held
until the commit has become visible, so the transactions that write the feed commit their numbers in
order: when a reader sees ``seq`` N, every smaller number that will ever exist is already visible (or
belongs to a transaction that rolled back). Writers queue on the lock only for the instant of their
commit, after their other work, so the lock adds no deadlock and little waiting. SQLite serialises
writers itself; a plain trigger copies the id into ``seq`` there.

Retention: rows older than ``CHANGE_FEED_RETENTION_DAYS`` are deleted by ``prune_change_feed`` (a beat
task); ``ChangeFeedHorizon`` remembers the highest number pruned, so a cursor behind it is refused
(410 in the API) instead of silently skipping what was pruned.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .models import AnnualFigures, Change, ChangeFeedHorizon, Firm
from .signals import figures_saved_in_bulk


def record_change(kind: str, key: str, record_id: int, action: str, firm_id: int, status: str = "") -> None:
    """Append one change in the caller's transaction (it is numbered when that transaction commits)."""
    Change.objects.create(
        kind=kind, key=key, record_id=record_id, action=action, firm_id=firm_id, status=status
    )


def record_firms_updated(firm_ids: list[int]) -> None:
    """Log firms changed by a bulk ``update()`` (which sends no signal), in one query and one insert."""
    codes = Firm.objects.filter(pk__in=firm_ids).values_list("pk", "credit_code")
    Change.objects.bulk_create(
        Change(kind=Change.Kind.FIRM, key=code, record_id=pk, action=Change.Action.UPDATED, firm_id=pk)
        for pk, code in codes
    )


def pruned_through() -> int:
    return ChangeFeedHorizon.objects.values_list("pruned_through", flat=True).first() or 0


def latest_seq() -> int:
    return Change.objects.exclude(seq=None).aggregate(models.Max("seq"))["seq__max"] or pruned_through()


def changes_after(visible: models.QuerySet, since: int, limit: int) -> list[Change]:
    """Up to ``limit`` of the ``visible`` changes numbered after ``since``, in order."""
    return list(visible.filter(seq__gt=since).order_by("seq")[:limit])


@transaction.atomic
def prune_change_feed(now: datetime.datetime | None = None) -> int:
    """Delete changes older than the retention and raise the horizon past them; returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.CHANGE_FEED_RETENTION_DAYS)
    old = Change.objects.filter(changed_at__lt=cutoff).exclude(seq=None)
    highest = old.aggregate(models.Max("seq"))["seq__max"]
    if highest is None:
        return 0
    horizon, _created = ChangeFeedHorizon.objects.select_for_update().get_or_create(pk=1)
    horizon.pruned_through = max(horizon.pruned_through, highest)
    horizon.save()
    deleted, _by_model = Change.objects.filter(seq__lte=horizon.pruned_through).delete()
    return deleted


@shared_task(name="registry.tasks.prune_changes")
def prune_changes() -> int:
    """The daily beat task (``cultivation.schedules``) that applies the retention."""
    return prune_change_feed()


def _action(created: bool) -> str:
    return Change.Action.CREATED if created else Change.Action.UPDATED


def _firm_saved(sender, instance: Firm, created: bool, raw: bool = False, **kwargs) -> None:
    if not raw:
        record_change(Change.Kind.FIRM, instance.credit_code, instance.pk, _action(created), instance.pk)


def _firm_deleted(sender, instance: Firm, **kwargs) -> None:
    record_change(Change.Kind.FIRM, instance.credit_code, instance.pk, Change.Action.DELETED, instance.pk)


def _figures_key(figures: AnnualFigures) -> str:
    return f"{figures.firm.credit_code}/{figures.year}"


def _figures_saved(sender, instance: AnnualFigures, created: bool, raw: bool = False, **kwargs) -> None:
    if not raw:
        key = _figures_key(instance)
        record_change(Change.Kind.FIGURES, key, instance.pk, _action(created), instance.firm_id)


def _figures_saved_in_bulk(sender, created: list, updated: list, **kwargs) -> None:
    """The rows ``post_save`` would have written, one per year, in one insert."""
    actions = [
        *((row, Change.Action.CREATED) for row in created),
        *((row, Change.Action.UPDATED) for row in updated),
    ]
    Change.objects.bulk_create(
        Change(
            kind=Change.Kind.FIGURES,
            key=_figures_key(row),
            record_id=row.pk,
            action=action,
            firm_id=row.firm_id,
        )
        for row, action in actions
    )


def _figures_deleted(sender, instance: AnnualFigures, **kwargs) -> None:
    key = _figures_key(instance)
    record_change(Change.Kind.FIGURES, key, instance.pk, Change.Action.DELETED, instance.firm_id)


def connect_register_feed() -> None:
    """Log the register's own records (firms, figures); cultivation logs designations and applications.

    Writes that bypass ``save()``/``delete()`` (bulk inserts, ``QuerySet.update``) are not logged,
    except the figures import's bulk writes, which send ``figures_saved_in_bulk``.
    """
    post_save.connect(_firm_saved, sender=Firm, dispatch_uid="change-feed-firm-save")
    post_delete.connect(_firm_deleted, sender=Firm, dispatch_uid="change-feed-firm-delete")
    post_save.connect(_figures_saved, sender=AnnualFigures, dispatch_uid="change-feed-figures-save")
    post_delete.connect(_figures_deleted, sender=AnnualFigures, dispatch_uid="change-feed-figures-delete")
    figures_saved_in_bulk.connect(_figures_saved_in_bulk, dispatch_uid="change-feed-figures-bulk")
