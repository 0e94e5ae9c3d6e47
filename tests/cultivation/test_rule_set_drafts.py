"""Draft rule-set versions (issue 16): saved from the derive form, editable, published, never deciding."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from cultivation.models import Alert, RuleSet
from cultivation.models.alerts import AlertKind
from cultivation.scans import SCANS
from cultivation.selectors import eligibility_of_firm, rule_set_on
from cultivation.services import application_transition, create_application, publish_rule_set, update_draft
from cultivation.tiers import INNOVATIVE_SME
from cultivation.workflow import Action
from tests.factories import eligible_firm, firm_user, today

pytestmark = pytest.mark.django_db

# A bar the demo firm (180 people, revenue in the thousands of 万元) fails: an industrial SME below
# 100 people or 100万元 of revenue.
SMALL = {
    "industry": {"employees_below": 100, "revenue_below": "100"},
    "software": {"employees_below": 300, "revenue_below": "10000"},
}
STRICT = {"common.sme_size": {"sectors": SMALL}}


def base() -> RuleSet:
    return RuleSet.objects.get(code="CN-2026")


def save_draft(client, superuser, code: str = "CN-2026-D1", overrides=STRICT) -> RuleSet:
    """A draft saved through the admin's derive form (its 保存为草稿 button), in force from last month."""
    client.force_login(superuser)
    response = client.post(
        f"/admin/cultivation/ruleset/{base().pk}/derive/",
        {
            "code": code,
            "effective_from": (today() - datetime.timedelta(days=30)).isoformat(),
            "title": "征求意见稿",
            "note": "收紧规模标准",
            "overrides": json.dumps(overrides),
            "_draft": "保存为草稿",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return RuleSet.objects.get(code=code)


def test_a_draft_never_reaches_scans_applications_self_checks_or_what_if(client, superuser):
    firm = eligible_firm()
    before = eligibility_of_firm(firm)
    in_force = rule_set_on(today()).codes
    draft = save_draft(client, superuser)

    assert draft.is_draft and draft.published_at is None
    assert rule_set_on(today()).codes == in_force
    after = eligibility_of_firm(firm)
    assert after[INNOVATIVE_SME].eligible is True
    assert after.to_dict() == before.to_dict()
    # The promotion scan still finds the firm due under the published rules.
    SCANS["promotion_due"].run(today())
    assert Alert.objects.filter(firm=firm, kind=AlertKind.PROMOTION_DUE, tier=INNOVATIVE_SME).exists()
    # An application is judged and stamped with the published set.
    applicant = firm_user(firm)
    application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=applicant)
    application_transition(application=application, action=Action.SUBMIT, actor=applicant)
    application.refresh_from_db()
    assert application.rule_set.code == in_force[0]
    # What-if cannot name a draft, and the API's list of versions does not show it.
    api = APIClient()
    api.force_authenticate(superuser)
    body = {"as_of": today().isoformat(), "rule_set": draft.code, "sector": "industry"}
    assert api.post("/api/eligibility/", body, format="json").status_code == 400
    assert draft.code not in api.get("/api/rule-sets/").content.decode()


def test_a_draft_is_edited_then_published_and_then_applies(client, superuser):
    firm = eligible_firm()
    draft = save_draft(client, superuser, overrides={})
    assert draft.definition["common"] == base().definition["common"]

    page = client.get(f"/admin/cultivation/ruleset/{draft.pk}/draft/")
    assert page.status_code == 200
    response = client.post(
        f"/admin/cultivation/ruleset/{draft.pk}/draft/",
        {
            "effective_from": draft.effective_from.isoformat(),
            "title": "征求意见稿二",
            "note": "收紧规模标准",
            "overrides": json.dumps(STRICT),
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.overrides == STRICT and draft.title == "征求意见稿二"
    assert draft.history.count() == 2  # created, edited: who and when, with the overrides
    assert eligibility_of_firm(firm)[INNOVATIVE_SME].eligible is True

    assert client.get(f"/admin/cultivation/ruleset/{draft.pk}/publish/").status_code == 200
    assert client.post(f"/admin/cultivation/ruleset/{draft.pk}/publish/").status_code == 302
    draft.refresh_from_db()
    assert not draft.is_draft and draft.published_by == superuser and draft.published_at
    assert rule_set_on(today()).code == draft.code
    assert eligibility_of_firm(firm)[INNOVATIVE_SME].eligible is False
    with pytest.raises(ValidationError):
        update_draft(record=draft, overrides={}, actor=superuser)
    draft.status = RuleSet.Status.DRAFT
    with pytest.raises(ValidationError):
        draft.save()


def test_publishing_is_refused_on_a_day_another_version_of_the_line_takes_effect(client, superuser):
    draft = save_draft(client, superuser)
    update_draft(record=draft, overrides=STRICT, effective_from=base().effective_from, actor=superuser)
    with pytest.raises(ValidationError):
        publish_rule_set(record=draft, actor=superuser)
    assert RuleSet.objects.get(pk=draft.pk).is_draft


def test_only_programme_admins_reach_drafts(client, superuser, caseworker):
    draft = save_draft(client, superuser)
    client = Client()
    client.force_login(caseworker)
    listing = client.get("/admin/cultivation/ruleset/")
    assert listing.status_code == 200 and "CN-2026" in listing.text and draft.code not in listing.text
    assert client.get(f"/admin/cultivation/ruleset/{draft.pk}/change/").status_code == 302  # not found
    for action in ("draft", "publish"):
        assert client.get(f"/admin/cultivation/ruleset/{draft.pk}/{action}/").status_code == 403
    with pytest.raises(Exception, match="项目管理员"):
        publish_rule_set(record=draft, actor=caseworker)
    assert RuleSet.objects.get(pk=draft.pk).is_draft


def test_worked_cases_preview_a_draft(client, superuser):
    """The parent's worked cases run against the draft (its stricter size bar fails some of them)."""
    draft = save_draft(client, superuser)
    page = client.get(f"/admin/cultivation/ruleset/{draft.pk}/cases/")
    assert page.status_code == 200
    assert "不存在" not in page.text and "FAIL" in page.text and "PASS" in page.text
