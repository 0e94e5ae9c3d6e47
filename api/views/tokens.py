"""API tokens for scripts: obtain one with a username and password, revoke your own.

A token expires ``API_TOKEN_TTL_DAYS`` after it was issued (``api.authentication``); asking again with
the password after that issues a new one.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings

from ..authentication import issue_token, token_expires_at
from ..examples import TOKEN, TOKEN_REQUEST, request_example, response_example
from ..lockout import api_lockout_response, token_request_locked_out

TOKEN_RESPONSE = inline_serializer(
    "TokenResponse",
    {
        "token": serializers.CharField(),
        "expires_at": serializers.DateTimeField(help_text="after this the token answers 401"),
    },
)


class TokenView(ObtainAuthToken):
    """``POST``: a token for ``Authorization: Token <key>``; ``DELETE``: revoke the caller's token."""

    throttle_classes = api_settings.DEFAULT_THROTTLE_CLASSES  # password guessing is throttled too
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # ours: deeply nested JSON is a 400

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    @extend_schema(
        request=AuthTokenSerializer,
        responses={200: TOKEN_RESPONSE, 429: OpenApiResponse(description="too many failed sign-ins")},
        examples=[
            request_example("Credentials", TOKEN_REQUEST, "用户名和密码"),
            response_example("令牌", TOKEN),
        ],
        summary="Obtain an API token",
    )
    def post(self, request, *args, **kwargs):
        if token_request_locked_out(request):  # django-axes: same lockout as the sign-in pages
            return api_lockout_response()
        try:
            return self._issue(request)
        except ValidationError:
            if token_request_locked_out(request):  # this failure reached the limit
                return api_lockout_response()
            raise

    def _issue(self, request) -> Response:
        """ObtainAuthToken's check of the credentials; an expired token is replaced by a new one."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = issue_token(serializer.validated_data["user"])
        return Response({"token": token.key, "expires_at": token_expires_at(token)})

    @extend_schema(
        request=None, responses={204: OpenApiResponse(description="revoked")}, summary="Revoke your token"
    )
    def delete(self, request, *args, **kwargs):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
