"""A write that fails part-way leaves nothing behind: transitions and scan chunks.

Each test lets the real service run and makes its *last* write fail (a disk
full, a dropped connection), so everything written before it must roll back.
Imports are covered by ``tests/registry/test_import_export.py`` (one bad row
imports nothing, figures all-or-nothing, the admin preview saves nothing).
"""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError

from cultivation.models import Application, ApplicationEvent, Designation
from cultivation.models.alerts import Alert, AlertDelivery
from cultivation.scanning import Chunk, ScanKind, firm_id_ranges
from cultivation.scans import SCANS
from cultivation.services import application_transition, create_application
from cultivation.services import applications as application_services
from cultivation.tiers import INNOVATIVE_SME
from cultivation.workflow import Action, Status
from registry.models import AnnualFigures, Firm
from registry.stages import Stage
from tests.factories import YUBEI, UserFactory, application_in, caseworker, eligible_firm, firm_user

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def disk_full(*args, **kwargs):
    raise DatabaseError("could not extend file: No space left on device")


@pytest.fixture
def event_write_fails(monkeypatch):
    """The transition's last write, its audit event, fails."""
    monkeypatch.setattr(application_services, "_record", disk_full)


def test_a_submission_that_fails_at_the_last_write_changes_nothing(event_write_fails):
    firm = eligible_firm(YUBEI)
    applicant = firm_user(firm)
    draft = create_application(firm=firm, tier=INNOVATIVE_SME, actor=applicant)
    history_before = draft.history.count()

    with pytest.raises(DatabaseError):
        application_transition(application=draft, action=Action.SUBMIT, actor=applicant)

    draft.refresh_from_db()
    assert (draft.status, draft.revision, draft.snapshot, draft.submitted_at) == (Status.DRAFT, 0, {}, None)
    assert draft.history.count() == history_before
    assert not ApplicationEvent.objects.exists()
    assert not AnnualFigures.objects.filter(firm=firm, frozen=True).exists(), "no figures frozen"


def test_a_designation_that_fails_at_the_last_write_grants_nothing(event_write_fails):
    firm = eligible_firm(YUBEI)
    application = application_in(Status.PUBLIC_NOTICE, firm)
    stage_before = Firm.objects.get(pk=firm.pk).stage

    with pytest.raises(DatabaseError):
        application_transition(
            application=application,
            action=Action.DESIGNATE,
            actor=caseworker(None),
            as_of=application.notice_ends_on + DAY,
        )

    assert Application.objects.get(pk=application.pk).status == Status.PUBLIC_NOTICE
    assert not Designation.objects.exists()
    assert Firm.objects.get(pk=firm.pk).stage == stage_before


def test_a_scan_chunk_that_fails_at_the_last_write_raises_nothing_and_a_rerun_raises_it_all(
    monkeypatch, django_capture_on_commit_callbacks
):
    UserFactory(username="rev", roles=["reviewer"], is_staff=True, email="rev@example.com")
    firms = [eligible_firm(YUBEI) for _ in range(3)]
    Firm.objects.filter(pk=firms[0].pk).update(stage=Stage.GROWTH)  # stale: the chunk would correct it
    stages_before = dict(Firm.objects.values_list("pk", "stage"))
    as_of = datetime.date.today()
    (low, high), *_rest = firm_id_ranges(100)

    monkeypatch.setattr(AlertDelivery.objects, "bulk_create", disk_full)
    with django_capture_on_commit_callbacks() as queued, pytest.raises(DatabaseError):
        SCANS[ScanKind.PROMOTION_DUE].judge(Chunk.between(as_of, low, high))
    assert not Alert.objects.exists()
    assert not AlertDelivery.objects.exists()
    assert dict(Firm.objects.values_list("pk", "stage")) == stages_before
    assert queued == [], "no email queued for alerts that do not exist"

    monkeypatch.undo()
    with django_capture_on_commit_callbacks():
        raised = SCANS[ScanKind.PROMOTION_DUE].judge(Chunk.between(as_of, low, high)).acted
    assert raised == Alert.objects.count() > 0
    assert Alert.objects.filter(kind="stage_changed").count() == 1
    assert AlertDelivery.objects.filter(channel="inbox").count() == raised  # one reviewer, one row each
