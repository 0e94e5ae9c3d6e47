"""Template helpers of the portal layout: the navigation a user sees depends on who they are."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registry.roles import is_programme_staff

from ..services.alerts import unread_count
from ..views.access import is_caseworker, is_reviewer

register = template.Library()


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: object
    also: tuple[str, ...] = ()  # other pages that belong to this section
    counts_unread: bool = False  # shows the number of unread alerts

    def matches(self, current: str) -> bool:
        return current == self.url_name or current in self.also


FIRM_NAV = (
    NavItem("portal:home", _("首页")),
    NavItem("portal:figures", _("年度数据"), ("portal:figures-edit",)),
    NavItem("portal:self-check", _("资格自评")),
    NavItem("portal:attestations", _("佐证材料")),
    NavItem("portal:applications", _("称号申请"), ("portal:apply", "portal:application")),
)
# Staff sections; a new page is one more entry here.
REVIEWER_NAV = (NavItem("portal:review-queue", _("评审任务"), ("portal:staff-application",)),)
CASEWORKER_NAV = (NavItem("portal:case-queue", _("办理队列"), ("portal:staff-application",)),)
# The programme dashboard: every staff member (caseworkers, reviewers, programme admins).
DASHBOARD_NAV = NavItem("portal:dashboard", _("数据看板"), ("portal:dashboard-print",))
# Every role receives alerts (firm users: expiry, renewal and overdue figures), so everyone has an inbox.
# Its own context: the page of all one's alerts (an inbox), not "an alert" as the model's name.
INBOX_NAV = NavItem("portal:inbox", pgettext_lazy("收件箱", "提醒"), counts_unread=True)


@register.simple_tag(takes_context=True)
def portal_nav(context) -> list[dict]:
    """The sections of the signed-in user's portal, the current one marked; the inbox with its unread
    count (one query per page, nothing cached, so it drops as soon as alerts are read)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match and match.namespace else ""
    if user.firm_id:
        items = FIRM_NAV
    else:
        items = (
            *(REVIEWER_NAV if is_reviewer(user) else ()),
            *(CASEWORKER_NAV if is_caseworker(user) else ()),
        )
        if is_programme_staff(user):
            items = (*items, DASHBOARD_NAV)
    if items:
        items = (*items, INBOX_NAV)
    nav = [
        {
            "url": reverse(i.url_name),
            "label": i.label,
            "active": i.matches(current),
            "unread": unread_count(user) if i.counts_unread else None,
        }
        for i in items
    ]
    if user.is_staff:
        nav.append({"url": reverse("admin:index"), "label": _("管理后台"), "active": False, "unread": None})
    return nav
