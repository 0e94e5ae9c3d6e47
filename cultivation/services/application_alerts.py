"""What the firm hears about its own application: one alert per transition it should act on or know.

``_transition`` calls ``announce_to_firm`` inside the transition's transaction, so the alert and its
deliveries exist exactly when the new status does; emails go out after commit, by each user's
preference (``raise_alerts``). The recipients are the firm's own users (``AlertKind.APPLICATION_UPDATE``
is in ``alerts.FIRM_ONLY``): the staff who acted already know.
"""

from __future__ import annotations

from ..models import Application, ApplicationEvent
from ..models.alerts import AlertKind
from ..workflow import Action
from .alerts import AlertDraft, raise_alerts

# 受理, 退回补充材料, 初审通过, 公示开始 (and restart), 认定, 不予认定 / 不予通过, the end by revocation.
TOLD_TO_FIRM = frozenset(
    {
        Action.ACCEPT,
        Action.RETURN,
        Action.RECOMMEND,
        Action.APPROVE,
        Action.DISMISS_OBJECTION,
        Action.DESIGNATE,
        Action.REJECT,
        Action.UPHOLD_OBJECTION,
        Action.TERMINATE,
    }
)


def application_draft(event: ApplicationEvent, application: Application) -> AlertDraft | None:
    """The alert for this event, or None when the firm need not hear of it (its own steps, reviews)."""
    if event.action not in TOLD_TO_FIRM:
        return None
    ends = application.notice_ends_on
    payload = {
        "application": application.pk,
        "action": event.action,
        "status": application.status,
        "reason": event.reason,
        "notice_ends_on": ends.isoformat() if ends else None,
    }
    period = f"application:{application.pk}:event:{event.pk}"
    return AlertDraft(
        AlertKind.APPLICATION_UPDATE, period, application.firm_id, None, application.tier, payload
    )


def announce_to_firm(event: ApplicationEvent, application: Application) -> list[int]:
    """Raise the firm's alert for this event (in the caller's transaction); returns the new alert ids."""
    draft = application_draft(event, application)
    return raise_alerts([draft]) if draft else []
