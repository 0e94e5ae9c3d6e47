"""Serializers for applications, their transitions and designations. No workflow rules live here.

What a user sees depends on who they are: firm users get the firm label of each stage, only the
events that changed what they see, and no expert reviews or objections (blind review); staff get
everything their role may read. Which events and reviews that is, is decided by the models'
``visible_to`` querysets, as on every other rendering. ``available_actions`` comes from the workflow table.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cultivation import workflow
from cultivation.models import Application, ApplicationEvent, Designation, Review
from cultivation.models.applications import SCORE_MAX, SCORE_MIN
from cultivation.tiers import DESIGNATION_TIER_CHOICES, TIERS
from cultivation.workflow import Action, Status, available_actions, stage_label
from registry.credit_code import is_well_formed, normalise
from registry.models import Firm


# Documented as plain strings listing their codes: a second enum named "status" (or the application's
# stages under other names) would make drf-spectacular warn about colliding enum names.
@extend_schema_field({"type": "string", "description": " | ".join(Status.values)})
class StageField(serializers.CharField):
    """A stage code of the application workflow."""


@extend_schema_field({"type": "string", "description": " | ".join(Designation.Status.values)})
class DesignationStatusField(serializers.CharField):
    """A designation's status."""


@extend_schema_field(OpenApiTypes.STR)
class FirmCodeField(serializers.SlugRelatedField):
    """A firm the requesting user may see, by credit code (normalised as people type it)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="credit_code", **kwargs)

    def get_queryset(self):
        return Firm.objects.visible_to(self.context["request"].user)

    def to_internal_value(self, data):
        code = normalise(str(data))
        if not is_well_formed(code):  # every stored code is; a NUL byte would crash PostgreSQL's lookup
            self.fail("does_not_exist", slug_name=self.slug_field, value=code[:40])
        return super().to_internal_value(code)


def _is_firm_user(serializer: serializers.Serializer) -> bool:
    return bool(serializer.context["request"].user.firm_id)


class ApplicationSerializer(serializers.ModelSerializer):
    """One application in a list: its stage as the user should see it and what they can do now."""

    firm = serializers.SlugRelatedField(slug_field="credit_code", read_only=True)
    firm_name = serializers.CharField(source="firm.name", read_only=True)
    tier_label = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    rule_set = serializers.SlugRelatedField(slug_field="code", read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = (
            "id",
            "firm",
            "firm_name",
            "tier",
            "tier_label",
            "kind",
            "status",
            "status_label",
            "revision",
            "rule_set",
            "submitted_at",
            "notice_starts_on",
            "notice_ends_on",
            "decided_at",
            "created_at",
            "available_actions",
        )
        read_only_fields = fields

    def get_tier_label(self, application: Application) -> str:
        return str(TIERS[application.tier].label)

    def get_status_label(self, application: Application) -> str:
        return str(stage_label(application.status, self.context["request"].user))

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Action.choices)))
    def get_available_actions(self, application: Application) -> list[str]:
        user = self.context["request"].user
        return [str(row.action) for row in available_actions(application, user, timezone.localdate())]


class EventSerializer(serializers.ModelSerializer):
    from_status = StageField(read_only=True)
    to_status = StageField(read_only=True)
    actor = serializers.SerializerMethodField()
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    from_label = serializers.SerializerMethodField()
    to_label = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationEvent
        fields = (
            "action",
            "action_label",
            "from_status",
            "from_label",
            "to_status",
            "to_label",
            "reason",
            "revision",
            "actor",
            "created_at",
        )
        read_only_fields = fields

    def get_actor(self, event: ApplicationEvent) -> str | None:
        if event.actor_id is None or _is_firm_user(self):
            return None
        return event.actor.get_username()

    def get_from_label(self, event: ApplicationEvent) -> str:
        return str(stage_label(event.from_status, self.context["request"].user))

    def get_to_label(self, event: ApplicationEvent) -> str:
        return str(stage_label(event.to_status, self.context["request"].user))


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="assignment.reviewer.get_username", read_only=True)

    class Meta:
        model = Review
        fields = ("reviewer", "revision", "score", "recommendation", "comment", "submitted_at")
        read_only_fields = fields


class ObjectionSerializer(serializers.Serializer):
    text = serializers.CharField()
    outcome = serializers.CharField()
    lodged_at = serializers.DateTimeField()
    decision_reason = serializers.CharField()


class ApplicationDetailSerializer(ApplicationSerializer):
    """One application with its frozen snapshot and the history the user may see."""

    snapshot = serializers.JSONField(read_only=True)
    events = serializers.SerializerMethodField()
    reviews = serializers.SerializerMethodField()
    objections = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = (*ApplicationSerializer.Meta.fields, "snapshot", "events", "reviews", "objections")
        read_only_fields = fields

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, application: Application) -> list[dict]:
        """The history the user may read (``ApplicationEvent.objects.visible_to``: firms only the steps
        that changed what they see, experts no other expert's review)."""
        user = self.context["request"].user
        events = (
            ApplicationEvent.objects.visible_to(user)
            .filter(application=application)
            .select_related("actor")
            .order_by("created_at", "pk")
        )
        return EventSerializer(events, many=True, context=self.context).data

    @extend_schema_field(ReviewSerializer(many=True))
    def get_reviews(self, application: Application) -> list[dict]:
        """Caseworkers read every review; an expert only their own (blind review); firms none."""
        reviews = (
            Review.objects.visible_to(self.context["request"].user)
            .filter(assignment__application=application)
            .select_related("assignment__reviewer")
            .order_by("submitted_at", "pk")
        )
        return ReviewSerializer(reviews, many=True, context=self.context).data

    @extend_schema_field(ObjectionSerializer(many=True))
    def get_objections(self, application: Application) -> list[dict]:
        if _is_firm_user(self):
            return []
        return ObjectionSerializer(application.objections.all(), many=True).data


class ApplicationCreateSerializer(serializers.Serializer):
    """``POST /api/applications/``: the firm (credit code), the tier and new or renewal."""

    firm = FirmCodeField()
    tier = serializers.ChoiceField(choices=DESIGNATION_TIER_CHOICES)
    kind = serializers.ChoiceField(choices=Application.Kind.choices, default=Application.Kind.NEW)


OFFERED_ACTIONS = [(a.value, a.label) for a in Action if a.value in workflow.OFFERED_ACTIONS]


class TransitionSerializer(serializers.Serializer):
    """``POST /api/applications/{id}/transition/``: an action with what it needs.

    ``reason`` is required to return, reject or decide an objection; ``score`` and
    ``recommendation`` (and optionally ``comment``) for an expert review; ``objection`` to lodge one.
    """

    action = serializers.ChoiceField(choices=OFFERED_ACTIONS)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    score = serializers.IntegerField(
        required=False, allow_null=True, min_value=SCORE_MIN, max_value=SCORE_MAX
    )
    recommendation = serializers.ChoiceField(
        choices=Review.Recommendation.choices, required=False, allow_blank=True, default=""
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    objection = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class DesignationSerializer(serializers.ModelSerializer):
    firm = serializers.SlugRelatedField(slug_field="credit_code", read_only=True)
    firm_name = serializers.CharField(source="firm.name", read_only=True)
    tier_label = serializers.CharField(source="get_tier_display", read_only=True)
    status = DesignationStatusField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    source_application = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)  # recorded: none

    class Meta:
        model = Designation
        fields = (
            "id",
            "firm",
            "firm_name",
            "tier",
            "tier_label",
            "granted_on",
            "expires_on",
            "status",
            "status_label",
            "batch",
            "revoked_on",
            "revoked_reason",
            "source_application",
        )
        read_only_fields = fields


__all__ = [
    "ApplicationCreateSerializer",
    "ApplicationDetailSerializer",
    "ApplicationSerializer",
    "DesignationSerializer",
    "TransitionSerializer",
]
