"""Applying, following, answering a return and withdrawing on the portal, and moving it on the staff pages.

Every step goes through the services (``create_application``, ``application_transition``,
``assign_reviewers``); these tests check that the pages reach them and show their answers.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cultivation.models import Application, Designation, Review
from cultivation.services import application_transition, assign_reviewers, create_application
from registry.models import AnnualFigures

pytestmark = pytest.mark.django_db


def act(client, application, action: str, *, staff: bool = False, **inputs):
    name = "portal:staff-application-act" if staff else "portal:application-act"
    return client.post(reverse(name, args=[application.pk]), {"action": action, **inputs})


@pytest.fixture
def draft(firm, firm_user):
    return create_application(firm=firm, tier="innovative_sme", actor=firm_user)


@pytest.fixture
def submitted(draft, firm_user):
    return application_transition(application=draft, action="submit", actor=firm_user)


def test_the_apply_page_shows_each_tier_with_its_verdict_and_refusals(firm_client):
    response = firm_client.get(reverse("portal:apply"))
    tiers = {t["code"]: t for t in response.context["tiers"]}
    assert tiers["innovative_sme"]["eligible"] is True and not tiers["innovative_sme"]["refusals"]
    assert any("创新型中小企业" in reason for reason in tiers["srdi_sme"]["refusals"])


def test_a_firm_applies_reviews_the_snapshot_and_submits(firm_client, firm):
    response = firm_client.post(reverse("portal:apply"), {"tier": "innovative_sme", "kind": "new"})
    application = Application.objects.get(firm=firm)
    assert response["Location"] == reverse("portal:application", args=[application.pk])
    page = firm_client.get(response["Location"])
    assert "核对评估结果" in page.text and "提交申请" in page.text
    assert page.context["preview"] is not None

    response = act(firm_client, application, "submit")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted" and application.revision == 1
    assert AnnualFigures.objects.filter(firm=firm, frozen=True).exists()
    page = firm_client.get(reverse("portal:application", args=[application.pk]))
    assert "提交时的评估结果（已冻结）" in page.text and "已提交" in page.text


def test_a_refused_application_shows_the_services_reason(firm_client, firm):
    response = firm_client.post(reverse("portal:apply"), {"tier": "srdi_sme", "kind": "new"})
    assert response.status_code == 400
    assert "须先持有有效的“创新型中小企业”称号。" in response.text
    assert not Application.objects.filter(firm=firm).exists()


def test_a_firm_withdraws_an_application(firm_client, submitted):
    response = act(firm_client, submitted, "withdraw", reason="数据需重新审计")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "withdrawn"
    page = firm_client.get(reverse("portal:application", args=[submitted.pk]))
    assert "已撤回" in page.text and page.context["actions"] == []


def test_a_firm_answers_a_return_and_resubmits(firm_client, submitted, district_caseworker):
    application_transition(
        application=submitted, action="return", actor=district_caseworker, reason="请补充审计报告"
    )
    page = firm_client.get(reverse("portal:application", args=[submitted.pk]))
    assert "待补充材料" in page.text and "请补充审计报告" in page.text
    assert {row.action for row, *_rest in page.context["actions"]} == {"resubmit", "withdraw"}
    home = firm_client.get("/")
    assert "待补充材料" in home.text

    response = act(firm_client, submitted, "resubmit", reason="已补充审计报告")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.revision == 2


def test_a_firm_cannot_take_a_caseworkers_step(firm_client, submitted):
    response = act(firm_client, submitted, "accept")
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_an_action_no_longer_possible_is_a_notice_not_an_error(firm_client, submitted, firm_user):
    application_transition(application=submitted, action="withdraw", actor=firm_user)
    response = act(firm_client, submitted, "withdraw")
    assert response.status_code == 302
    page = firm_client.get(response["Location"])
    assert "已不能执行" in page.text


def test_firms_see_firm_labels_and_not_internal_steps(firm_client, submitted, district_caseworker):
    application_transition(application=submitted, action="accept", actor=district_caseworker)
    application_transition(
        application=submitted, action="recommend", actor=district_caseworker, reason="内部意见"
    )
    page = firm_client.get(reverse("portal:application", args=[submitted.pk]))
    assert "审核中" in page.text
    assert "区县初审" not in page.text and "内部意见" not in page.text
    assert "yubei-caseworker" not in page.text


def test_home_lists_open_applications_designations_and_what_is_due(firm_client, firm, submitted):
    page = firm_client.get("/")
    assert f"#{submitted.pk}" in page.text and "已提交" in page.text
    this_year = timezone.localdate().year
    assert f"{this_year} 年度数据须于 {this_year + 1}年4月30日 前填报" in page.text


def test_home_says_when_last_years_figures_are_missing(firm_client, firm):
    last_year = timezone.localdate().year - 1
    AnnualFigures.objects.filter(firm=firm, year=last_year).delete()
    page = firm_client.get("/")
    assert f"{last_year} 年度数据" in page.text and f"{last_year + 1}年4月30日" in page.text


# --- Staff pages ---------------------------------------------------------------------------------


def test_the_case_queue_lists_applications_waiting_for_caseworkers(
    client, firm, firm_user, submitted, district_caseworker, other_district_caseworker
):
    create_application(
        firm=firm, tier="gazelle", actor=firm_user
    )  # a draft waits for the firm, not for staff
    client.force_login(district_caseworker)
    page = client.get(reverse("portal:case-queue"))
    rows = list(page.context["page"])
    assert [a.pk for a in rows] == [submitted.pk]
    assert {row.action for row in rows[0].actions} == {"accept", "return"}
    assert "受理" in page.text
    client.force_login(other_district_caseworker)
    assert list(client.get(reverse("portal:case-queue")).context["page"]) == []


def test_the_case_queue_filters_by_status(client, submitted, district_caseworker):
    client.force_login(district_caseworker)
    page = client.get(reverse("portal:case-queue"), {"status": "district_review"})
    assert list(page.context["page"]) == []


def test_a_queue_button_acts_and_returns_to_the_queue(client, submitted, district_caseworker):
    client.force_login(district_caseworker)
    queue = reverse("portal:case-queue")
    response = act(client, submitted, "accept", staff=True, next=queue)
    assert response["Location"] == queue
    submitted.refresh_from_db()
    assert submitted.status == "district_review"


def test_a_return_without_a_reason_is_refused_on_the_form(client, submitted, district_caseworker):
    client.force_login(district_caseworker)
    response = act(client, submitted, "return", staff=True, reason="  ")
    assert response.status_code == 400
    assert "请填写理由。" in response.text
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_staff_move_an_application_to_public_notice(
    client, submitted, district_caseworker, caseworker, reviewer
):
    client.force_login(district_caseworker)
    act(client, submitted, "accept", staff=True)
    act(client, submitted, "recommend", staff=True, reason="材料齐全")
    submitted.refresh_from_db()
    assert submitted.status == "city_review"

    client.force_login(caseworker)
    page = client.get(reverse("portal:staff-application", args=[submitted.pk]))
    assert page.context["assign_form"] is not None
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = client.post(
        reverse("portal:staff-assign", args=[submitted.pk]), {"reviewers": [reviewer.pk], "due_at": due}
    )
    assert response.status_code == 302

    client.force_login(reviewer)
    queue = client.get(reverse("portal:review-queue"))
    assert [a.application_id for a in queue.context["to_do"]] == [submitted.pk]
    page = client.get(reverse("portal:staff-application", args=[submitted.pk]))
    assert "提交时冻结的评估结果" in page.text and "评估所依据的年度数据" in page.text
    response = act(client, submitted, "review", staff=True, score=101, recommendation="approve")
    assert response.status_code == 400 and "评分" in response.text
    response = act(
        client, submitted, "review", staff=True, score=88, recommendation="approve", comment="良好"
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.score, review.recommendation, review.comment) == (88, "approve", "良好")
    assert client.get(reverse("portal:review-queue")).context["to_do"] == []

    client.force_login(caseworker)
    act(client, submitted, "approve", staff=True)
    submitted.refresh_from_db()
    assert submitted.status == "public_notice" and submitted.notice_ends_on is not None


@pytest.fixture
def assigned(submitted, district_caseworker, caseworker, reviewer):
    """The application in city review with ``reviewer`` assigned."""
    application_transition(application=submitted, action="accept", actor=district_caseworker)
    application_transition(application=submitted, action="recommend", actor=district_caseworker)
    due = timezone.localdate() + datetime.timedelta(days=3)
    assign_reviewers(application=submitted, reviewers=[reviewer], due_at=due, actor=caseworker)
    return submitted


def test_the_review_form_reports_every_error_at_once(client, assigned, reviewer):
    client.force_login(reviewer)
    response = act(client, assigned, "review", staff=True, score="九十", recommendation="")
    assert response.status_code == 400
    assert "评分请输入整数（如 85）" in response.text  # the score's own message
    assert "请选择评审建议。" in response.text  # with the service's, on the same answer
    assert not Review.objects.exists()


def test_the_due_date_prompt_goes_once_the_review_is_in(client, assigned, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("portal:staff-application", args=[assigned.pk]))
    assert "前提交评审意见" in page.text
    act(client, assigned, "review", staff=True, score=80, recommendation="approve")
    page = client.get(reverse("portal:staff-application", args=[assigned.pk]))
    assert page.status_code == 200 and "前提交评审意见" not in page.text


def test_reviewers_see_only_their_own_review(client, submitted, district_caseworker, caseworker, reviewer):
    other = type(reviewer).objects.create(username="expert-2")
    other.groups.add(*reviewer.groups.all())
    application_transition(application=submitted, action="accept", actor=district_caseworker)
    application_transition(application=submitted, action="recommend", actor=district_caseworker)
    assign_reviewers(
        application=submitted,
        reviewers=[reviewer, other],
        due_at=timezone.localdate() + datetime.timedelta(days=3),
        actor=caseworker,
    )
    application_transition(
        application=submitted, action="review", actor=other, score=40, recommendation="reject", comment="不足"
    )
    client.force_login(reviewer)
    page = client.get(reverse("portal:staff-application", args=[submitted.pk]))
    assert page.context["reviews"] == [] and "不足" not in page.text
    client.force_login(caseworker)
    assert "不足" in client.get(reverse("portal:staff-application", args=[submitted.pk])).text


def test_a_submission_the_rules_refuse_shows_why_on_the_page(firm_client, firm, firm_user):
    gazelle = create_application(firm=firm, tier="gazelle", actor=firm_user)
    response = act(firm_client, gazelle, "submit")
    assert response.status_code == 400
    assert "评估暂不符合“瞪羚企业”条件" in response.text
    gazelle.refresh_from_db()
    assert gazelle.status == "draft" and gazelle.snapshot == {}


def test_a_firm_re_applies_for_a_tier_it_holds_in_its_last_months(firm_client, firm):
    today = timezone.localdate()
    granted, expires = today - datetime.timedelta(days=1000), today + datetime.timedelta(days=60)
    Designation.objects.create(firm=firm, tier="innovative_sme", granted_on=granted, expires_on=expires)
    home = firm_client.get("/")
    assert "现可申请复核" in home.text
    page = firm_client.get(reverse("portal:apply"))
    innovative = next(t for t in page.context["tiers"] if t["code"] == "innovative_sme")
    assert innovative["kind"] == "renewal" and not innovative["refusals"]
    assert "申请复核：创新型中小企业" in page.text
    response = firm_client.post(reverse("portal:apply"), {"tier": "innovative_sme", "kind": "renewal"})
    assert response.status_code == 302
    assert Application.objects.get(firm=firm).kind == "renewal"
