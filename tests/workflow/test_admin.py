"""The admin: snapshot rendered as a report, the history, buttons from the table, bulk expert
assignment, the holiday calendar and revoking designations."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cultivation.models import Application, ApplicationEvent, Designation, Holiday, ReviewAssignment
from cultivation.services import application_transition, create_application
from cultivation.tiers import INNOVATIVE_SME
from cultivation.workflow import Action, Status
from tests.factories import application_in, designation, eligible_firm, today

pytestmark = pytest.mark.django_db


def change_url(application) -> str:
    return reverse("admin:cultivation_application_change", args=[application.pk])


def act_url(application, action) -> str:
    return reverse("admin:cultivation_application_transition", args=[application.pk, action])


@pytest.fixture
def submitted(firm, people):
    application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=people.firm_user)
    return application_transition(application=application, action=Action.SUBMIT, actor=people.firm_user)


def test_the_change_page_renders_the_snapshot_history_and_buttons(client, submitted, people):
    client.force_login(people.district_cw)
    page = client.get(change_url(submitted))
    assert page.status_code == 200
    html = page.content.decode()
    assert "申请称号的评估结果" in html and "创新型中小企业" in html
    assert "提交时的企业数据" in html and "7300.00" in html  # the frozen figures as a table
    assert "办理记录" in html and "提交申请" in html  # the event history
    assert act_url(submitted, "accept") in html and act_url(submitted, "return") in html
    assert act_url(submitted, "approve") not in html


def test_a_button_asks_for_the_reason_and_calls_the_service(client, submitted, people):
    client.force_login(people.district_cw)
    form = client.get(act_url(submitted, "return"))
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    refused = client.post(act_url(submitted, "return"), {"reason": ""})
    assert refused.status_code == 200
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    done = client.post(act_url(submitted, "return"), {"reason": "请补充审计报告"})
    assert done.status_code == 302 and done.url == change_url(submitted)
    assert Application.objects.get(pk=submitted.pk).status == Status.RETURNED
    event = ApplicationEvent.objects.filter(application=submitted).last()
    assert (event.actor, event.reason) == (people.district_cw, "请补充审计报告")


def test_a_button_that_is_no_longer_possible_reports_it(client, submitted, people):
    application_transition(application=submitted, action=Action.ACCEPT, actor=people.city_cw)
    client.force_login(people.district_cw)
    response = client.post(act_url(submitted, "accept"), {}, follow=True)
    assert "不能执行此操作" in response.content.decode()
    assert ApplicationEvent.objects.filter(application=submitted, action="accept").count() == 1


def test_an_expert_scores_from_the_admin(client, firm, people):
    application = application_in(Status.CITY_REVIEW, firm, reviewers=[people.expert])
    client.force_login(people.expert)
    assert act_url(application, "review") in client.get(change_url(application)).content.decode()
    response = client.post(
        act_url(application, "review"), {"score": "91", "recommendation": "approve", "comment": "好"}
    )
    assert response.status_code == 302
    assert ReviewAssignment.objects.get(application=application).reviews.get().score == 91


def test_bulk_assignment_of_experts(client, firm, people):
    first = application_in(Status.CITY_REVIEW, firm)
    second = application_in(Status.CITY_REVIEW, firm, tier="gazelle")
    early = application_in(Status.SUBMITTED, firm, tier="unicorn")
    client.force_login(people.city_cw)
    changelist = reverse("admin:cultivation_application_changelist")
    selection = {"action": "assign_reviewers_selected", "_selected_action": [first.pk, second.pk, early.pk]}
    page = client.post(changelist, selection)
    assert page.status_code == 200 and "expert-assigned" in page.content.decode()
    due = (today() + datetime.timedelta(days=10)).isoformat()
    reviewers = [people.expert.pk, people.other_expert.pk]
    response = client.post(
        changelist, {**selection, "apply": "1", "reviewers": reviewers, "due_at": due}, follow=True
    )
    assert response.status_code == 200
    assert ReviewAssignment.objects.filter(application__in=[first, second]).count() == 4
    assert not ReviewAssignment.objects.filter(application=early).exists()
    assert "市级复审阶段" in response.content.decode()  # the one refused is reported
    assert ApplicationEvent.objects.filter(action="assign").count() == 2


def test_district_caseworkers_are_not_offered_bulk_assignment(client, firm, people):
    application_in(Status.CITY_REVIEW, firm)
    client.force_login(people.district_cw)
    page = client.get(reverse("admin:cultivation_application_changelist"))
    assert page.status_code == 200 and "assign_reviewers_selected" not in page.content.decode()


def test_caseworkers_keep_the_holiday_calendar(client, people):
    client.force_login(people.city_cw)
    response = client.post(
        reverse("admin:cultivation_holiday_add"), {"day": "2026-10-01", "name": "国庆节", "is_workday": ""}
    )
    assert response.status_code == 302
    assert Holiday.objects.get().name == "国庆节"


def test_revoking_a_designation_from_the_admin(client, firm, people):
    held = designation(firm)
    client.force_login(people.district_cw)
    changelist = reverse("admin:cultivation_designation_changelist")
    selection = {"action": "revoke_selected", "_selected_action": [held.pk]}
    page = client.post(changelist, selection)
    assert page.status_code == 200 and "三年内不得再次申请" in page.content.decode()
    client.post(changelist, {**selection, "apply": "1", "reason": "列入严重失信主体名单"})
    held.refresh_from_db()
    assert held.status == Designation.Status.REVOKED and held.revoked_reason == "列入严重失信主体名单"


def test_reviewers_cannot_revoke(client, firm, people):
    designation(firm)
    client.force_login(people.other_expert)
    page = client.get(reverse("admin:cultivation_designation_changelist"))
    assert page.status_code == 200 and "revoke_selected" not in page.content.decode()


def test_the_history_page_shows_the_audit_trail(client, submitted, people):
    client.force_login(people.city_cw)
    page = client.get(reverse("admin:cultivation_application_history", args=[submitted.pk]))
    assert page.status_code == 200


def changelist_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:cultivation_application_changelist")).status_code == 200
    return len(queries)


def test_changelist_query_count_does_not_grow_with_rows(client, people):
    def fill(count):
        for _ in range(count):
            application_in(Status.CITY_REVIEW, eligible_firm(), reviewers=[people.expert])

    fill(2)
    small = changelist_queries(client, people.city_cw)
    fill(18)
    assert changelist_queries(client, people.city_cw) == small
