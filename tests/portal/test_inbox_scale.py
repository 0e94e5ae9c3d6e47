"""The inbox at a scan's scale: deliveries carry their alert's kind and tier (the inbox groups and filters
read them from the delivery's own index), the list is newest first on the page and in the API, and the page
costs the same number of queries for 5 alerts as for 60 (at a million firms: 580,000)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cultivation.models.alerts import AlertDelivery, AlertKind
from cultivation.services.alerts import AlertDraft, raise_alerts, raise_scan_summary
from tests.factories import FirmFactory, UserFactory
from tests.portal.test_inbox import alert_for, expiring, queries, rows

pytestmark = pytest.mark.django_db

INBOX = reverse("portal:inbox")


def promotions(firms, tier="innovative_sme", period="2026") -> list[AlertDraft]:
    return [AlertDraft(AlertKind.PROMOTION_DUE, period, f.pk, f.district_id, tier) for f in firms]


def test_deliveries_carry_their_alerts_kind_and_tier(firm, other_firm, reviewer, district_caseworker):
    UserFactory(username="city-caseworker", roles=["caseworker"])  # receives the programme-wide alert
    raise_alerts(
        [
            *promotions([firm, other_firm]),
            *promotions([firm], tier="srdi_sme"),
            AlertDraft(AlertKind.POOL_INTAKE, "2026"),  # no firm, no tier
        ]
    )
    expiring(firm)
    raise_scan_summary(since=timezone.now() - datetime.timedelta(hours=1), period="scan-1")
    deliveries = AlertDelivery.objects.all()
    assert {d.channel for d in deliveries} == {"inbox", "email"}
    assert {(d.kind, d.tier) for d in deliveries} >= {
        ("promotion_due", "innovative_sme"),
        ("promotion_due", "srdi_sme"),
        ("designation_expiring", "srdi_sme"),
        ("pool_intake", ""),
        ("scan_summary", ""),
    }
    copied_wrong = deliveries.filter(~Q(kind=F("alert__kind")) | ~Q(tier=F("alert__tier")))
    assert not copied_wrong.exists()


def test_the_inbox_and_the_api_list_newest_first(client, reviewer):
    firms = [FirmFactory() for _ in range(6)]
    raise_alerts(promotions(firms[:3]))  # one scan chunk: three alerts in one transaction
    for firm in firms[3:]:
        alert_for(firm)
    expected = [
        d.alert_id
        for d in sorted(
            AlertDelivery.objects.filter(user=reviewer, channel="inbox").select_related("alert"),
            key=lambda d: (d.alert.created_at, d.alert_id),
            reverse=True,
        )
    ]
    client.force_login(reviewer)
    assert [d.alert_id for d in rows(client.get(INBOX))] == expected
    api = APIClient()
    api.force_authenticate(reviewer)
    assert [row["id"] for row in api.get("/api/alerts/").json()["results"]] == expected
    cursor = api.get("/api/alerts/", {"pagination": "cursor"}).json()["results"]
    assert [row["id"] for row in cursor] == expected


def test_the_inbox_page_costs_the_same_queries_for_5_alerts_as_for_60(client, reviewer):
    client.force_login(reviewer)
    raise_alerts(promotions([FirmFactory() for _ in range(5)]))
    few = queries(client)
    raise_alerts(promotions([FirmFactory() for _ in range(50)]))
    raise_alerts(promotions([FirmFactory() for _ in range(5)], tier="srdi_sme"))
    response = client.get(INBOX)
    assert response.context["page"].paginator.num_pages == 3  # 60 rows, 25 a page
    assert [(g["tier"], g["total"]) for g in response.context["groups"]] == [
        ("innovative_sme", 55),
        ("srdi_sme", 5),
    ]
    assert queries(client) == few


def test_the_page_count_follows_the_filter(client, reviewer):
    raise_alerts(promotions([FirmFactory() for _ in range(30)]))
    raise_alerts(promotions([FirmFactory() for _ in range(3)], tier="srdi_sme"))
    client.force_login(reviewer)
    assert client.get(INBOX).context["page"].paginator.count == 33
    narrowed = client.get(INBOX, {"tier": "srdi_sme"})
    assert narrowed.context["page"].paginator.count == 3
    assert {d.alert.tier for d in rows(narrowed)} == {"srdi_sme"}


def test_the_api_counts_the_inbox_without_the_alerts_unless_ordered_by_their_time(reviewer):
    firms = [FirmFactory() for _ in range(3)]
    for firm in firms:
        alert_for(firm)
    api = APIClient()
    api.force_authenticate(reviewer)
    with CaptureQueriesContext(connection) as captured:
        newest = api.get("/api/alerts/").json()
    [count] = [q["sql"] for q in captured if "COUNT(" in q["sql"]]
    assert newest["count"] == 3 and '"cultivation_alert"' not in count  # the index alone, no join
    oldest = api.get("/api/alerts/", {"ordering": "created_at"}).json()["results"]
    assert [row["id"] for row in oldest] == [row["id"] for row in reversed(newest["results"])]
