"""Impact reports and sweeps as jobs (issue 16): requested by a programme admin, run by a worker.

Modelled on the register's import jobs (``registry.imports``): ``request_report`` records the report and
queues it once committed; ``run_report`` claims it (a duplicate message finds it running or ended),
runs ``cultivation.impact`` with its progress written as it goes, and stores the result. A report whose
progress stopped ``STALE_AFTER`` ago lost its worker and is claimed again by a new attempt (the beat's
``requeue_impact_reports``, or the message redelivered after a worker restart: tasks are acked late).
A report only reads, so running it again is harmless. The admin, the API and ``manage.py impact`` all
go through here.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from decimal import Decimal

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registry.models import Cluster, District

from .impact import Scope, impact, numeric_params, sweep
from .models import ImpactReport
from .models import RuleSet as RuleSetRecord
from .rules.checks import RuleError
from .selectors import rule_set_version

log = logging.getLogger(__name__)

STALE_AFTER = datetime.timedelta(minutes=10)


def may_run_reports(user) -> bool:
    """Only programme admins reach drafts and their reports (as they alone derive versions)."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


def request_report(
    *,
    actor,
    to_code: str,
    as_of: datetime.date,
    from_code: str = "",
    district: str = "",
    cluster: str = "",
    sweep_path: str = "",
    sweep_param: str = "",
    sweep_values: Sequence[Decimal] = (),
    queue_it: bool = True,
) -> ImpactReport:
    """Record a report (a sweep when ``sweep_path`` is given) and queue it once committed.

    The same request by the same admin while an identical one is still queued or running answers
    that one: a retried POST or a double click starts no second run.
    """
    if not may_run_reports(actor):
        raise PermissionDenied(_("只有项目管理员可以预览规则调整的影响。"))
    _check(to_code, from_code, district, cluster)
    if sweep_path:
        _check_sweep(to_code, sweep_path, sweep_param, sweep_values)
    fields = {
        "kind": ImpactReport.Kind.SWEEP if sweep_path else ImpactReport.Kind.IMPACT,
        "to_code": to_code,
        "from_code": from_code or "",
        "as_of": as_of,
        "district": district or "",
        "cluster": cluster or "",
        "sweep_path": sweep_path,
        "sweep_param": sweep_param,
        "sweep_values": [str(value) for value in sweep_values],
    }
    with transaction.atomic():
        pending = Q(status=ImpactReport.Status.QUEUED) | Q(status=ImpactReport.Status.RUNNING)
        same = ImpactReport.objects.filter(pending, created_by=actor, **fields).first()
        if same is not None:
            return same
        report = ImpactReport.objects.create(created_by=actor, **fields)
        if queue_it:
            transaction.on_commit(lambda: queue(report.pk))
    return report


def _check(to_code: str, from_code: str, district: str, cluster: str) -> None:
    errors = {}
    versions = set(RuleSetRecord.objects.filter(code__in=[to_code, from_code]).values_list("code", flat=True))
    if to_code not in versions:
        errors["to"] = _("没有代码为 %(code)s 的规则集。") % {"code": to_code}
    if from_code and from_code not in versions:
        errors["from"] = _("没有代码为 %(code)s 的规则集。") % {"code": from_code}
    if district and not District.objects.filter(code=district).exists():
        errors["district"] = _("没有该区县。")
    if cluster and not Cluster.objects.filter(code=cluster).exists():
        errors["cluster"] = _("没有该产业集群。")
    if errors:
        raise ValidationError(errors)


def _check_sweep(code: str, path: str, param: str, values: Sequence[Decimal]) -> None:
    """A sweep names one numeric threshold the version has, and at least one value."""
    found = {(p, name) for p, name, _value in numeric_params(rule_set_version(code))}
    if (path, param) not in found and (f"common.{path}", param) not in found:
        raise ValidationError(
            {"sweep": _("此版本没有数值阈值 %(path)s.%(param)s。") % {"path": path, "param": param}}
        )
    if not values:
        raise ValidationError({"sweep": _("请给出扫描范围。")})


def queue(report_id: int) -> None:
    """Send the report to a worker; with the broker down it stays queued and is sent again later."""
    try:
        run_impact_report.delay(report_id)
    except Exception:
        log.warning("could not queue impact report %s", report_id, exc_info=True)


def requeue_stale_reports() -> int:
    """Queue again reports still queued, or running without progress, ``STALE_AFTER`` after."""
    cutoff = timezone.now() - STALE_AFTER
    queued = Q(status=ImpactReport.Status.QUEUED, created_at__lt=cutoff)
    dead = Q(status=ImpactReport.Status.RUNNING, heartbeat_at__lt=cutoff)
    ids = list(ImpactReport.objects.filter(queued | dead).values_list("pk", flat=True))
    for report_id in ids:
        queue(report_id)
    return len(ids)


def claim(report_id: int) -> ImpactReport | None:
    """Mark the report running, or None: it ended, or another live attempt has it (a duplicate)."""
    now = timezone.now()
    with transaction.atomic():
        report = ImpactReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.finished:
            return None
        alive = report.heartbeat_at is not None and report.heartbeat_at > now - STALE_AFTER
        if report.status == ImpactReport.Status.RUNNING and alive:
            return None
        report.status = ImpactReport.Status.RUNNING
        report.attempt += 1
        report.done = 0
        report.started_at = report.heartbeat_at = now
        report.save(update_fields=["status", "attempt", "done", "started_at", "heartbeat_at"])
    return report


def run_report(report_id: int, progress=None) -> ImpactReport | None:
    """Run a claimed report to ``succeeded`` or ``failed``; ``progress(done, total)`` is told too."""
    report = claim(report_id)
    if report is None:
        return None

    def advance(done: int, total: int) -> None:
        ImpactReport.objects.filter(pk=report.pk, attempt=report.attempt).update(
            done=done, total=total, heartbeat_at=timezone.now()
        )
        if progress:
            progress(done, total)

    with translation.override(settings.LANGUAGE_CODE):
        try:
            result = _compute(report, advance)
            outcome = {"status": ImpactReport.Status.SUCCEEDED, "result": result["data"]}
            outcome["from_key"] = result["from_key"]
        except (LookupError, RuleError, ValueError) as error:
            outcome = {"status": ImpactReport.Status.FAILED, "detail": str(error)}
        except Exception:  # never leave a report "running" for ever
            log.exception("impact report %s crashed", report.pk)
            outcome = {"status": ImpactReport.Status.FAILED, "detail": _("计算过程中发生内部错误。")}
    ImpactReport.objects.filter(pk=report.pk, attempt=report.attempt).update(
        **outcome, finished_at=timezone.now()
    )
    report.refresh_from_db()
    return report


def _compute(report: ImpactReport, advance) -> dict:
    scope = Scope(report.district or None, report.cluster or None)
    if report.kind == ImpactReport.Kind.SWEEP:
        values = [Decimal(value) for value in report.sweep_values]
        found = sweep(
            report.to_code,
            report.sweep_path,
            report.sweep_param,
            values,
            as_of=report.as_of,
            scope=scope,
            progress=advance,
        )
        return {"data": found.as_dict(), "from_key": ""}
    found = impact(
        report.to_code, report.from_code or None, as_of=report.as_of, scope=scope, progress=advance
    )
    return {"data": found.as_dict(), "from_key": found.a.key}


@shared_task(
    name="cultivation.tasks.run_impact_report",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 6},
)
def run_impact_report(report_id: int) -> str | None:
    """Run one impact report or sweep (``run_report``); a message delivered twice finds it ended."""
    report = run_report(report_id)
    return report.status if report is not None else None


@shared_task(name="cultivation.tasks.requeue_impact_reports", acks_late=True)
def requeue_impact_reports() -> int:
    """Queue again the reports whose message or worker was lost."""
    return requeue_stale_reports()
