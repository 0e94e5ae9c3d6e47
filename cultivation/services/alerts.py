"""Raising alerts and delivering them: inbox rows at once, emails queued after commit (``use_email_queue``).

``raise_alerts`` is what every scan chunk calls. It is idempotent: the alert
uniqueness key absorbs reruns, and deliveries are created only for alerts that
have none yet, in the same transaction as the alerts themselves.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.roles import Role, scope_of
from registry.stages import Stage

from ..models.alerts import (
    Alert,
    AlertDelivery,
    AlertKind,
    AlertPreference,
    Channel,
    DeliveryStatus,
    EmailMode,
)
from ..models.pool import PoolMembership
from ..rules.listing import BOARD_CHOICES, LISTING_STAGE_CHOICES
from ..tiers import TIER_CHOICES
from ..workflow import Action, Status

log = logging.getLogger(__name__)

FIRM_USERS_TOO = {AlertKind.DESIGNATION_EXPIRING, AlertKind.RENEWAL_WINDOW_OPEN, AlertKind.FIGURES_OVERDUE}
PROGRAMME_WIDE = {AlertKind.POOL_INTAKE}
FIRM_ONLY = {AlertKind.APPLICATION_UPDATE}  # the firm's own application: the staff who acted know
# The firm's (and so the pool's) caseworkers follow its listing; the district's follow up an overdue project.
CASEWORKERS_ONLY = {AlertKind.LISTING_STAGE, AlertKind.UPGRADE_OVERDUE}
MAX_EMAIL_ATTEMPTS = 5
NOT_SCANNED = {AlertKind.APPLICATION_UPDATE, AlertKind.SCAN_SUMMARY, AlertKind.LISTING_STAGE}
SCANNED_KINDS = [kind for kind in AlertKind.values if kind not in NOT_SCANNED]


@dataclass(frozen=True)
class AlertDraft:
    """An alert a scan wants to raise; ``district_id`` picks the district staff who receive it."""

    kind: str
    period: str
    firm_id: int | None = None
    district_id: int | None = None
    tier: str = ""
    payload: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def key(self) -> tuple:
        return (self.kind, self.firm_id, self.tier, self.period)


@dataclass
class Audience:
    """Who receives what, read once per chunk (four queries), not per alert."""

    reviewers_city: list[int]
    reviewers_by_district: dict[int, list[int]]
    caseworkers_city: list[int]
    caseworkers_by_district: dict[int, list[int]]
    firm_users: dict[int, list[int]]
    email_mode: dict[int, str]

    @classmethod
    def load(cls, firm_ids: Iterable[int]) -> Audience:
        User = get_user_model()
        staff = User.objects.filter(is_active=True, groups__name__in=[Role.REVIEWER, Role.CASEWORKER])
        audience = cls([], defaultdict(list), [], defaultdict(list), defaultdict(list), {})
        for user_id, district_id, role in staff.values_list("id", "district_id", "groups__name"):
            city, by_district = (
                (audience.reviewers_city, audience.reviewers_by_district)
                if role == Role.REVIEWER
                else (audience.caseworkers_city, audience.caseworkers_by_district)
            )
            (by_district[district_id] if district_id else city).append(user_id)
        firm_users = User.objects.filter(is_active=True, firm_id__in=list(firm_ids)).values_list(
            "firm_id", "id"
        )
        for firm_id, user_id in firm_users:
            audience.firm_users[firm_id].append(user_id)
        audience.email_mode = dict(AlertPreference.objects.values_list("user_id", "email"))
        return audience

    def recipients(self, alert: Alert, district_id: int | None) -> set[int]:
        """Promotion and pool alerts: reviewers and the firm's district caseworkers (city ones when the
        district has none); expiry, renewal and overdue figures: also the firm's own users; the
        programme-wide intake alert: the city-level caseworkers; news of an application: only the
        firm's users; a listing track's new stage and an overdue 技改 project: only the firm's district
        caseworkers (city ones when the district has none), who follow the pool members' road to listing and
        the projects of their district."""
        if alert.kind in PROGRAMME_WIDE:
            return set(self.caseworkers_city)
        if alert.kind in FIRM_ONLY:
            return set(self.firm_users.get(alert.firm_id, []))
        caseworkers = set(self.caseworkers_by_district.get(district_id, []) or self.caseworkers_city)
        if alert.kind in CASEWORKERS_ONLY:
            return caseworkers
        people = set(self.reviewers_city) | set(self.reviewers_by_district.get(district_id, []))
        people |= caseworkers
        if alert.kind in FIRM_USERS_TOO and alert.firm_id:
            people |= set(self.firm_users.get(alert.firm_id, []))
        return people

    def email_status(self, user_id: int) -> str | None:
        mode = self.email_mode.get(user_id, EmailMode.IMMEDIATE)
        return {EmailMode.IMMEDIATE: DeliveryStatus.PENDING, EmailMode.DAILY: DeliveryStatus.DIGEST}.get(mode)


def raise_alerts(drafts: list[AlertDraft]) -> list[int]:
    """Create the alerts not raised before, with their deliveries; returns the new alert ids.

    Runs inside the caller's transaction (a scan chunk), so an alert never
    exists without its deliveries. Emails are queued only after that
    transaction commits.
    """
    unique = {draft.key: draft for draft in drafts}
    if not unique:
        return []
    existing = {alert_key(a) for a in _matching(unique.values())}
    new = [d for key, d in unique.items() if key not in existing]
    if not new:
        return []
    Alert.objects.bulk_create(
        [Alert(kind=d.kind, firm_id=d.firm_id, tier=d.tier, period=d.period, payload=d.payload) for d in new],
        ignore_conflicts=True,  # a concurrent rerun may have raised one meanwhile
    )
    created = sorted(_matching(new), key=lambda alert: alert.pk)  # deliveries' ids in the alerts' order
    audience = Audience.load({a.firm_id for a in created if a.firm_id})
    districts = {d.firm_id: d.district_id for d in new}
    now = timezone.now()
    rows = []
    for alert in created:
        for user_id in audience.recipients(alert, districts.get(alert.firm_id)):
            rows.append(
                AlertDelivery.for_alert(
                    alert, user_id=user_id, channel=Channel.INBOX, status=DeliveryStatus.SENT, sent_at=now
                )
            )
            email = audience.email_status(user_id)
            if email:
                rows.append(
                    AlertDelivery.for_alert(alert, user_id=user_id, channel=Channel.EMAIL, status=email)
                )
    AlertDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    ids = [alert.pk for alert in created]
    transaction.on_commit(lambda: _queue_emails(ids))
    return ids


def alert_key(alert: Alert) -> tuple:
    return (alert.kind, alert.firm_id, alert.tier, alert.period)


def _matching(drafts: Iterable[AlertDraft]) -> list[Alert]:
    """The stored alerts with the drafts' unique keys, in one query."""
    drafts = list(drafts)
    keys = {d.key for d in drafts}
    firm_ids = {d.firm_id for d in drafts if d.firm_id}
    candidates = Alert.objects.filter(
        kind__in={d.kind for d in drafts}, period__in={d.period for d in drafts}
    )
    candidates = candidates.filter(Q(firm_id__in=firm_ids) | Q(firm__isnull=True))
    return [a for a in candidates if alert_key(a) in keys]


EmailQueue = Callable[[list[int]], None]


def _leave_for_the_flush(alert_ids: list[int]) -> None:
    log.info("no email queue: the flush task will send the emails of alerts %s", alert_ids)


_email_queue: EmailQueue = _leave_for_the_flush


def use_email_queue(queue: EmailQueue) -> None:
    """Set the step that queues the emails of new alerts (``apps.ready`` hands over
    ``tasks.queue_alert_emails``). The services stay below the tasks: they only call what they were
    given, and without it the pending deliveries wait for the periodic flush."""
    global _email_queue
    _email_queue = queue


def _queue_emails(alert_ids: list[int]) -> None:
    _email_queue(alert_ids)


def alert_text(alert: Alert, user_id: int | None = None) -> tuple[str, str]:
    """Subject and body of an alert (also the inbox text), in the active language; every code in the
    payload is given in words. ``user_id`` picks the reader's own count in a scan summary."""
    context = {"alert": alert, "payload": alert.payload, "firm": alert.firm, "tier": alert.get_tier_display()}
    context.update(_pool_labels(alert.payload))
    context.update(payload_labels(alert.payload))
    context["scan_count"] = _scan_count(alert, user_id)
    subject = f"[Tiermark] {alert.get_kind_display()}"
    if alert.firm_id:
        subject += f" · {alert.firm.name}"
    subject = " ".join(subject.split())  # one line: a line break in a name would be a mail header
    body = render_to_string("email/alert.txt", context).strip()
    return subject, body


def _pool_labels(payload: dict) -> dict[str, str]:
    """A pool alert's status and reason in words (the payload keeps their codes)."""
    labels = {}
    statuses, reasons = dict(PoolMembership.Status.choices), dict(PoolMembership.RatingReason.choices)
    if isinstance(payload, dict):
        if payload.get("status") in statuses:
            labels["pool_status"] = str(statuses[payload["status"]])
        if payload.get("reason") in reasons:
            labels["pool_reason"] = str(reasons[payload["reason"]])
    return labels


def payload_labels(payload: dict) -> dict[str, str]:
    """Stage, application action and status codes of a payload in words (the payload keeps codes)."""
    if not isinstance(payload, dict):
        return {}
    stages, actions, statuses = dict(Stage.choices), dict(Action.choices), dict(Status.choices)
    pairs = {
        "stage_from": stages.get(payload.get("from")),
        "stage_to": stages.get(payload.get("to")),
        "action_label": actions.get(payload.get("action")),
        "status_label": statuses.get(payload.get("status")),
        "listing_stage": dict(LISTING_STAGE_CHOICES).get(payload.get("stage")),
        "listing_board": dict(BOARD_CHOICES).get(payload.get("board")),
    }
    return {name: str(label) for name, label in pairs.items() if label}


def _scan_count(alert: Alert, user_id: int | None) -> int | None:
    """How many alerts the scan run raised for this reader (the total when no reader is named)."""
    if alert.kind != AlertKind.SCAN_SUMMARY or not isinstance(alert.payload, dict):
        return None
    counts = alert.payload.get("counts", {})
    if user_id is not None and str(user_id) in counts:
        return counts[str(user_id)]
    return alert.payload.get("total", 0)


def raise_scan_summary(*, since, period: str) -> Alert | None:
    """One summary alert for a scan run: each person who received new alerts since ``since`` gets one
    inbox row saying how many ("本次扫描新增 N 条"), above the per-firm alerts it sums up.

    Inbox only: the per-firm alerts already carry the emails. Idempotent on ``period``.
    """
    new = AlertDelivery.objects.filter(
        channel=Channel.INBOX, alert__created_at__gte=since, kind__in=SCANNED_KINDS
    )
    counts = {str(user): n for user, n in new.values_list("user_id").annotate(n=Count("id")).order_by()}
    if not counts:
        return None
    payload = {"counts": counts, "total": new.values("alert_id").distinct().count()}
    with transaction.atomic():
        alert, created = Alert.objects.get_or_create(
            kind=AlertKind.SCAN_SUMMARY, firm=None, tier="", period=period, defaults={"payload": payload}
        )
        if created:
            now = timezone.now()
            rows = [
                AlertDelivery.for_alert(
                    alert, user_id=int(user), channel=Channel.INBOX, status=DeliveryStatus.SENT, sent_at=now
                )
                for user in counts
            ]
            AlertDelivery.objects.bulk_create(rows)
    return alert


def inbox_groups(deliveries) -> list[dict]:
    """The deliveries grouped by kind and tier, with the total and unread count of each, most unread
    first: what a reviewer with a thousand alerts can take in and act on, group by group.

    One query on the delivery's own kind and tier: for an unfiltered inbox an index-only scan of
    ``delivery_inbox``, never a join to the alerts (580,000 alerts in about 0.1 s). The totals add up to
    the inbox's count, which is how the inbox page numbers its pages without counting again."""
    rows = (
        deliveries.order_by()
        .values("kind", "tier")
        # Counted on ``user`` (never null, in the index), not ``id`` (not in it: every row's heap visited).
        .annotate(total=Count("user"), unread=Count("user", filter=Q(read_at__isnull=True)))
        .order_by("-unread", "-total", "kind", "tier")
    )
    kinds, tiers = dict(AlertKind.choices), dict(TIER_CHOICES)
    return [
        {
            "kind": row["kind"],
            "tier": row["tier"],
            "kind_label": kinds.get(row["kind"], row["kind"]),
            "tier_label": tiers.get(row["tier"], ""),
            "total": row["total"],
            "unread": row["unread"],
        }
        for row in rows
    ]


def send_email_deliveries(queryset, *, today: datetime.date | None = None) -> dict[str, int]:
    """Send pending email deliveries, at most ``ALERT_EMAIL_DAILY_LIMIT`` a day to each person; the rest
    of that person's rows go to the daily digest. Returns how many were sent, failed, and went to the digest.

    People are taken one by one. For each, one short transaction under the person's lock (``_grant``)
    decides which of their rows may go out today and moves the others to the digest in one UPDATE, so the
    queries per person do not grow with their rows: 10,000 alerts for one reviewer cost the same handful
    of queries plus the emails the cap allows. The granted rows are then sent as before, each under a row
    lock and marked sent in the transaction that holds it, right after the mail server took the message.
    A worker killed between those two steps leaves the row pending (and still granted), so that one email
    goes out again: delivery is at-least-once, never lost (docs/RELIABILITY.md).
    """
    day = today or timezone.localdate()
    people: dict[int, list[int]] = defaultdict(list)
    for delivery_id, user_id in queryset.values_list("id", "user_id"):
        people[user_id].append(delivery_id)
    AlertPreference.objects.bulk_create([AlertPreference(user_id=u) for u in people], ignore_conflicts=True)
    counts = {"sent": 0, "failed": 0, "digest": 0}
    for user_id, delivery_ids in people.items():
        granted, deferred = _grant(user_id, delivery_ids, day)
        counts["digest"] += deferred
        for delivery_id in granted:
            outcome = _send_one(delivery_id)
            if outcome:
                counts[outcome] += 1
    return counts


@transaction.atomic
def _grant(user_id: int, delivery_ids: list[int], day: datetime.date) -> tuple[list[int], int]:
    """Which of the person's pending rows may be emailed now, and how many went to the digest instead.

    The lock is the person's ``AlertPreference`` row (created by the caller when missing) rather than the
    user row: it belongs to alert emails alone, so holding it delays nothing but a change of that very
    preference, never a sign-in or an account edit. Under it, two workers sending to one person (a
    scan chunk's task and the periodic flush, or two chunks) take turns: the second counts the rows the
    first granted, so together they never grant more than the day's limit. A row granted earlier (a
    retry after a mail-server failure, a redelivered task) keeps its slot and is not counted again; a
    person without an email address is granted nothing, and their rows wait in the digest for one.
    """
    email = (
        AlertPreference.objects.select_for_update(of=("self",))
        .filter(user_id=user_id)
        .values_list("user__email", flat=True)
        .first()
    )
    rows = AlertDelivery.objects.filter(
        pk__in=delivery_ids, user_id=user_id, channel=Channel.EMAIL, status=DeliveryStatus.PENDING
    )
    waiting = dict(rows.order_by("alert_id", "pk").values_list("pk", "quota_day"))  # the oldest alerts first
    granted = [pk for pk, quota_day in waiting.items() if quota_day]
    fresh = [pk for pk, quota_day in waiting.items() if not quota_day]
    used = AlertDelivery.objects.filter(user_id=user_id, channel=Channel.EMAIL, quota_day=day).count()
    allowance = max(0, settings.ALERT_EMAIL_DAILY_LIMIT - used) if email else 0
    take, rest = fresh[:allowance], fresh[allowance:]
    if take:
        AlertDelivery.objects.filter(pk__in=take).update(quota_day=day)
    if rest:
        AlertDelivery.objects.filter(
            pk__in=rest, status=DeliveryStatus.PENDING, quota_day__isnull=True
        ).update(status=DeliveryStatus.DIGEST)
    return granted + take, len(rest)


@transaction.atomic
def _send_one(delivery_id: int) -> str | None:
    delivery = (
        AlertDelivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("alert__firm", "user")
        .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .first()
    )
    if delivery is None or not delivery.user.email:
        return None
    subject, body = alert_text(delivery.alert)
    delivery.attempts += 1
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [delivery.user.email])
    except Exception as error:  # SMTP errors are many; record and retry later
        delivery.last_error = str(error)[:500]
        if delivery.attempts >= MAX_EMAIL_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        delivery.save(update_fields=["attempts", "last_error", "status"])
        return "failed"
    delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT, timezone.now(), ""
    delivery.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    return "sent"


def send_daily_digests() -> int:
    """One bounded email per person with alerts waiting for the digest; returns emails sent.

    A person whose digest fails at the mail server keeps their rows waiting for the next run; the others
    still get theirs.
    """
    waiting = AlertDelivery.objects.filter(channel=Channel.EMAIL, status=DeliveryStatus.DIGEST)
    people = list(waiting.exclude(user__email="").order_by().values_list("user_id", flat=True).distinct())
    AlertPreference.objects.bulk_create([AlertPreference(user_id=u) for u in people], ignore_conflicts=True)
    sent = 0
    for user_id in people:
        try:
            sent += _send_digest(user_id)
        except Exception:  # the mail server refused this one; the rows stay waiting
            log.warning(
                "could not send the alert digest of user %s; it waits for the next run",
                user_id,
                exc_info=True,
            )
    return sent


@transaction.atomic
def _send_digest(user_id: int) -> int:
    """The person's digest in one transaction: mark every waiting row sent in one UPDATE (which locks
    them), read the counts and the newest texts from the rows just marked, send, commit.

    No row is loaded as a model but the few quoted, however many wait. The person's lock keeps the sender
    from moving rows in meanwhile and a second digest run from sending the same rows; rows raised while
    this runs wait for the next digest. If the mail server refuses, everything rolls back and the rows wait
    for the next run; a worker killed after the server took the email sends it again (at least once).
    """
    email = (
        AlertPreference.objects.select_for_update(of=("self",))
        .filter(user_id=user_id)
        .values_list("user__email", flat=True)
        .first()
    )
    if not email:
        return 0
    now = timezone.now()
    marked = AlertDelivery.objects.filter(
        user_id=user_id, channel=Channel.EMAIL, status=DeliveryStatus.DIGEST
    ).update(status=DeliveryStatus.SENT, sent_at=now, attempts=F("attempts") + 1)
    if not marked:
        return 0
    # Immediate emails carry a quota day; the rows this digest marked do not, and carry its timestamp.
    rows = AlertDelivery.objects.filter(
        user_id=user_id,
        channel=Channel.EMAIL,
        status=DeliveryStatus.SENT,
        sent_at=now,
        quota_day__isnull=True,
    )
    subject, body = digest_text(rows, user_id)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    return 1


def digest_text(rows, user_id: int) -> tuple[str, str]:
    """Subject and body of a digest over the deliveries ``rows``: how many of each kind and tier (in
    words), the texts of the newest ``ALERT_DIGEST_MAX_ITEMS``, and how many more the inbox holds."""
    groups = inbox_groups(rows)
    total = sum(group["total"] for group in groups)
    newest = rows.select_related("alert__firm").order_by("-alert__created_at", "-alert_id")
    items = ["\n".join(alert_text(row.alert, user_id)) for row in newest[: settings.ALERT_DIGEST_MAX_ITEMS]]
    context = {
        "total": total,
        "groups": groups,
        "items": items,
        "shown": len(items),
        "more": total - len(items),
        "inbox_path": reverse("portal:inbox"),
    }
    return _("[Tiermark] 每日提醒汇总"), render_to_string("email/digest.txt", context).strip()


def mark_read(*, delivery: AlertDelivery, actor) -> AlertDelivery:
    """Mark one inbox delivery read; only its recipient may."""
    if delivery.user_id != actor.pk:
        raise PermissionDenied(_("只能处理自己的提醒。"))
    if delivery.read_at is None:
        delivery.read_at = timezone.now()
        delivery.save(update_fields=["read_at"])
    return delivery


def inbox_for(user):
    """The user's inbox deliveries, newest first (by id: ``delivery_newest``), alert and firm loaded."""
    if not getattr(user, "is_authenticated", False) or scope_of(user).nothing:
        return AlertDelivery.objects.none()
    return AlertDelivery.objects.filter(user=user, channel=Channel.INBOX).select_related("alert__firm")


def mark_all_read(*, user, deliveries) -> int:
    """Mark read the unread inbox rows among ``deliveries`` that belong to ``user``; returns how many.

    ``deliveries`` is any queryset of deliveries (e.g. the inbox as the user filtered it): rows of
    other people or channels in it are left alone.
    """
    if not getattr(user, "is_authenticated", False):
        return 0
    mine = deliveries.filter(user=user, channel=Channel.INBOX, read_at__isnull=True)
    return AlertDelivery.objects.filter(pk__in=mine.values("pk")).update(read_at=timezone.now())


def unread_count(user) -> int:
    """How many of the user's inbox alerts are unread (one query)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return AlertDelivery.objects.filter(user=user, channel=Channel.INBOX, read_at__isnull=True).count()


def set_email_preference(*, user, mode: str) -> AlertPreference:
    """Choose how alert emails reach ``user``: immediately, as a daily digest, or not at all.

    The preference is created on first choice; it applies to alerts raised from now on (the inbox
    always receives them).
    """
    if mode not in EmailMode.values:
        raise ValidationError({"email": _("请选择有效的邮件提醒方式。")})
    preference, _created = AlertPreference.objects.update_or_create(user=user, defaults={"email": mode})
    return preference
