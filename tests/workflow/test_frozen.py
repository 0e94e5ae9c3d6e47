"""What a designated application was judged on cannot be edited: its snapshot nor the figures."""

from __future__ import annotations

import datetime

import pytest

from cultivation.models import Application, FrozenSnapshotError
from cultivation.services import application_transition, assign_reviewers, create_application
from cultivation.tiers import INNOVATIVE_SME
from cultivation.workflow import Action, Status
from registry.models import AnnualFigures, FrozenFiguresError
from tests.factories import today

pytestmark = pytest.mark.django_db


@pytest.fixture
def designated(firm, people):
    application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=people.firm_user)
    steps = [
        (Action.SUBMIT, people.firm_user),
        (Action.ACCEPT, people.district_cw),
        (Action.RECOMMEND, people.district_cw),
    ]
    for action, actor in steps:
        application_transition(application=application, action=action, actor=actor)
    assign_reviewers(application=application, reviewers=[people.expert], due_at=today(), actor=people.city_cw)
    application_transition(
        application=application, action=Action.REVIEW, actor=people.expert, score=88, recommendation="approve"
    )
    application = application_transition(application=application, action=Action.APPROVE, actor=people.city_cw)
    return application_transition(
        application=application,
        action=Action.DESIGNATE,
        actor=None,
        as_of=application.notice_ends_on + datetime.timedelta(days=1),
    )


def test_the_snapshot_of_a_designated_application_cannot_be_rewritten(designated):
    assert designated.status == Status.DESIGNATED
    stored = Application.objects.get(pk=designated.pk)
    stored.snapshot["report"]["tiers"][INNOVATIVE_SME]["eligible"] = False
    with pytest.raises(FrozenSnapshotError):
        stored.save()
    stored = Application.objects.get(pk=designated.pk)
    stored.tier = "gazelle"
    with pytest.raises(FrozenSnapshotError):
        stored.save()
    assert Application.objects.get(pk=designated.pk).snapshot == designated.snapshot


def test_saving_it_unchanged_is_fine(designated):
    Application.objects.get(pk=designated.pk).save()


def test_the_figures_it_relied_on_cannot_be_edited_or_deleted(designated, firm):
    years = [row["year"] for row in designated.snapshot["facts"]["years"]]
    assert len(years) == 3
    for row in AnnualFigures.objects.filter(firm=firm, year__in=years):
        assert row.frozen and f"#{designated.pk}" in row.frozen_reason
        row.rd_expense += 1
        with pytest.raises(FrozenFiguresError):
            row.save()
        with pytest.raises(FrozenFiguresError):
            AnnualFigures.objects.get(pk=row.pk).delete()


def test_a_draft_may_still_change(firm, people):
    application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=people.firm_user)
    application.kind = Application.Kind.NEW
    application.snapshot = {"note": "draft"}
    application.save()
