"""The programme's part of the change feed (``registry.change_feed``): designations and applications'
statuses, logged in the writer's transaction; and who reads which entries.

An application is logged when it is created and whenever a workflow event moves its status (every
transition records an ``ApplicationEvent``); assigning experts or other events that keep the status
are not changes of status.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save

from registry.change_feed import Change, record_change

from .models import Application, ApplicationEvent, Designation
from .models.applications import reads_assigned_only


def _designation_saved(sender, instance: Designation, created: bool, raw: bool = False, **kwargs) -> None:
    if not raw:
        action = Change.Action.CREATED if created else Change.Action.UPDATED
        record_change(Change.Kind.DESIGNATION, str(instance.pk), instance.pk, action, instance.firm_id)


def _designation_deleted(sender, instance: Designation, **kwargs) -> None:
    record_change(
        Change.Kind.DESIGNATION, str(instance.pk), instance.pk, Change.Action.DELETED, instance.firm_id
    )


def _application_saved(sender, instance: Application, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        record_change(
            Change.Kind.APPLICATION,
            str(instance.pk),
            instance.pk,
            Change.Action.CREATED,
            instance.firm_id,
            status=instance.status,
        )


def _status_moved(sender, instance: ApplicationEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw and instance.from_status != instance.to_status:
        application = instance.application
        record_change(
            Change.Kind.APPLICATION,
            str(application.pk),
            application.pk,
            Change.Action.UPDATED,
            application.firm_id,
            status=instance.to_status,
        )


def record_designations_updated(designations: list[tuple[int, int]]) -> None:
    """Log designations changed by a bulk ``update()`` (``(pk, firm_id)`` pairs; one insert), such as the
    nightly scan's lapse of expired designations."""
    Change.objects.bulk_create(
        Change(
            kind=Change.Kind.DESIGNATION,
            key=str(pk),
            record_id=pk,
            action=Change.Action.UPDATED,
            firm_id=firm,
        )
        for pk, firm in designations
    )


def connect_programme_feed() -> None:
    """Called once from the app's ``ready()``."""
    post_save.connect(_designation_saved, sender=Designation, dispatch_uid="change-feed-designation-save")
    post_delete.connect(
        _designation_deleted, sender=Designation, dispatch_uid="change-feed-designation-delete"
    )
    post_save.connect(_application_saved, sender=Application, dispatch_uid="change-feed-application-save")
    post_save.connect(_status_moved, sender=ApplicationEvent, dispatch_uid="change-feed-application-status")


def changes_visible_to(user) -> QuerySet[Change]:
    """The changes of the firms in the user's scope; an expert who reads only the applications assigned
    to them (``reads_assigned_only``) sees only those applications' statuses, as in every other list."""
    changes = Change.objects.visible_to(user)
    if reads_assigned_only(user):
        assigned = Application.objects.visible_to(user).values("pk")
        changes = changes.filter(~Q(kind=Change.Kind.APPLICATION) | Q(record_id__in=assigned))
    return changes
