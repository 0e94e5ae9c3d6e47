"""Taking an expert off an application before they have scored it (the reverse of ``assign_reviewers``).

The admin's assignment list, its application page and the API remove an assignment only through here, so the
same rules hold everywhere: a city caseworker's step, as assigning is; only while the application is in the
city review; never once the expert has submitted a review (the review is part of the record, and the
``Review`` row protects its assignment). Each removal leaves an event row, like an assignment.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Application, ApplicationEvent, ReviewAssignment
from ..models.applications import ASSIGN
from ..workflow import Status, TransitionConflict, Who, acts_as


@transaction.atomic
def unassign_reviewer(*, assignment: ReviewAssignment, actor) -> None:
    """Remove ``assignment`` (an expert asked to score an application) before its review.

    ``PermissionDenied`` unless the actor is a city caseworker or a programme admin;
    ``TransitionConflict`` (HTTP 409) when the application has left the city review or the expert has
    already reviewed it: someone acted first, and the review stays on the record.
    """
    application = Application.objects.select_for_update().get(pk=assignment.application_id)
    if not acts_as(Who.CITY_CASEWORKER, actor, application):
        raise PermissionDenied(_("只有市级经办人可以撤销评审专家分配。"))
    locked = ReviewAssignment.objects.select_for_update().filter(pk=assignment.pk).first()
    if locked is None:
        raise TransitionConflict(_("该评审分配已被撤销。"))
    if application.status != Status.CITY_REVIEW:
        raise TransitionConflict(_("只有处于市级复审阶段的申请可以撤销评审专家分配。"))
    if locked.reviews.exists():
        raise TransitionConflict(_("该专家已提交评审意见，不能撤销分配。"))
    name = locked.reviewer.get_username()
    locked.delete()
    ApplicationEvent.objects.create(
        application=application,
        action=ASSIGN,
        event="application.reviewer_unassigned",
        from_status=application.status,
        to_status=application.status,
        actor=actor,
        reason=_("撤销评审专家分配：%(name)s") % {"name": name},
        revision=application.revision,
    )
