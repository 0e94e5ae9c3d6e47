"""Every path through the workflow table, walked through the real services."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from cultivation.models import Application, ApplicationEvent, Designation, Holiday, Objection
from cultivation.scans import run_scans
from cultivation.selectors import rule_set_on
from cultivation.services import (
    application_transition,
    assign_reviewers,
    create_application,
    revoke_designation,
    transitioned,
)
from cultivation.tiers import INNOVATIVE_SME, NOTICE_WORKING_DAYS, SRDI_SME, expiry_for
from cultivation.workdays import add_working_days
from cultivation.workflow import OPEN_STATUSES, Action, Status, TransitionConflict
from registry.models import AnnualFigures
from registry.stages import Stage
from tests.factories import designation, today

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
NOTICES = ["notice_closing"]


def act(application, action, actor, **inputs):
    return application_transition(application=application, action=action, actor=actor, **inputs)


def submitted(firm, people, tier=INNOVATIVE_SME):
    application = create_application(firm=firm, tier=tier, actor=people.firm_user)
    return act(application, Action.SUBMIT, people.firm_user)


def to_city_review(firm, people):
    application = submitted(firm, people)
    act(application, Action.ACCEPT, people.district_cw)
    return act(application, Action.RECOMMEND, people.district_cw, reason="材料齐全")


def reviewed(application, people, *experts, score=85):
    experts = experts or (people.expert,)
    assign_reviewers(
        application=application, reviewers=experts, due_at=today() + 7 * DAY, actor=people.city_cw
    )
    for expert in experts:
        act(application, Action.REVIEW, expert, score=score, recommendation="approve", comment="符合条件")
    return application


def to_notice(firm, people):
    application = reviewed(to_city_review(firm, people), people)
    return act(application, Action.APPROVE, people.city_cw)


def actions_of(application) -> list[str]:
    return list(application.events.order_by("pk").values_list("action", flat=True))


def test_the_main_path_ends_in_a_designation(firm, people):
    application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=people.firm_user)
    assert application.status == Status.DRAFT and application.revision == 0

    application = act(application, Action.SUBMIT, people.firm_user)
    assert application.status == Status.SUBMITTED and application.revision == 1
    assert application.rule_set.code == rule_set_on(today()).code
    assert set(application.snapshot) == {"facts", "report"}
    assert application.snapshot["report"]["tiers"][INNOVATIVE_SME]["eligible"] is True
    frozen = AnnualFigures.objects.filter(firm=firm, frozen=True)
    assert frozen.count() == 3 and "申请" in frozen.first().frozen_reason

    act(application, Action.ACCEPT, people.district_cw)
    act(application, Action.RECOMMEND, people.district_cw)
    reviewed(application, people, people.expert, people.home_expert)
    application = act(application, Action.APPROVE, people.city_cw, reason="专家评审通过")
    assert application.status == Status.PUBLIC_NOTICE
    assert application.notice_starts_on == today()
    assert application.notice_ends_on == add_working_days(today(), NOTICE_WORKING_DAYS)

    [result] = run_scans(application.notice_ends_on, only=NOTICES)
    assert result.acted == 0, "the last day of the notice still belongs to it"
    closing_day = application.notice_ends_on + DAY
    [result] = run_scans(closing_day, only=NOTICES)
    assert (result.examined, result.acted) == (1, 1)

    application.refresh_from_db()
    assert application.status == Status.DESIGNATED and application.decided_at
    granted = Designation.objects.get(firm=firm, tier=INNOVATIVE_SME)
    assert granted.source_application == application
    assert granted.granted_on == closing_day
    assert granted.expires_on == expiry_for(INNOVATIVE_SME, closing_day)
    assert actions_of(application) == [
        "submit", "accept", "recommend", "assign", "review", "review", "approve", "designate",
    ]  # fmt: skip
    last = application.events.order_by("pk").last()
    assert (last.from_status, last.to_status, last.actor) == (Status.PUBLIC_NOTICE, Status.DESIGNATED, None)

    [again] = run_scans(closing_day + DAY, only=NOTICES)
    assert (again.examined, again.acted) == (0, 0), "closing notices is idempotent"
    assert Designation.objects.filter(firm=firm).count() == 1


def test_each_transition_records_actor_reason_and_revision(firm, people):
    application = submitted(firm, people)
    act(application, Action.ACCEPT, people.district_cw)
    act(application, Action.RETURN, people.district_cw, reason="请补充2025年度审计报告")
    event = ApplicationEvent.objects.filter(application=application).order_by("pk").last()
    assert event.action == Action.RETURN and event.event == "application.returned"
    assert (event.from_status, event.to_status) == (Status.DISTRICT_REVIEW, Status.RETURNED)
    assert event.actor == people.district_cw and event.reason == "请补充2025年度审计报告"
    assert event.revision == 1
    assert application.history.first().history_change_reason == "请补充2025年度审计报告"


def test_returned_from_city_review_is_resubmitted_as_a_new_revision(firm, people):
    application = reviewed(to_city_review(firm, people), people)
    first_snapshot = Application.objects.get(pk=application.pk).snapshot
    act(application, Action.RETURN, people.city_cw, reason="补充知识产权证明")
    figures = AnnualFigures.objects.get(firm=firm, year=today().year - 1)
    figures.class1_ip = 5
    with pytest.raises(ValidationError):
        figures.save()  # relied on by a reviewer: frozen even while the application is returned

    application = act(application, Action.RESUBMIT, people.firm_user, reason="已补充")
    assert application.status == Status.SUBMITTED and application.revision == 2
    assert application.snapshot["facts"]["as_of"] == first_snapshot["facts"]["as_of"]
    act(application, Action.ACCEPT, people.district_cw)
    act(application, Action.RECOMMEND, people.district_cw)
    with pytest.raises(ValidationError, match="未提交本版本"):
        act(application, Action.APPROVE, people.city_cw)  # revision 1 reviews do not count
    act(application, Action.REVIEW, people.expert, score=90, recommendation="approve")
    application = act(application, Action.APPROVE, people.city_cw)
    assert application.status == Status.PUBLIC_NOTICE
    assert actions_of(application).count("review") == 2
    revisions = set(application.events.values_list("revision", flat=True))
    assert revisions == {1, 2}


def test_returned_at_submission_stage_and_resubmitted(firm, people):
    application = submitted(firm, people)
    act(application, Action.RETURN, people.district_cw, reason="缺少证明材料")
    application = act(application, Action.RESUBMIT, people.district_cw)  # a caseworker files the paper copy
    assert (application.status, application.revision) == (Status.SUBMITTED, 2)


@pytest.mark.parametrize("stage", ["district", "city"])
def test_rejection_ends_the_application(firm, people, stage):
    application = to_city_review(firm, people) if stage == "city" else submitted(firm, people)
    if stage == "district":
        act(application, Action.ACCEPT, people.district_cw)
    decider = people.city_cw if stage == "city" else people.district_cw
    application = act(application, Action.REJECT, decider, reason="研发投入不实")
    assert application.status == Status.REJECTED and application.decided_at
    with pytest.raises(TransitionConflict):
        act(application, Action.RESUBMIT, people.firm_user)


def test_objection_pauses_the_notice_and_a_dismissal_resumes_it_with_the_days_left(firm, people):
    application = to_notice(firm, people)
    approved_on, ends = application.notice_starts_on, application.notice_ends_on
    objected_on = add_working_days(approved_on, 2)
    application = act(
        application, Action.OBJECT, people.district_cw, objection="举报数据造假", as_of=objected_on
    )
    assert application.status == Status.NOTICE_PAUSED and application.notice_paused_on == objected_on
    act(application, Action.OBJECT, people.other_expert, objection="第二份异议", as_of=objected_on + DAY)
    [result] = run_scans(ends + 30 * DAY, only=NOTICES)
    assert result.acted == 0, "a paused notice is never closed"

    resumed_on = objected_on + 20 * DAY
    application = act(
        application, Action.DISMISS_OBJECTION, people.district_cw, reason="经核查不属实", as_of=resumed_on
    )
    assert application.status == Status.PUBLIC_NOTICE and application.notice_paused_on is None
    assert application.notice_ends_on == add_working_days(resumed_on, NOTICE_WORKING_DAYS - 2)
    assert set(Objection.objects.filter(application=application).values_list("outcome", flat=True)) == {
        "dismissed"
    }

    run_scans(application.notice_ends_on + DAY, only=NOTICES)
    application.refresh_from_db()
    assert application.status == Status.DESIGNATED
    assert actions_of(application)[-4:] == ["object", "object", "dismiss_objection", "designate"]


def test_an_upheld_objection_rejects_the_application(firm, people):
    application = to_notice(firm, people)
    act(application, Action.OBJECT, people.city_cw, objection="存在重大安全事故")
    application = act(application, Action.UPHOLD_OBJECTION, people.city_cw, reason="经核实属实")
    assert application.status == Status.REJECTED
    assert application.objections.get().outcome == Objection.Outcome.UPHELD
    assert not Designation.objects.filter(firm=firm).exists()


def test_objections_are_refused_once_the_notice_has_run_out(firm, people):
    application = to_notice(firm, people)
    with pytest.raises(ValidationError, match="公示期已结束"):
        act(
            application,
            Action.OBJECT,
            people.city_cw,
            objection="迟到的异议",
            as_of=application.notice_ends_on + DAY,
        )


def test_designating_by_hand_waits_for_the_end_of_the_notice(firm, people):
    application = to_notice(firm, people)
    with pytest.raises(ValidationError, match="公示期尚未届满"):
        act(application, Action.DESIGNATE, people.city_cw)
    application = act(application, Action.DESIGNATE, people.city_cw, as_of=application.notice_ends_on + DAY)
    assert application.status == Status.DESIGNATED


@pytest.mark.parametrize("stage", sorted(OPEN_STATUSES))
def test_the_firm_may_withdraw_from_every_open_stage(firm, people, stage):
    from tests.factories import application_in

    application = application_in(stage, firm, reviewers=[people.expert])
    application = act(application, Action.WITHDRAW, people.firm_user, reason="暂不申报")
    assert application.status == Status.WITHDRAWN
    create_application(firm=firm, tier=INNOVATIVE_SME, actor=people.firm_user)  # free to apply again


def test_a_renewal_extends_the_designation_it_re_reviews(firm, people):
    held = designation(firm, granted_on=today() - datetime.timedelta(days=3 * 365 - 60))
    application = create_application(firm=firm, tier=INNOVATIVE_SME, kind="renewal", actor=people.firm_user)
    act(application, Action.SUBMIT, people.firm_user)
    act(application, Action.ACCEPT, people.district_cw)
    act(application, Action.RECOMMEND, people.district_cw)
    reviewed(application, people)
    application = act(application, Action.APPROVE, people.city_cw)
    run_scans(application.notice_ends_on + DAY, only=NOTICES)
    held.refresh_from_db()
    assert held.expires_on == expiry_for(
        INNOVATIVE_SME, held.granted_on.replace(year=held.granted_on.year + 3)
    )
    assert held.source_application_id == application.pk
    assert Designation.objects.filter(firm=firm).count() == 1


def test_revocation_ends_the_designation_at_once_and_terminates_open_applications(firm, people):
    held = designation(firm)
    from cultivation.services import settle_stage
    from registry.models import Firm

    settle_stage(firm=firm)
    assert Firm.objects.get(pk=firm.pk).stage == Stage.STARTUP
    draft = create_application(firm=firm, tier=SRDI_SME, actor=people.firm_user)
    revoked = revoke_designation(designation=held, reason="数据造假", actor=people.district_cw)
    assert revoked.status == Designation.Status.REVOKED and revoked.revoked_on == today()
    draft.refresh_from_db()
    assert draft.status == Status.REJECTED
    event = draft.events.get()
    assert (
        event.action == Action.TERMINATE and "数据造假" in event.reason and event.actor == people.district_cw
    )
    with pytest.raises(TransitionConflict):
        revoke_designation(designation=held, reason="重复撤销", actor=people.district_cw)


def test_revocation_needs_a_reason_and_a_caseworker_in_scope(firm, people):
    from django.core.exceptions import PermissionDenied

    held = designation(firm)
    with pytest.raises(ValidationError):
        revoke_designation(designation=held, reason="  ", actor=people.district_cw)
    for outsider in (people.other_district_cw, people.expert, people.firm_user):
        with pytest.raises(PermissionDenied):
            revoke_designation(designation=held, reason="数据造假", actor=outsider)


def test_the_signal_is_sent_only_after_commit(firm, people, django_capture_on_commit_callbacks):
    received = []

    def listener(**kwargs):
        received.append((kwargs["action"], kwargs["event"]))

    transitioned.connect(listener)
    try:
        application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=people.firm_user)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            act(application, Action.SUBMIT, people.firm_user)
        assert received == [] and len(callbacks) == 1
        callbacks[0]()
        assert received == [("submit", "application.submitted")]
    finally:
        transitioned.disconnect(listener)


def test_holidays_lengthen_the_notice(firm, people):
    application = reviewed(to_city_review(firm, people), people)
    start = today()
    holiday = add_working_days(start, 1)
    Holiday.objects.create(day=holiday, name="国庆节")
    application = act(application, Action.APPROVE, people.city_cw)
    assert application.notice_ends_on == add_working_days(start, NOTICE_WORKING_DAYS, {holiday})
    assert application.notice_ends_on > add_working_days(start, NOTICE_WORKING_DAYS)
