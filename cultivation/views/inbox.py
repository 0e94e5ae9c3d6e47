"""The alert inbox of every signed-in role: filter, mark read, and choose how alert emails arrive.

The rows are the user's own inbox deliveries (``services.alerts.inbox_for``) filtered by the shared
``AlertFilter``; marking read goes through ``mark_read`` / ``mark_all_read``, the email choice through
``set_email_preference``. An alert delivered to someone else answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from registry.models import District
from registry.roles import is_programme_staff

from ..filters import AlertFilter
from ..forms import EmailPreferenceForm, attach_errors
from ..models.alerts import AlertKind, AlertPreference, EmailMode
from ..services.alerts import (
    alert_text,
    inbox_for,
    inbox_groups,
    mark_all_read,
    mark_read,
    set_email_preference,
)
from .access import is_caseworker

PAGE_SIZE = 25
STAFF_FILTERS = ("kind", "tier", "district", "unread")
FIRM_FILTERS = ("kind", "tier", "unread")  # a firm's alerts are all about itself
READ_CHOICES = [
    ("", gettext_lazy("全部")),
    ("true", gettext_lazy("仅未读")),
    ("false", gettext_lazy("仅已读")),
]


def inbox_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; people with no portal role (neither a firm user nor programme staff) get 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.firm_id and not is_programme_staff(user):
            raise PermissionDenied(_("您的账号尚未分配门户角色，请联系项目管理员。"))
        return view(request, *args, **kwargs)

    return wrapper


def newest_first(user):
    """Newest first by the delivery's id (``delivery_newest``): a delivery is written in its alert's
    transaction, so this is the alerts' order, and the page reads 25 index entries, not 580,000 alerts."""
    return inbox_for(user).order_by("-id")


class CountedPaginator(Paginator):
    """Django's paginator told the count it would otherwise ask the database for (``inbox_groups``'
    totals already add up to it)."""

    def __init__(self, object_list, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # fills the ``count`` cached_property


def inbox_filter(request: HttpRequest) -> AlertFilter:
    """The shared ``AlertFilter`` on the user's inbox, with select boxes for district and read state."""
    filterset = AlertFilter(request.GET or None, queryset=newest_first(request.user))
    filters = filterset.filters
    for name in ("kind", "tier"):
        filters[name].extra.update(empty_label=_("全部"))
    filters["unread"].label = _("阅读状态")
    filters["unread"].extra.update(widget=forms.Select(choices=READ_CHOICES))
    if not request.user.firm_id:
        districts = [("", _("全部")), *((d.code, d.name) for d in District.objects.order_by("code"))]
        filters["district"].label = _("区县")
        filters["district"].extra.update(widget=forms.Select(choices=districts))
    for changed in filters.values():
        # A filter builds its form field once and keeps it; the class's filters may already hold one (the
        # API schema generator builds them), and this instance's copies would inherit it with the old label
        # and widget. Drop it so the field is built from the settings above.
        changed.__dict__.pop("_field", None)
    return filterset


def back_to_inbox(request: HttpRequest) -> HttpResponse:
    """The inbox again, with the filters and page the user came from (only ever our own path)."""
    query = request.GET.urlencode()
    return redirect(reverse("portal:inbox") + (f"?{query}" if query else ""))


@inbox_page
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's alerts, newest first, filtered and paginated, with the email preference form."""
    preference = AlertPreference.objects.filter(user=request.user).first()
    mode = preference.email if preference else EmailMode.IMMEDIATE
    return _inbox_page(request, EmailPreferenceForm(initial={"email": mode}))


def _inbox_page(
    request: HttpRequest, preference_form: EmailPreferenceForm, status: int = 200
) -> HttpResponse:
    user = request.user
    filterset = inbox_filter(request)
    groups = inbox_groups(filterset.qs)  # one scan of the inbox's index gives the groups and the count
    count = sum(group["total"] for group in groups)
    page = CountedPaginator(filterset.qs, PAGE_SIZE, count).get_page(request.GET.get("page"))
    links_firms = is_caseworker(user)  # the application list is the caseworkers' queue
    for delivery in page:
        delivery.message = alert_text(delivery.alert, user.pk)[1]
        delivery.application_url = application_url(user, delivery.alert)
        if links_firms and delivery.alert.firm_id:
            query = f"firm={delivery.alert.firm.credit_code}"
            delivery.firm_url = f"{reverse('portal:case-queue')}?{query}"
    shown = FIRM_FILTERS if user.firm_id else STAFF_FILTERS
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "groups": grouped(query, filterset, page, groups),
        "page": page,
        "filter": filterset,
        "filter_fields": [filterset.form[name] for name in shown],
        "query": query.urlencode(),
        "full_query": request.GET.urlencode(),
        "preference_form": preference_form,
    }
    return render(request, "portal/inbox.html", context, status=status)


def application_url(user, alert) -> str:
    """The application an alert is about: the firm's own page for its users, the case page for staff."""
    application = alert.payload.get("application") if isinstance(alert.payload, dict) else None
    if alert.kind != AlertKind.APPLICATION_UPDATE or not isinstance(application, int):
        return ""
    return reverse("portal:application" if user.firm_id else "portal:staff-application", args=[application])


def grouped(query, filterset: AlertFilter, page, groups: list[dict]) -> list[dict]:
    """The groups, once the list runs past one page and holds more than one kind or tier: a short
    list reads best as it is, a long one (the first scan: a thousand rows) group by group."""
    if filterset.errors or not page.has_other_pages() or len(groups) < 2:
        return []
    return group_links(query, groups)


def group_links(query, groups: list[dict]) -> list[dict]:
    """The inbox's groups (``inbox_groups``), each with the query of its filtered list."""
    for group in groups:
        narrowed = query.copy()
        narrowed["kind"], narrowed["tier"] = group["kind"], group["tier"]
        group["query"] = narrowed.urlencode()
    return groups


@require_POST
@inbox_page
def read(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Mark one of the user's alerts read (``mark_read``); someone else's alert is a 404."""
    delivery = get_object_or_404(inbox_for(request.user), alert_id=alert_id)
    mark_read(delivery=delivery, actor=request.user)
    return back_to_inbox(request)


@require_POST
@inbox_page
def read_all(request: HttpRequest) -> HttpResponse:
    """Mark read every unread alert the current filter shows (all pages), through ``mark_all_read``."""
    query = request.GET.copy()
    query.pop("page", None)
    filterset = AlertFilter(query, queryset=inbox_for(request.user))  # bound even when empty: all
    if not filterset.is_valid():
        messages.warning(request, _("筛选条件无效，未做任何标记。"))
        return back_to_inbox(request)
    count = mark_all_read(user=request.user, deliveries=filterset.qs)
    messages.success(request, _("已标记 %(count)d 条为已读。") % {"count": count})
    return back_to_inbox(request)


@require_POST
@inbox_page
def preferences(request: HttpRequest) -> HttpResponse:
    """Choose immediate emails, a daily digest or no email (``set_email_preference``)."""
    form = EmailPreferenceForm(request.POST)
    if form.is_valid():
        try:
            preference = set_email_preference(user=request.user, mode=form.cleaned_data["email"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            label = preference.get_email_display()
            messages.success(request, _("邮件提醒方式已改为：%(mode)s。") % {"mode": label})
            return back_to_inbox(request)
    return _inbox_page(request, form, status=400)
