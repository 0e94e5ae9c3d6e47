"""Every role × every action of the table, allowed and refused; district scoping; 403 versus 409."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from cultivation.models import Application
from cultivation.services import application_transition
from cultivation.services.applications import service_transition
from cultivation.workflow import TRANSITIONS, Action, Status, TransitionConflict, Who, available_actions
from tests.factories import application_in, today

pytestmark = pytest.mark.django_db

# What each person in the ``people`` fixture is, for an application of a 渝北区 firm with
# ``expert`` (a city-level reviewer) assigned.
ROLES: dict[str, set[Who]] = {
    "firm_user": {Who.FIRM},
    "other_firm_user": set(),
    "district_cw": {Who.CASEWORKER, Who.STAFF},
    "other_district_cw": set(),
    "city_cw": {Who.CASEWORKER, Who.CITY_CASEWORKER, Who.STAFF},
    "expert": {Who.ASSIGNED_REVIEWER, Who.STAFF},
    "other_expert": {Who.STAFF},
    "district_expert": set(),  # a 江北区 reviewer, not assigned
    "superuser": {Who.CASEWORKER, Who.CITY_CASEWORKER, Who.STAFF},
    "nobody": set(),
    "system": {Who.SYSTEM},
}
INPUTS = {"reason": "理由", "score": 80, "recommendation": "approve", "comment": "意见", "objection": "异议"}
CASES = [(row, source) for row in TRANSITIONS for source in sorted(row.sources)]


def case_id(case) -> str:
    row, source = case
    return f"{row.action}-from-{source}"


def attempt(application, row, actor) -> Application:
    as_of = (
        application.notice_ends_on + datetime.timedelta(days=1) if row.action == Action.DESIGNATE else None
    )
    if not row.offered:  # a service-only row: only a service takes it, for the actor it acts for
        return service_transition(application=application, action=row.action, actor=actor, reason="理由")
    return application_transition(
        application=application, action=row.action, actor=actor, as_of=as_of, **INPUTS
    )


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_each_role_may_or_may_not_take_each_action(firm, people, case):
    row, source = case
    outcomes = {}
    for role in ROLES:
        actor = None if role == "system" else getattr(people, role)
        savepoint = transaction.savepoint()
        application = application_in(
            source, firm, reviewers=[people.expert], reviewed=row.action == Action.APPROVE
        )
        try:
            outcomes[role] = attempt(application, row, actor).status
        except PermissionDenied:
            outcomes[role] = "refused"
        finally:
            transaction.savepoint_rollback(savepoint)
    expected = {role: row.target if kinds & row.who else "refused" for role, kinds in ROLES.items()}
    assert outcomes == expected


def test_a_role_that_never_takes_an_action_gets_403_whatever_the_stage(firm, people):
    application = application_in(Status.DESIGNATED, firm)
    with pytest.raises(PermissionDenied):
        application_transition(application=application, action=Action.ACCEPT, actor=people.firm_user)


def test_an_action_the_stage_no_longer_allows_is_a_conflict(firm, people):
    application = application_in(Status.DISTRICT_REVIEW, firm)
    with pytest.raises(TransitionConflict, match="区县初审"):
        application_transition(application=application, action=Action.ACCEPT, actor=people.district_cw)


def test_a_second_review_by_the_same_expert_is_a_conflict(firm, people):
    application = application_in(Status.CITY_REVIEW, firm, reviewers=[people.expert], reviewed=True)
    with pytest.raises(TransitionConflict):
        application_transition(
            application=application,
            action=Action.REVIEW,
            actor=people.expert,
            score=70,
            recommendation="reject",
        )


def test_a_district_caseworker_cannot_decide_the_city_review(firm, people):
    application = application_in(Status.CITY_REVIEW, firm, reviewers=[people.expert], reviewed=True)
    for action in (Action.APPROVE, Action.REJECT, Action.RETURN):
        with pytest.raises(PermissionDenied):
            application_transition(
                application=application, action=action, actor=people.district_cw, reason="x"
            )


def test_an_inactive_caseworker_is_refused(firm, people):
    people.district_cw.is_active = False
    application = application_in(Status.SUBMITTED, firm)
    with pytest.raises(PermissionDenied):
        application_transition(application=application, action=Action.ACCEPT, actor=people.district_cw)


class TestVisibility:
    def test_firm_users_see_their_own_firm_only(self, firm, people):
        mine = application_in(Status.SUBMITTED, firm)
        application_in(Status.SUBMITTED, people.other_firm_user.firm)
        assert list(Application.objects.visible_to(people.firm_user)) == [mine]

    def test_district_staff_see_their_district_and_city_staff_everything(self, firm, people):
        mine = application_in(Status.SUBMITTED, firm)
        theirs = application_in(Status.SUBMITTED, people.other_firm_user.firm)
        assert list(Application.objects.visible_to(people.district_cw)) == [mine]
        assert list(Application.objects.visible_to(people.other_district_cw)) == [theirs]
        assert set(Application.objects.visible_to(people.city_cw)) == {mine, theirs}
        assert not Application.objects.visible_to(people.nobody).exists()

    def test_an_expert_sees_only_what_they_are_assigned(self, firm, people):
        assigned = application_in(Status.CITY_REVIEW, firm, reviewers=[people.home_expert])
        application_in(Status.CITY_REVIEW, eligible_other(people))
        application_in(Status.SUBMITTED, firm, tier="srdi_sme")  # their district, not assigned
        visible = Application.objects.visible_to(people.home_expert)
        assert list(visible) == [assigned]
        assert not Application.objects.visible_to(people.other_expert).exists()  # city level, unassigned

    def test_drafts_are_the_firms_own(self, firm, people):
        draft = application_in(Status.DRAFT, firm)
        assert list(Application.objects.visible_to(people.firm_user)) == [draft]
        for role in ("district_cw", "city_cw", "superuser", "expert", "home_expert"):
            assert not Application.objects.visible_to(getattr(people, role)).exists(), role


def eligible_other(people):
    from tests.factories import YUBEI, eligible_firm

    return eligible_firm(YUBEI)


def test_available_actions_follow_the_table_for_each_person(firm, people):
    application = application_in(Status.CITY_REVIEW, firm, reviewers=[people.expert])
    application = Application.objects.with_workflow().get(pk=application.pk)

    def actions(user):
        return {row.action for row in available_actions(application, user, today())}

    assert actions(people.firm_user) == {Action.WITHDRAW}
    assert actions(people.district_cw) == set()
    assert actions(people.city_cw) == {Action.RETURN, Action.REJECT}  # approve waits for the review
    assert actions(people.expert) == {Action.REVIEW}
    assert actions(people.other_expert) == set()
    assert Action.TERMINATE not in actions(people.superuser)
