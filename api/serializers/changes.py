"""The change feed's entries and its page (``GET /api/changes/``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.change_feed import Change


class ChangeSerializer(serializers.ModelSerializer):
    """One change: its place in the feed, which record (by the key the API uses for it), how, and when."""

    cursor = serializers.CharField(
        source="seq", read_only=True, help_text="this entry's position in the feed"
    )
    key = serializers.CharField(
        read_only=True,
        help_text="firm: credit code; figures: credit code/year; designation and application: their id",
    )
    change = serializers.ChoiceField(source="action", choices=Change.Action.choices, read_only=True)
    status = serializers.SerializerMethodField(help_text="an application's new status (applications only)")
    at = serializers.DateTimeField(source="changed_at", read_only=True)

    class Meta:
        model = Change
        fields = ("cursor", "kind", "key", "change", "status", "at")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_status(self, change: Change) -> str | None:
        return change.status or None


class ChangeFeedSerializer(serializers.Serializer):
    """A page of the feed; ask again with ``since=<next>`` (an empty page keeps the same cursor)."""

    results = ChangeSerializer(many=True)
    next = serializers.CharField(help_text="the cursor to pass as ?since= for the following changes")
    has_more = serializers.BooleanField(help_text="true when more changes are ready now")


class ChangeFeedQuerySerializer(serializers.Serializer):
    """``since``: a cursor from a previous page, 0 for the whole history (410 once any was pruned), or
    ``latest`` for the newest cursor (start following from now); ``limit``: entries per page."""

    since = serializers.RegexField(r"^(\d{1,18}|latest)$", required=False, default="0")
    limit = serializers.IntegerField(min_value=1, max_value=1000, required=False, default=100)
