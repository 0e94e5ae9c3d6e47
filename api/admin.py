"""The admin's token list shows when each API token expires (``API_TOKEN_TTL_DAYS``)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import display_for_value
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin as DrfTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from .authentication import token_expired, token_expires_at

admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(DrfTokenAdmin):
    list_display = ("key", "user", "created", "expires_at")

    @admin.display(description=_("到期时间"))
    def expires_at(self, token: TokenProxy) -> str:
        when = token_expires_at(token)
        label = display_for_value(when, "")
        return _("%(when)s（已过期）") % {"when": label} if token_expired(token) else label
