"""Attested criteria and disqualifying conditions (P3)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Firm
from registry.scoping import ScopedQuerySet

from ..rules.attestations import (
    ATTESTATION_CHOICES,
    DISQUALIFICATION_CHOICES,
    LISTING_CODES,
    BarKind,
    bar_kind,
    event_bar_ends_on,
    event_window_start,
)
from ..validators import sniffed_extension, validate_evidence


def evidence_path(instance: Attestation, filename: str) -> str:
    """Evidence lives under the firm's own folder, named by a random token (no user-chosen paths), with the
    extension of its sniffed content type: the name the browser sent decides nothing (``validate_evidence``
    has already refused anything but PDF, PNG and JPEG)."""
    return f"evidence/{instance.firm_id}/{uuid.uuid4().hex}{sniffed_extension(instance.evidence)}"


class AttestationQuerySet(ScopedQuerySet):
    def live(self):
        """Claims that still count: awaiting a decision or confirmed."""
        return self.filter(status__in=[Attestation.Status.CLAIMED, Attestation.Status.CONFIRMED])


class Attestation(models.Model):
    """A firm's claim that it meets an attested criterion, with evidence (P3).

    Pending until a caseworker confirms it; only confirmed claims count as met.
    """

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("未通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, related_name="attestations", verbose_name=_("企业")
    )
    code = models.CharField(_("认定事项"), max_length=40, choices=ATTESTATION_CHOICES)
    evidence = models.FileField(
        _("证明材料"), upload_to=evidence_path, validators=[validate_evidence], max_length=200
    )
    note = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.CLAIMED, db_index=True
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("申报人"),
    )
    claimed_at = models.DateTimeField(_("申报时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    decision_reason = models.TextField(_("确认意见"), blank=True)
    history = HistoricalRecords()

    objects = AttestationQuerySet.as_manager()

    class Meta:
        ordering = ["-claimed_at"]
        verbose_name = _("佐证事项")
        verbose_name_plural = _("佐证事项")
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "code"],
                condition=Q(status__in=["claimed", "confirmed"]),
                name="attestation_one_live_claim",
            )
        ]

    def __str__(self) -> str:
        return f"{self.firm.name} · {self.get_code_display()}"


class DisqualificationQuerySet(ScopedQuerySet):
    def in_force(self, on=None):
        """Flags that bar a firm on ``on`` (``rules.attestations.bars_on`` as a query): begun by then and
        not lifted; a listing whenever it began, an event only within its three years."""
        on = on or timezone.localdate()
        return self.filter(
            Q(code__in=LISTING_CODES) | Q(occurred_on__gt=event_window_start(on)),
            Q(lifted_on__isnull=True) | Q(lifted_on__gt=on),
            occurred_on__lte=on,
        )


class Disqualification(models.Model):
    """A negative common condition a caseworker recorded against a firm (P3, §1.0a)."""

    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, related_name="disqualifications", verbose_name=_("企业")
    )
    code = models.CharField(_("情形"), max_length=40, choices=DISQUALIFICATION_CHOICES)
    occurred_on = models.DateField(
        _("发生日期"),
        help_text=_(
            "名录类情形填列入日期，列入名录期间一直否决，直至解除；"
            "事件类情形填事件发生日期，事件发生后三年内否决。"
        ),
    )
    reason = models.TextField(_("情况说明"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    lifted_on = models.DateField(_("解除日期"), null=True, blank=True)
    lifted_reason = models.TextField(_("解除原因"), blank=True)
    history = HistoricalRecords()

    objects = DisqualificationQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on"]
        verbose_name = _("否决情形")
        verbose_name_plural = _("否决情形")

    def __str__(self) -> str:
        return f"{self.firm.name} · {self.get_code_display()}"

    @property
    def bar_kind(self) -> BarKind:
        """Listing (bars while it stands) or event (bars for three years), from the code's definition."""
        return bar_kind(self.code)

    @property
    def bars_until(self):
        """The first day this flag no longer bars: the lift date, or an event's third anniversary
        when that comes first; ``None`` for a listing not lifted (it bars until it is)."""
        ends = [self.lifted_on] if self.lifted_on else []
        if self.bar_kind == BarKind.EVENT and self.occurred_on:
            ends.append(event_bar_ends_on(self.occurred_on))
        return min(ends) if ends else None

    def clean(self) -> None:
        super().clean()
        today = timezone.localdate()
        errors = {}
        if self.occurred_on and self.occurred_on > today:
            errors["occurred_on"] = _("发生日期不能晚于今天。")
        before_occurrence = self.occurred_on and self.lifted_on and self.lifted_on < self.occurred_on
        if self.lifted_on and (self.lifted_on > today or before_occurrence):
            errors["lifted_on"] = _("解除日期应在发生日期与今天之间。")
        if self.lifted_on and not self.lifted_reason.strip():
            errors["lifted_reason"] = _("解除时请填写原因。")
        if errors:
            raise ValidationError(errors)
