"""Applying for a tier the firm does not meet asks first and says why; discarding a draft says 删除草稿
and asks first, while a submitted application keeps 撤回申请, also with a confirmation page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cultivation.models import Application
from cultivation.services import application_transition, create_application

pytestmark = pytest.mark.django_db


def unmet_tier(client) -> dict:
    """A tier the firm may apply for (no refusal) but does not qualify for today."""
    tiers = client.get(reverse("portal:apply")).context["tiers"]
    return next(t for t in tiers if t["eligible"] is False and not t["refusals"])


def test_the_apply_page_lists_the_unmet_criteria_of_a_tier_not_met(firm_client):
    tier = unmet_tier(firm_client)
    assert tier["unmet"] and all(c["status"] in ("not_met", "missing") for c in tier["unmet"])
    page = firm_client.get(reverse("portal:apply")).text
    assert "按目前的数据，以下条件尚未满足：" in page and tier["unmet"][0]["message"] in page


def test_applying_for_a_tier_not_met_asks_first_and_creates_nothing(firm_client, firm):
    tier = unmet_tier(firm_client)
    response = firm_client.post(reverse("portal:apply"), {"tier": tier["code"], "kind": "new"})
    assert response.status_code == 200
    assert "仍要申请" in response.text and "无法提交" in response.text
    assert tier["unmet"][0]["message"] in response.text
    assert not Application.objects.filter(firm=firm).exists()

    confirmed = {"tier": tier["code"], "kind": "new", "confirm": "1"}
    response = firm_client.post(reverse("portal:apply"), confirmed)
    application = Application.objects.get(firm=firm)
    assert response["Location"] == reverse("portal:application", args=[application.pk])
    assert application.tier == tier["code"] and application.status == "draft"


def test_a_tier_the_firm_meets_is_created_at_once(firm_client, firm):
    response = firm_client.post(reverse("portal:apply"), {"tier": "innovative_sme", "kind": "new"})
    assert response.status_code == 302 and Application.objects.filter(firm=firm).count() == 1


def test_a_draft_is_discarded_after_a_confirmation_page(firm_client, firm, firm_user):
    draft = create_application(firm=firm, tier="innovative_sme", actor=firm_user)
    page = firm_client.get(reverse("portal:application", args=[draft.pk])).text
    confirm = reverse("portal:application-withdraw", args=[draft.pk])
    assert f'href="{confirm}"' in page and "删除草稿…" in page and "撤回申请" not in page

    page = firm_client.get(confirm)
    assert "确定删除这份草稿吗？" in page.text and 'name="reason"' not in page.text
    draft.refresh_from_db()
    assert draft.status == "draft"  # asking changes nothing

    response = firm_client.post(reverse("portal:application-act", args=[draft.pk]), {"action": "withdraw"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "withdrawn"
    assert "已完成：删除草稿。" in firm_client.get(response["Location"]).text
    # Nothing left to withdraw: the confirmation page sends back to the application.
    assert firm_client.get(confirm)["Location"] == reverse("portal:application", args=[draft.pk])


def test_a_submitted_application_keeps_withdraw_with_a_confirmation(firm_client, firm, firm_user):
    draft = create_application(firm=firm, tier="innovative_sme", actor=firm_user)
    submitted = application_transition(application=draft, action="submit", actor=firm_user)
    page = firm_client.get(reverse("portal:application", args=[submitted.pk])).text
    assert "撤回申请…" in page and "删除草稿" not in page
    page = firm_client.get(reverse("portal:application-withdraw", args=[submitted.pk])).text
    assert "确定撤回这份申请吗？" in page and 'name="reason"' in page


def test_another_firms_confirmation_page_is_not_found(client, other_user, firm, firm_user):
    draft = create_application(firm=firm, tier="innovative_sme", actor=firm_user)
    client.force_login(other_user)
    assert client.get(reverse("portal:application-withdraw", args=[draft.pk])).status_code == 404
