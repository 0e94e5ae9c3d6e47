"""API tokens that expire: ``API_TOKEN_TTL_DAYS`` after they were issued, a token is refused and deleted.

DRF's token has its creation time, so the expiry is computed, not stored: changing the setting applies to
every token at once. Tokens are also deleted when their owner's password changes or the account is
deactivated (``registry.models.User.save``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_ttl() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_TTL_DAYS)


def token_expires_at(token: Token) -> datetime.datetime:
    """When ``token`` stops being accepted."""
    return token.created + token_ttl()


def token_expired(token: Token) -> bool:
    return timezone.now() >= token_expires_at(token)


def issue_token(user) -> Token:
    """The user's token, a fresh one if they had none or theirs has expired."""
    token, created = Token.objects.get_or_create(user=user)
    if not created and token_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's ``Authorization: Token <key>``, refusing (401) and deleting a token past its expiry."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise AuthenticationFailed(_("API 令牌已过期，请重新获取令牌。"))
        return user, token
