"""``/api/me/``: who the caller is and how far they see."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.roles import scope_of

from ..authentication import token_expires_at
from ..serializers import ErrorSerializer
from ..serializers.me import MeSerializer


class MeView(APIView):
    """Who the caller is: the cheapest authenticated endpoint (the benchmark's floor)."""

    @extend_schema(
        responses={200: MeSerializer, 401: ErrorSerializer},
        examples=[
            OpenApiExample(
                "A district caseworker",
                value={
                    "username": "caseworker.wang",
                    "role": "caseworker",
                    "roles": ["caseworker"],
                    "firm": None,
                    "district": "500112",
                    "scope": "district",
                    "token_expires_at": "2026-09-28T10:00:00+08:00",
                },
                response_only=True,
            )
        ],
        summary="Who am I",
    )
    def get(self, request):
        user = request.user
        codes = (
            get_user_model().objects.filter(pk=user.pk).values("firm__credit_code", "district__code").get()
        )
        data = MeSerializer.describe(
            user, scope_of(user), codes["firm__credit_code"], codes["district__code"]
        )
        data["token_expires_at"] = token_expires_at(request.auth) if isinstance(request.auth, Token) else None
        return Response(MeSerializer(data).data)
