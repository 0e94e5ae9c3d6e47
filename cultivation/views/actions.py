"""Taking a workflow action from a page: the firm's and the staff's pages share this path.

The view parses the form and hands it to ``application_transition``, the one function that moves
an application (the API and the admin call it too). What the user may do, and whether it is still
possible, is its answer: a ``ValidationError`` goes back onto the form, a ``TransitionConflict``
(someone acted first) becomes a notice, and ``PermissionDenied`` a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..forms import ActionForm, attach_errors
from ..models import Application
from ..services import application_transition, transition_input_errors
from ..workflow import Action, Status, Transition, TransitionConflict, available_actions


def application_detail_queryset(user) -> QuerySet[Application]:
    """Applications the user may see, with what the detail pages read (workflow, experts).

    The history and the reviews are not prefetched here: the pages read them through
    ``ApplicationEvent.objects.visible_to`` and ``Review.objects.visible_to`` (blind review).
    """
    return Application.objects.visible_to(user).with_workflow().prefetch_related("assignments__reviewer")


def take_action(request: HttpRequest, application: Application, form: ActionForm) -> bool:
    """Run the form's action through the service; True when the application moved (or was scored)."""
    if not form.is_valid():
        _add_service_input_errors(application, form)
        _tell_if_not_shown(request, application, form)
        return False
    was = application.status
    try:
        application_transition(application=application, actor=request.user, **form.service_kwargs())
    except TransitionConflict as conflict:
        messages.warning(request, str(conflict))
        return True  # nothing to correct on the form: the page reloads with the current stage
    except ValidationError as error:
        attach_errors(form, error)
        _tell_if_not_shown(request, application, form)
        return False
    label = action_label(form.cleaned_data["action"], was)
    messages.success(request, _("已完成：%(action)s。") % {"action": label})
    return True


DISCARD_DRAFT = gettext_lazy("删除草稿")


def action_label(action: str, status: str) -> str:
    """What the button says: withdrawing a draft nobody has seen yet is, to the firm, discarding it.

    The workflow has one action for both (``withdraw``, to 已撤回), so the API and the history
    keep one name; only the words on the firm's pages differ.
    """
    if action == Action.WITHDRAW and status == Status.DRAFT:
        return str(DISCARD_DRAFT)
    return str(Action(action).label)


def _add_service_input_errors(application: Application, form: ActionForm) -> None:
    """A form that failed on one field also shows what the service says about the others (a missing
    recommendation beside letters in the score), so every error is reported at once."""
    if "action" not in form.cleaned_data:
        return
    inputs = form.service_kwargs()
    errors = transition_input_errors(application, inputs.pop("action"), **inputs)
    for field, said in errors.items():
        if field in form.fields and field not in form.errors:
            form.add_error(field, said)


def _tell_if_not_shown(request: HttpRequest, application: Application, form: ActionForm) -> None:
    """The page shows a failed form only in place of an action it offers; for any other action (a
    forged or stale request) the errors go into a notice, so the refusal is never silent."""
    offered = {str(row.action) for row in available_actions(application, request.user)}
    if str(form.data.get("action", "")) in offered:
        return
    errors = " ".join(str(message) for field in form.errors.values() for message in field)
    messages.error(request, _("无法执行该操作：%(errors)s") % {"errors": errors})


def bind_action_form(data) -> ActionForm:
    """A submitted action form, with the same field ids as the blank one it came from."""
    return ActionForm(data, auto_id=_auto_id(str(data.get("action", ""))))


def _auto_id(action: str) -> str:
    """Field ids per action: several action forms share one page, their ids must not collide."""
    return f"id_{action}_%s"


# Actions that end an application or send it back: the page folds them away until asked for.
CAUTION_TARGETS = frozenset({Status.RETURNED, Status.REJECTED, Status.WITHDRAWN, Status.NOTICE_PAUSED})


def action_forms(
    application: Application, user, bound: ActionForm | None = None
) -> list[tuple[Transition, ActionForm, list[tuple[object, bool]], bool]]:
    """One form per action the user can take now, each listing only the inputs its row asks for.

    Each input comes with whether the row requires it, and each form with whether it is a cautious
    step (see ``CAUTION_TARGETS``). ``bound`` (a submitted form that failed) replaces the blank form
    of its action so its errors and values show where the user typed them.
    """
    failed = bound.data.get("action") if bound is not None else None
    out = []
    for row in available_actions(application, user):
        if failed == row.action:
            form = bound
        else:
            form = ActionForm(initial={"action": row.action}, auto_id=_auto_id(row.action))
        inputs = [(form[str(name)], name in row.required) for name in row.inputs]
        out.append((row, form, inputs, row.target in CAUTION_TARGETS))
    return out
