"""A reviewer with hundreds of alerts: the inbox groups them by kind and tier (count, link to the
filtered list, mark a group read), a scan run adds one summary ("本次扫描新增 N 条"), every code in
an alert's text is given in words and the filters start at 全部."""

from __future__ import annotations

import io
from html import escape

import pytest
from django.core.management import call_command
from django.urls import reverse

from cultivation.models.alerts import Alert, AlertDelivery, AlertKind
from cultivation.services.alerts import AlertDraft, alert_text, raise_alerts
from tests.portal.test_inbox import alert_for, expiring, inbox_row, rows

pytestmark = pytest.mark.django_db

INBOX = reverse("portal:inbox")


@pytest.fixture
def many(firm, other_firm, reviewer, district_caseworker):
    """26 promotion alerts for 创新型中小企业, one for 专精特新, one expiry: three groups, two pages."""
    ids = [alert_for(f, period=str(p)) for f in (firm, other_firm) for p in range(2014, 2027)]
    ids.append(alert_for(firm, tier="srdi_sme"))
    ids.append(expiring(firm))
    return ids


def group_of(response, kind, tier) -> dict:
    [group] = [g for g in response.context["groups"] if (g["kind"], g["tier"]) == (kind, tier)]
    return group


def test_the_inbox_groups_alerts_by_kind_and_tier_with_counts(client, reviewer, many):
    client.force_login(reviewer)
    response = client.get(INBOX)
    groups = response.context["groups"]
    assert [(g["kind"], g["tier"], g["unread"], g["total"]) for g in groups] == [
        ("promotion_due", "innovative_sme", 26, 26),
        ("designation_expiring", "srdi_sme", 1, 1),
        ("promotion_due", "srdi_sme", 1, 1),
    ]
    first = groups[0]
    assert f'href="{INBOX}?{escape(first["query"])}"' in response.text
    listed = rows(client.get(INBOX + "?" + first["query"]))
    assert len(listed) == 25 and {d.alert.tier for d in listed} == {"innovative_sme"}


def test_marking_a_group_read_leaves_the_other_groups_alone(client, reviewer, district_caseworker, many):
    client.force_login(reviewer)
    group = group_of(client.get(INBOX), "promotion_due", "innovative_sme")
    response = client.post(f"{reverse('portal:inbox-read-all')}?{group['query']}")
    assert response.status_code == 302
    assert "已标记 26 条为已读" in client.get(response["Location"]).text
    after = client.get(INBOX)
    assert group_of(after, "promotion_due", "innovative_sme")["unread"] == 0
    assert group_of(after, "promotion_due", "srdi_sme")["unread"] == 1
    assert inbox_row(reviewer, many[-1]).read_at is None
    assert not AlertDelivery.objects.filter(user=district_caseworker, read_at__isnull=False).exists()


def test_a_scan_run_sends_one_summary_with_each_readers_count(client, firm, reviewer, district_caseworker):
    call_command("run_scans", "--only", "promotion_due", stdout=io.StringIO())
    raised = AlertDelivery.objects.filter(user=reviewer, channel="inbox", alert__kind="promotion_due").count()
    assert raised >= 1
    summary = Alert.objects.get(kind=AlertKind.SCAN_SUMMARY)
    assert set(summary.deliveries.values_list("user_id", "channel")) == {
        (reviewer.pk, "inbox"),
        (district_caseworker.pk, "inbox"),
    }
    client.force_login(reviewer)
    response = client.get(INBOX)
    [row] = [d for d in response.context["page"] if d.alert_id == summary.pk]
    assert f"本次扫描新增 {raised} 条提醒" in row.message
    call_command("run_scans", "--only", "promotion_due", stdout=io.StringIO())
    assert Alert.objects.filter(kind=AlertKind.SCAN_SUMMARY).count() == 1, "nothing new, no summary"


def test_no_codes_in_the_text_of_stage_and_pool_alerts(firm, reviewer):
    stage = AlertDraft(AlertKind.STAGE_CHANGED, "2026:growth", firm.pk, firm.district_id, "", {})
    stage.payload.update({"from": "startup", "to": "growth"})
    pool = AlertDraft(AlertKind.POOL_RATING, "2026", firm.pk, firm.district_id, "hardtech_pool", {})
    pool.payload.update({"status": "on_track", "baseline_revenue": "100", "target_revenue": "200"})
    ids = raise_alerts([stage, pool])
    texts = [alert_text(alert)[1] for alert in Alert.objects.filter(pk__in=ids).select_related("firm")]
    assert any("由 初创期 变为 成长期" in text for text in texts)
    assert not any(code in text for text in texts for code in ("startup", "growth", "on_track", "missed"))


def test_a_short_inbox_is_not_grouped(client, reviewer, firm):
    alert_for(firm)
    expiring(firm)
    client.force_login(reviewer)
    assert client.get(INBOX).context["groups"] == []


def test_the_filters_start_at_all(client, reviewer, firm_user, many):
    for user in (reviewer, firm_user):
        client.force_login(user)
        text = client.get(INBOX).text
        assert "---------" not in text and ">全部<" in text


def test_the_filters_start_at_all_after_the_api_schema_was_generated(client, reviewer, many):
    """The schema generator builds the shared filters' form fields on the class; the inbox must not show
    those (a code box and "---------") to whoever opens it afterwards."""
    client.force_login(reviewer)
    assert client.get("/api/schema/").status_code == 200
    text = client.get(INBOX).text
    assert "---------" not in text and ">全部<" in text
