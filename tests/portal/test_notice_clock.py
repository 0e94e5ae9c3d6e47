"""During 公示 the application page (the firm's and the staff's) says when it ends and that the
designation follows by itself; paused by an objection, that the clock stands still meanwhile."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cultivation.services import application_transition
from cultivation.views.notice import notice_clock
from cultivation.workflow import Status
from tests.factories import UserFactory, application_in, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    return UserFactory(username="city-cw", roles=["caseworker"])


@pytest.fixture
def on_notice(firm, city):
    """``firm``'s application approved into its notice today, through the service."""
    expert = UserFactory(username="expert-n", roles=["reviewer"])
    application = application_in(Status.CITY_REVIEW, firm, reviewers=[expert], reviewed=True)
    return application_transition(application=application, action="approve", actor=city)


def pages(client, firm_user, city, application) -> list[str]:
    client.force_login(firm_user)
    mine = client.get(reverse("portal:application", args=[application.pk])).text
    client.force_login(city)
    staff = client.get(reverse("portal:staff-application", args=[application.pk])).text
    return [mine, staff]


def test_a_running_notice_says_when_it_ends_and_what_follows(client, firm_user, city, on_notice):
    ends = on_notice.notice_ends_on
    assert ends > today()
    for page in pages(client, firm_user, city, on_notice):
        assert f"公示期 {on_notice.notice_starts_on} 至 {ends}。" in page
        assert f"系统将于 {ends + datetime.timedelta(days=1)} 自动予以认定" in page
        assert "没有未处理的异议" in page


def test_a_paused_notice_says_the_clock_stands_still_and_what_is_left(client, firm_user, city, on_notice):
    paused = application_transition(
        application=on_notice, action="object", actor=city, objection="对研发费用有异议"
    )
    for page in pages(client, firm_user, city, paused):
        assert f"公示自 {today()} 起因异议暂停。" in page and "公示期停止计算" in page
        assert "个工作日从恢复之日起继续计算" in page
        assert "系统将于" not in page


def test_the_days_left_are_those_the_service_resumes_with(client, firm_user, city, on_notice):
    paused = application_transition(
        application=on_notice, action="object", actor=city, objection="对研发费用有异议"
    )
    left = notice_clock(paused).days_left
    assert f"剩余的 {left} 个工作日" in pages(client, firm_user, city, paused)[0]
    resumed = application_transition(
        application=paused, action="dismiss_objection", actor=city, reason="经核实异议不成立"
    )
    assert resumed.notice_ends_on == paused.notice_ends_on  # resumed the same day: nothing lost, none added


def test_no_notice_no_clock(client, firm_user, city, firm):
    application = application_in(Status.SUBMITTED, firm)
    for page in pages(client, firm_user, city, application):
        assert "notice-clock" not in page
