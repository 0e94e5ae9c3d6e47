"""Who reaches which page: firm pages for firm users, staff pages for programme staff.

A firm page never takes a firm id from the URL: the firm is the signed-in user's, read through
``Firm.objects.visible_to`` so the one scoping rule (``registry.roles.scope_of``) decides. Records
reached by id (applications, evidence) are looked up among those ``visible_to(user)``; anything
outside the user's scope is a 404, so a firm cannot even learn that another firm's record exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from registry import roles
from registry.models import Firm
from registry.roles import is_programme_staff


def firm_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; staff are refused (403); the view receives the user's own ``firm``."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.firm_id:
            raise PermissionDenied(_("该页面仅供企业用户使用。"))
        visible = Firm.objects.visible_to(request.user).select_related("district", "cluster")
        firm = get_object_or_404(visible, pk=request.user.firm_id)
        return view(request, firm, *args, **kwargs)

    return wrapper


def is_reviewer(user) -> bool:
    """An expert's pages (``registry.roles.is_reviewer``), never a firm user's."""
    return not user.firm_id and roles.is_reviewer(user)


def is_caseworker(user) -> bool:
    """Caseworkers and programme admins: the people who move applications (never a firm user)."""
    return not user.firm_id and roles.is_caseworker(user)


def staff_page(test: Callable[[object], bool] = is_programme_staff):
    """Sign-in required; firm users and staff failing ``test`` are refused (403)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if user.firm_id or not is_programme_staff(user) or not test(user):
                raise PermissionDenied(_("该页面仅供项目工作人员使用。"))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
