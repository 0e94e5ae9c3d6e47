"""Digital recognitions and 技改 projects: the ladder, the model rules, and moving a project on (issue 18)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cultivation.models import DigitalRecognition, IndustryBrain, UpgradeProject
from cultivation.rules.digital import highest_per_site, is_overdue, next_status
from cultivation.services.digital import advance_upgrade, delete_digital_record, save_digital_record
from tests.factories import caseworker, firm_user, make_firm, reviewer

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year


def recognition(firm, site="一号厂区", level="digital_workshop", year=YEAR - 1, **fields):
    return DigitalRecognition.objects.create(firm=firm, site_name=site, level=level, year=year, **fields)


def project(firm, **fields) -> UpgradeProject:
    values = {
        "name": "焊接产线智能化改造",
        "kind": "intelligent",
        "investment": Decimal("1800"),
        "planned_start": TODAY - datetime.timedelta(days=200),
        "planned_finish": TODAY + datetime.timedelta(days=100),
        **fields,
    }
    return UpgradeProject.objects.create(firm=firm, **values)


# --- the ladder -----------------------------------------------------------------------------------------


def test_a_site_counts_once_at_its_highest_level():
    assert highest_per_site(
        [("A", "digital_workshop"), ("A", "smart_factory"), ("B", "digital_workshop")]
    ) == {
        "A": "smart_factory",
        "B": "digital_workshop",
    }
    firm, other = make_firm(), make_firm()
    workshop = recognition(firm, level="digital_workshop", year=YEAR - 3)
    factory = recognition(firm, level="smart_factory", year=YEAR - 1)
    second_site = recognition(firm, site="二号厂区", level="digital_workshop")
    elsewhere = recognition(other, level="digital_workshop")  # the same site name at another firm
    counting = set(DigitalRecognition.objects.counting().values_list("pk", flat=True))
    assert counting == {factory.pk, second_site.pk, elsewhere.pk}
    flags = dict(DigitalRecognition.objects.with_counts().values_list("pk", "counts"))
    assert flags == {workshop.pk: False, factory.pk: True, second_site.pk: True, elsewhere.pk: True}


def test_a_future_factory_supersedes_both_lower_levels():
    firm = make_firm()
    recognition(firm, level="digital_workshop", year=YEAR - 4)
    recognition(firm, level="smart_factory", year=YEAR - 2)
    top = recognition(firm, level="future_factory", year=YEAR)
    assert list(DigitalRecognition.objects.counting().values_list("pk", flat=True)) == [top.pk]


def test_one_record_per_site_and_level_and_dates_that_make_sense():
    firm = make_firm()
    recognition(firm)
    duplicate = DigitalRecognition(firm=firm, site_name=" 一号厂区 ", level="digital_workshop", year=YEAR)
    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()
    assert "__all__" in refused.value.message_dict  # the unique constraint, after the name is tidied
    future = DigitalRecognition(firm=firm, site_name="三号", level="smart_factory", year=YEAR + 1)
    with pytest.raises(ValidationError, match="不能晚于今年"):
        future.full_clean()
    backwards = DigitalRecognition(
        firm=firm,
        site_name="三号",
        level="smart_factory",
        year=YEAR,
        valid_until=datetime.date(YEAR - 1, 1, 1),
    )
    with pytest.raises(ValidationError, match="有效期应晚于认定年度"):
        backwards.full_clean()


# --- projects: the model's rules --------------------------------------------------------------------------


def test_a_project_plan_finishes_after_it_starts_and_costs_something():
    firm = make_firm()
    bad = UpgradeProject(
        firm=firm,
        name="x",
        kind="green",
        investment=Decimal("0"),
        planned_start=TODAY,
        planned_finish=TODAY - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refused:
        bad.full_clean()
    assert {"investment", "planned_finish"} <= set(refused.value.message_dict)


def test_dates_follow_the_status():
    firm = make_firm()
    planned = UpgradeProject(
        firm=firm, name="x", kind="green", investment=Decimal("10"), planned_start=TODAY,
        planned_finish=TODAY, actual_start=TODAY,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="尚未到这一步"):
        planned.full_clean()
    accepted = UpgradeProject(
        firm=firm, name="y", kind="green", investment=Decimal("10"), planned_start=TODAY,
        planned_finish=TODAY, status="accepted", actual_start=TODAY, actual_finish=TODAY, accepted_on=TODAY,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        accepted.full_clean()
    assert "productivity_change" in refused.value.message_dict


# --- projects: the service ---------------------------------------------------------------------------------


def test_a_project_moves_one_step_at_a_time_and_records_each_day():
    firm = make_firm()
    worker = caseworker("500112")
    item = project(firm)
    assert next_status(item.status) == "under_way"
    with pytest.raises(ValidationError) as skipped:
        advance_upgrade(project=item, to="completed", on=TODAY, actor=worker)
    assert "to" in skipped.value.message_dict
    started = TODAY - datetime.timedelta(days=150)
    item = advance_upgrade(project=item, to="under_way", on=started, actor=worker)
    assert (item.status, item.actual_start) == ("under_way", started)
    with pytest.raises(ValidationError) as early:  # finished before it started
        advance_upgrade(project=item, to="completed", on=started - datetime.timedelta(days=1), actor=worker)
    assert "on" in early.value.message_dict  # the step's day is the caller's "on"
    item = advance_upgrade(project=item, to="completed", on=TODAY - datetime.timedelta(days=10), actor=worker)
    with pytest.raises(ValidationError, match="劳动生产率"):
        advance_upgrade(project=item, to="accepted", on=TODAY, actor=worker)
    item = advance_upgrade(
        project=item, to="accepted", on=TODAY, actor=worker, productivity_change=Decimal("58.6")
    )
    assert (item.status, item.accepted_on, item.productivity_change) == ("accepted", TODAY, Decimal("58.6"))
    assert next_status(item.status) is None
    history = list(item.history.order_by("history_id").values_list("status", "history_user_id"))
    assert history[-3:] == [("under_way", worker.pk), ("completed", worker.pk), ("accepted", worker.pk)]


def test_a_step_in_the_future_is_refused():
    item = project(make_firm())
    with pytest.raises(ValidationError) as refused:
        advance_upgrade(
            project=item, to="under_way", on=TODAY + datetime.timedelta(days=1), actor=caseworker()
        )
    assert "on" in refused.value.message_dict


@pytest.mark.parametrize("who", ["other_district", "reviewer", "firm_user"])
def test_only_caseworkers_of_the_firm_write_and_move_its_records(who):
    firm = make_firm("500112")
    actor = {
        "other_district": lambda: caseworker("500103"),
        "reviewer": lambda: reviewer(),
        "firm_user": lambda: firm_user(firm),
    }[who]()
    item = project(firm)
    with pytest.raises(PermissionDenied):
        advance_upgrade(project=item, to="under_way", on=TODAY, actor=actor)
    with pytest.raises(PermissionDenied):
        save_digital_record(
            DigitalRecognition(firm=firm, site_name="a", level="smart_factory", year=YEAR), user=actor
        )
    with pytest.raises(PermissionDenied):
        delete_digital_record(item, user=actor)
    item.refresh_from_db()
    assert item.status == "planned" and not DigitalRecognition.objects.exists()


def test_saving_a_stored_project_cannot_change_its_status():
    worker = caseworker()
    item = project(make_firm())
    item.status = "accepted"
    with pytest.raises(ValidationError, match="推进项目"):
        save_digital_record(item, user=worker)
    item.refresh_from_db()
    item.investment = Decimal("2000")  # the plan may be corrected
    save_digital_record(item, user=worker, reason="追加投资")
    assert item.history.first().history_change_reason == "追加投资"


def test_saving_records_who_and_an_industry_brain_is_scoped_by_its_lead_firm():
    firm = make_firm("500112")
    worker = caseworker("500112")
    brain = save_digital_record(
        IndustryBrain(name="智能装备行业产业大脑", industry="智能装备", firm=firm, year=YEAR), user=worker
    )
    assert brain.recorded_by == worker and brain.history.first().history_user == worker
    assert list(IndustryBrain.objects.visible_to(caseworker("500103", "cw-other"))) == []
    assert list(IndustryBrain.objects.visible_to(firm_user(firm))) == [brain]


def test_overdue_is_past_the_planned_finish_and_not_completed():
    day = datetime.date(2026, 6, 30)
    assert is_overdue("planned", datetime.date(2026, 6, 29), day)
    assert is_overdue("under_way", datetime.date(2026, 1, 1), day)
    assert not is_overdue("under_way", day, day)  # due today is not late yet
    assert not is_overdue("completed", datetime.date(2026, 1, 1), day)


def test_a_plan_edited_from_a_stale_copy_keeps_the_stored_steps():
    """The admin form and the API edit the plan only: a copy read before someone advanced the project
    does not put its status back."""
    worker = caseworker()
    item = project(make_firm())
    stale = UpgradeProject.objects.get(pk=item.pk)
    advance_upgrade(project=item, to="under_way", on=TODAY, actor=worker)
    stale.investment = Decimal("2500")
    save_digital_record(stale, user=worker, keep_steps=True)
    item.refresh_from_db()
    assert (item.investment, item.status, item.actual_start) == (Decimal("2500"), "under_way", TODAY)
