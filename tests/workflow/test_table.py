"""The workflow table itself: complete, consistent, and the one source of labels and actions."""

from __future__ import annotations

from cultivation.workflow import (
    BY_SOURCE,
    OPEN_STATUSES,
    PRECONDITION_LABELS,
    PURE_CHECKS,
    STAGES,
    TRANSITIONS,
    Action,
    Status,
    describe,
    stage_label,
)


def test_every_stage_has_a_staff_and_a_firm_label():
    assert set(STAGES) == set(Status.values)
    for stage in STAGES.values():
        assert str(stage.staff_label) and str(stage.firm_label)


def test_internal_stages_are_not_shown_to_firms_as_such():
    assert STAGES[Status.DISTRICT_REVIEW].firm_label == STAGES[Status.CITY_REVIEW].firm_label
    assert STAGES[Status.NOTICE_PAUSED].firm_label == STAGES[Status.PUBLIC_NOTICE].firm_label
    assert str(STAGES[Status.DISTRICT_REVIEW].staff_label) == "区县初审"

    class FirmUser:
        firm_id = 1

    class Staff:
        firm_id = None

    assert str(stage_label(Status.CITY_REVIEW, FirmUser())) == "审核中"
    assert str(stage_label(Status.CITY_REVIEW, Staff())) == "市级复审（专家评审）"


def test_every_open_stage_can_be_left_and_terminal_stages_cannot():
    sources = {source for row in TRANSITIONS for source in row.sources if row.target != source}
    assert sources >= OPEN_STATUSES
    assert not sources - OPEN_STATUSES


def test_every_stage_is_reachable_from_draft():
    reached, frontier = {Status.DRAFT}, [Status.DRAFT]
    while frontier:
        status = frontier.pop()
        for row in TRANSITIONS:
            if status in row.sources and row.target not in reached:
                reached.add(row.target)
                frontier.append(row.target)
    assert reached == set(Status.values)


def test_one_row_per_stage_and_action_and_every_action_used():
    assert len(BY_SOURCE) == sum(len(row.sources) for row in TRANSITIONS)
    assert {row.action for row in TRANSITIONS} == set(Action)


def test_preconditions_are_named_and_the_pure_ones_implemented():
    named = {name for row in TRANSITIONS for name in row.preconditions}
    assert named <= set(PRECONDITION_LABELS)
    assert set(PURE_CHECKS) <= named
    assert named - set(PURE_CHECKS) == {"may_apply", "eligible"}  # checked by the service


def test_reasons_are_required_where_a_decision_goes_against_the_firm():
    for row in TRANSITIONS:
        if row.action in (Action.RETURN, Action.REJECT, Action.UPHOLD_OBJECTION, Action.DISMISS_OBJECTION):
            assert "reason" in row.required


def test_describe_lists_the_table_as_plain_rows():
    rows = describe()
    assert len(rows) == len(TRANSITIONS)
    submit = next(r for r in rows if r["action"] == "submit")
    assert submit["from"] == ["draft"] and submit["to"] == "submitted"
    assert submit["who"] == ["caseworker", "firm"] and submit["event"] == "application.submitted"
