"""Staff pages: the reviewers' queue, the caseworkers' queue and the application page they share.

Which stages a queue lists and which buttons an application shows are read from the workflow
table (``cultivation.workflow``); the buttons post to ``application_transition`` like the API and
the admin. Caseworkers keep maintaining firm records in the admin; these pages are for moving
applications. The staff navigation (``portal_tags.portal_nav``) has room for more pages, such as an
alert inbox.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.models import FIGURE_FIELDS, AnnualFigures
from registry.roles import scope_of

from ..filters import CaseQueueFilter
from ..forms import AssignReviewersForm, attach_errors
from ..models import Application, Review, ReviewAssignment
from ..reports import render_eligibility
from ..services import assign_reviewers
from ..tiers import TIERS
from ..workflow import (
    STAGES,
    TRANSITIONS,
    Action,
    Status,
    TransitionConflict,
    Who,
    acts_as,
    available_actions,
    stage_label,
)
from . import presenters
from .access import is_caseworker, is_reviewer, staff_page
from .actions import action_forms, application_detail_queryset, bind_action_form, take_action
from .notice import notice_clock

PAGE_SIZE = 25
REVIEW_DAYS = datetime.timedelta(days=14)  # the due date the assignment form suggests


def queue_stages(user) -> frozenset[str]:
    """Stages where a caseworker like ``user`` has a step to take, read from the workflow table.

    Steps the firm takes (submitting, resubmitting, withdrawing) are left out: those applications
    wait for the firm, not for the caseworker. City-level steps count only for city-level staff.
    """
    roles = {Who.CASEWORKER, Who.STAFF}
    if scope_of(user).everything:
        roles.add(Who.CITY_CASEWORKER)
    return frozenset(
        source
        for row in TRANSITIONS
        if row.offered and Who.FIRM not in row.who and row.who & roles
        for source in row.sources
    )


@staff_page(is_reviewer)
def review_queue(request: HttpRequest) -> HttpResponse:
    """The reviewer's assignments: those awaiting their score first, by due date, then the ones done."""
    today = timezone.localdate()
    visible = Application.objects.visible_to(request.user)
    assignments = (
        ReviewAssignment.objects.filter(reviewer=request.user, application__in=visible)
        .prefetch_related(Prefetch("application", queryset=Application.objects.with_workflow()))
        .order_by("due_at", "pk")
    )
    to_do, done = [], []
    for assignment in assignments:
        application = assignment.application
        actions = {row.action for row in available_actions(application, request.user, today)}
        assignment.stage_label = stage_label(application.status, request.user)
        assignment.overdue = Action.REVIEW in actions and assignment.due_at < today
        (to_do if Action.REVIEW in actions else done).append(assignment)
    return render(request, "portal/staff/review_queue.html", {"to_do": to_do, "done": done, "today": today})


@staff_page(is_caseworker)
def case_queue(request: HttpRequest) -> HttpResponse:
    """Applications in the caseworker's scope waiting at a stage where caseworkers act, oldest first."""
    stages = queue_stages(request.user)
    base = (
        Application.objects.visible_to(request.user)
        .filter(status__in=stages)
        .with_workflow()
        .order_by("submitted_at", "pk")
    )
    filterset = CaseQueueFilter(request.GET or None, queryset=base, request=request)
    status = filterset.filters["status"]
    status.extra.update(
        choices=[c for c in Status.choices if c[0] in stages], widget=forms.CheckboxSelectMultiple
    )
    status.__dict__.pop("_field", None)  # built from these settings, not a field the schema generator cached
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for application in page:
        application.stage_label = stage_label(application.status, request.user)
        application.actions = available_actions(application, request.user)
        application.due = _due_of(application)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "filter": filterset, "query": query.urlencode()}
    return render(request, "portal/staff/case_queue.html", context)


def _due_of(application: Application):
    """The date the current stage is working towards: the experts' due date, or the notice's end."""
    if application.status == Status.CITY_REVIEW:
        return min((a.due_at for a in application.assignments.all()), default=None)
    if application.status in (Status.PUBLIC_NOTICE, Status.NOTICE_PAUSED):
        return application.notice_ends_on
    return None


@staff_page()
def application(request: HttpRequest, pk: int) -> HttpResponse:
    """An application for staff: frozen snapshot, figures, reviews, history and the actions open to them."""
    return _page(request, pk)


def _page(request: HttpRequest, pk: int, bound=None, assign_form=None, status: int = 200) -> HttpResponse:
    user = request.user
    item = get_object_or_404(application_detail_queryset(user), pk=pk)
    snapshot = item.snapshot or {}
    report = snapshot.get("report")
    # Blind review: which reviews and assignments this user may read is the models' decision.
    reviews = (
        Review.objects.visible_to(user)
        .filter(assignment__application=item)
        .select_related("assignment__reviewer")
        .order_by("submitted_at", "pk")
    )
    assignments = (
        ReviewAssignment.objects.visible_to(user)
        .filter(application=item)
        .select_related("reviewer")
        .order_by("pk")
    )
    may_assign = item.status == Status.CITY_REVIEW and acts_as(Who.CITY_CASEWORKER, user, item)
    if may_assign and assign_form is None:
        due = timezone.localdate() + REVIEW_DAYS
        assigned = [a.reviewer_id for a in item.assignments.all()]
        assign_form = AssignReviewersForm(initial={"reviewers": assigned, "due_at": due}, application=item)
    reviews = list(reviews)
    mine = next((a for a in item.assignments.all() if a.reviewer_id == user.pk), None)
    if mine and any(r.assignment_id == mine.pk and r.revision == item.revision for r in reviews):
        mine = None  # scored: the due-date prompt has done its work
    context = {
        "application": item,
        "firm": item.firm,
        "tier_label": TIERS[item.tier].label,
        "stage_label": stage_label(item.status, user),
        "terminal": STAGES[item.status].terminal,
        "snapshot": render_eligibility(presenters.only_tier(report, item.tier)) if report else None,
        "figures": _snapshot_figures(snapshot.get("facts") or {}),
        "reviews": reviews,
        "assignments": list(assignments),
        "my_assignment": mine,
        "clock": notice_clock(item),
        "events": presenters.visible_events(item, user),
        "actions": action_forms(item, user, bound),
        "assign_form": assign_form if may_assign else None,
        "firm_admin_url": reverse("admin:registry_firm_change", args=[item.firm_id]) if user.is_staff else "",
    }
    return render(request, "portal/staff/application.html", context, status=status)


def _snapshot_figures(facts: dict) -> dict:
    """The figures the snapshot froze, one row per figure and one column per year."""
    years = facts.get("years") or []
    labels = {f.name: f.verbose_name for f in AnnualFigures._meta.fields}
    rows = [(labels[name], [year.get(name) for year in years]) for name in FIGURE_FIELDS]
    return {"years": [year["year"] for year in years], "rows": rows}


@require_POST
@staff_page()
def application_act(request: HttpRequest, pk: int) -> HttpResponse:
    """A workflow action (accept, return, recommend, review, approve…) through ``application_transition``."""
    item = get_object_or_404(application_detail_queryset(request.user), pk=pk)
    form = bind_action_form(request.POST)
    if take_action(request, item, form):
        back = request.POST.get("next", "")
        if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            return redirect(back)  # a button on the queue returns to the queue
        return redirect("portal:staff-application", item.pk)
    return _page(request, pk, bound=form, status=400)


@require_POST
@staff_page(is_caseworker)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """A city caseworker asks experts to score the application, through ``assign_reviewers``."""
    item = get_object_or_404(application_detail_queryset(request.user), pk=pk)
    form = AssignReviewersForm(request.POST, application=item)
    if form.is_valid():
        try:
            assign_reviewers(
                application=item,
                reviewers=form.cleaned_data["reviewers"],
                due_at=form.cleaned_data["due_at"],
                actor=request.user,
            )
        except TransitionConflict as conflict:
            messages.warning(request, str(conflict))
            return redirect("portal:staff-application", item.pk)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("已分配评审专家。"))
            return redirect("portal:staff-application", item.pk)
    return _page(request, pk, assign_form=form, status=400)
