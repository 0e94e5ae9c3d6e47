"""Writing digital recognitions, industry platforms and 技改 projects, and moving a project on (issue 18).

The admin (its forms and its import), the API and the demo data call these, so every write is checked
the same way: a caseworker whose district scope covers the firm (or a programme admin), the row's own
``full_clean``, the writer and reason in the record's history. A project's status moves only through
``advance_upgrade``, one step at a time (``rules.digital.TRANSITIONS``), with the day of each step.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.services import may_keep_firms_of

from ..models import DigitalRecognition, IndustryBrain, UpgradeProject
from ..rules.digital import ACCEPTED, COMPLETED, UNDER_WAY, next_status

Record = DigitalRecognition | IndustryBrain | UpgradeProject


def may_keep_digital_records_of(user, firm) -> bool:
    """Caseworkers whose scope covers the firm's district, and programme admins; never firms or experts."""
    return may_keep_firms_of(user, firm.district_id)


def _refuse_unless_allowed(user, record: Record) -> None:
    if user is not None and not may_keep_digital_records_of(user, record.firm):
        raise PermissionDenied(_("您无权处理该企业。"))


def _audit(record: Record, user, reason: str | None) -> None:
    if user is not None:
        record._history_user = user
        if record.pk is None and not record.recorded_by_id and getattr(user, "pk", None):
            record.recorded_by = user
    if reason is not None:
        record._change_reason = reason


@transaction.atomic
def save_digital_record(
    record: Record,
    *,
    user,
    reason: str | None = None,
    force_insert: bool = False,
    keep_steps: bool = False,
) -> Record:
    """Create or update a recognition, platform or project's plan as ``user``, inside their scope.

    A project's status and step dates are not changed here once it is stored: ``advance_upgrade`` does.
    A row that would change them is refused (an import's row), unless ``keep_steps``: the admin's form and
    the API edit only the plan, so the stored steps are kept, under the row's lock — a plan edited while
    someone advanced the project never puts its status back.
    """
    _refuse_unless_allowed(user, record)
    if isinstance(record, UpgradeProject) and record.pk and not record._state.adding:
        stored = UpgradeProject.objects.select_for_update().filter(pk=record.pk).first()
        if stored is not None and keep_steps:
            for name, value in zip(STEP_FIELDS, _steps(stored), strict=True):
                setattr(record, name, value)
        elif stored is not None and steps_changed(stored, record):
            raise ValidationError({"status": steps_refusal()})
    record.full_clean()
    _audit(record, user, reason)
    record.save(force_insert=force_insert)
    return record


def steps_changed(stored: UpgradeProject, record: UpgradeProject) -> bool:
    """Whether ``record`` differs from the stored project in its status or the dates of its steps."""
    return _steps(stored) != _steps(record)


def steps_refusal() -> str:
    return _("项目状态和实施日期只能通过“推进项目”办理，不能直接修改。")


STEP_FIELDS = ("status", "actual_start", "actual_finish", "accepted_on", "productivity_change")


def _steps(project: UpgradeProject) -> tuple:
    return tuple(getattr(project, name) for name in STEP_FIELDS)


@transaction.atomic
def delete_digital_record(record: Record, *, user, reason: str | None = None) -> None:
    """Delete a record entered in error, as ``user`` inside their scope (the history keeps it)."""
    _refuse_unless_allowed(user, record)
    _audit(record, user, reason)
    record.delete()


@transaction.atomic
def advance_upgrade(
    *,
    project: UpgradeProject,
    to: str,
    on: datetime.date,
    actor,
    productivity_change: Decimal | None = None,
    reason: str = "",
) -> UpgradeProject:
    """Move ``project`` one step on (started, completed, accepted) on day ``on``.

    Refused (``ValidationError``) when ``to`` is not the project's next step, ``on`` is in the future or
    before the step before it, or an acceptance lacks the productivity change; ``PermissionDenied``
    outside the actor's scope. The row is locked, so two people moving one project cannot both succeed.
    """
    project = UpgradeProject.objects.select_for_update().select_related("firm").get(pk=project.pk)
    _refuse_unless_allowed(actor, project)
    expected = next_status(project.status)
    if to != expected:
        raise ValidationError(
            {
                "to": _("“%(status)s”的项目不能改为“%(to)s”。")
                % {"status": project.get_status_display(), "to": _status_label(to)}
            }
        )
    if on > timezone.localdate():
        raise ValidationError({"on": _("日期不能晚于今天。")})
    if to != ACCEPTED and productivity_change is not None:
        raise ValidationError({"productivity_change": _("劳动生产率变化在验收时填写。")})
    field = {UNDER_WAY: "actual_start", COMPLETED: "actual_finish", ACCEPTED: "accepted_on"}[to]
    setattr(project, field, on)
    project.status = to
    if to == ACCEPTED:
        project.productivity_change = productivity_change
    try:
        project.full_clean()
    except ValidationError as error:  # the step's day is the caller's ``on``: say so there
        raise _renamed(error, field, "on") from error
    _audit(project, actor, reason or _("项目状态改为“%(status)s”") % {"status": project.get_status_display()})
    project.save()
    return project


def _renamed(error: ValidationError, field: str, name: str) -> ValidationError:
    """``error`` with the messages on ``field`` moved to ``name``."""
    if not hasattr(error, "error_dict"):
        return error
    messages = error.message_dict
    if field in messages:
        messages.setdefault(name, []).extend(messages.pop(field))
    return ValidationError(messages)


def _status_label(code: str) -> str:
    return str(dict(UpgradeProject._meta.get_field("status").choices).get(code, code))
