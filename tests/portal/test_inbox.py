"""The alert inbox in the portal: filters, marking read (only one's own rows), the email preference,
the unread badge and the firm home's alerts card."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cultivation.models.alerts import AlertDelivery, AlertKind, AlertPreference
from cultivation.services.alerts import AlertDraft, mark_all_read, raise_alerts, set_email_preference
from tests.factories import FirmFactory, UserFactory
from tests.portal.test_csrf import assert_tokens

pytestmark = pytest.mark.django_db

INBOX = reverse("portal:inbox")


def alert_for(firm, kind=AlertKind.PROMOTION_DUE, tier="innovative_sme", period="2026", payload=None) -> int:
    draft = AlertDraft(kind, period, firm.pk, firm.district_id, tier, payload or {"eligible": True})
    return raise_alerts([draft])[0]


def expiring(firm, period="2026-12-31:90") -> int:
    return alert_for(
        firm, AlertKind.DESIGNATION_EXPIRING, "srdi_sme", period, {"expires_on": "2026-12-31", "days": 90}
    )


def rows(response) -> list[AlertDelivery]:
    assert response.status_code == 200
    return list(response.context["page"])


def inbox_row(user, alert_id: int) -> AlertDelivery:
    return AlertDelivery.objects.get(user=user, alert_id=alert_id, channel="inbox")


@pytest.fixture
def alerts(firm, other_firm, reviewer, district_caseworker):
    """Two promotion alerts and one expiry alert for the reviewer (and the district's caseworker)."""
    return {
        "first": alert_for(firm),
        "second": alert_for(other_firm),
        "expiring": expiring(firm),
    }


def test_the_inbox_lists_the_users_alerts_newest_first(client, reviewer, alerts, firm, other_firm):
    client.force_login(reviewer)
    response = client.get(INBOX)
    listed = rows(response)
    assert [d.alert_id for d in listed] == [alerts["expiring"], alerts["second"], alerts["first"]]
    assert all(d.user_id == reviewer.pk for d in listed)
    text = response.text
    assert firm.name in text and other_firm.name in text
    assert "可申报更高称号" in text and "称号即将到期" in text
    assert "称号将于 2026-12-31 到期。" in text  # the message (alert_text's body)
    assert "专精特新中小企业" in text or "专精特新" in text  # the tier label
    for label in ("类型", "称号", "区县", "阅读状态"):
        assert f">{label}" in text  # the filter form's labels


def test_filters_by_kind_and_read_state(client, reviewer, alerts):
    client.force_login(reviewer)
    only_expiry = rows(client.get(INBOX, {"kind": "designation_expiring"}))
    assert [d.alert_id for d in only_expiry] == [alerts["expiring"]]
    AlertDelivery.objects.filter(user=reviewer, alert_id=alerts["first"]).update(read_at=timezone.now())
    assert {d.alert_id for d in rows(client.get(INBOX, {"unread": "true"}))} == {
        alerts["second"],
        alerts["expiring"],
    }
    assert [d.alert_id for d in rows(client.get(INBOX, {"unread": "false"}))] == [alerts["first"]]
    assert len(rows(client.get(INBOX, {"kind": "promotion_due", "unread": "true"}))) == 1


def test_a_district_filter(client, reviewer, alerts, firm):
    client.force_login(reviewer)
    response = client.get(INBOX, {"district": firm.district.code})
    assert {d.alert_id for d in rows(response)} == {alerts["first"], alerts["expiring"]}
    assert [d.alert_id for d in rows(client.get(INBOX, {"district": "500103"}))] == [alerts["second"]]
    assert reverse("portal:case-queue") not in response.text  # reviewers have no application list


def test_a_caseworker_reaches_the_firms_applications(client, district_caseworker, alerts, firm):
    client.force_login(district_caseworker)
    response = client.get(INBOX)
    assert len(rows(response)) == 2  # the other firm is in another district
    assert f"{reverse('portal:case-queue')}?firm={firm.credit_code}" in response.text


def test_mark_read_marks_only_that_row_and_keeps_the_filter(client, reviewer, district_caseworker, alerts):
    client.force_login(reviewer)
    url = reverse("portal:inbox-read", args=[alerts["first"]])
    response = client.post(f"{url}?kind=promotion_due&page=1")
    assert response.status_code == 302
    assert response["Location"] == f"{INBOX}?kind=promotion_due&page=1"
    assert inbox_row(reviewer, alerts["first"]).read_at is not None
    assert inbox_row(reviewer, alerts["second"]).read_at is None
    assert (
        inbox_row(district_caseworker, alerts["first"]).read_at is None
    )  # the same alert, someone else's row


def test_mark_all_shown_read_only_touches_the_filtered_own_rows(
    client, reviewer, district_caseworker, alerts
):
    client.force_login(reviewer)
    response = client.post(f"{reverse('portal:inbox-read-all')}?kind=promotion_due")
    assert response.status_code == 302 and response["Location"] == f"{INBOX}?kind=promotion_due"
    assert inbox_row(reviewer, alerts["first"]).read_at is not None
    assert inbox_row(reviewer, alerts["second"]).read_at is not None
    assert inbox_row(reviewer, alerts["expiring"]).read_at is None  # not shown by the filter
    assert not AlertDelivery.objects.filter(user=district_caseworker, read_at__isnull=False).exists()
    assert not AlertDelivery.objects.filter(channel="email", read_at__isnull=False).exists()


def test_mark_all_read_service_ignores_other_peoples_rows(reviewer, district_caseworker, alerts):
    assert mark_all_read(user=reviewer, deliveries=AlertDelivery.objects.all()) == 3
    assert not AlertDelivery.objects.filter(user=district_caseworker, read_at__isnull=False).exists()
    assert mark_all_read(user=reviewer, deliveries=AlertDelivery.objects.all()) == 0  # already read


def test_an_invalid_filter_marks_nothing(client, reviewer, alerts):
    client.force_login(reviewer)
    response = client.post(f"{reverse('portal:inbox-read-all')}?kind=nonsense")
    assert response.status_code == 302
    assert not AlertDelivery.objects.filter(read_at__isnull=False).exists()


def test_someone_elses_alert_is_not_found(client, firm_user, other_district_caseworker, alerts):
    for outsider in (other_district_caseworker, firm_user):  # firms do not receive promotion alerts
        client.force_login(outsider)
        assert client.post(reverse("portal:inbox-read", args=[alerts["first"]])).status_code == 404
    assert not AlertDelivery.objects.filter(read_at__isnull=False).exists()


def test_marking_read_needs_a_post(client, reviewer, alerts):
    client.force_login(reviewer)
    assert client.get(reverse("portal:inbox-read", args=[alerts["first"]])).status_code == 405
    assert client.get(reverse("portal:inbox-read-all")).status_code == 405


@pytest.mark.parametrize(
    "url",
    [INBOX, reverse("portal:inbox-read", args=[1]), reverse("portal:inbox-read-all"), "/inbox/preferences/"],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url) if url == INBOX else client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_a_user_without_a_portal_role_is_refused(client):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(INBOX).status_code == 403


def test_the_email_preference_is_created_then_changed(client, reviewer):
    client.force_login(reviewer)
    page = client.get(INBOX).text
    assert 'value="immediate"' in page and "checked" in page.split('value="immediate"')[1].split(">")[0]
    url = reverse("portal:inbox-preferences")
    response = client.post(f"{url}?unread=true", {"email": "daily"})
    assert response.status_code == 302 and response["Location"] == f"{INBOX}?unread=true"
    assert AlertPreference.objects.get(user=reviewer).email == "daily"
    client.post(url, {"email": "off"})
    assert AlertPreference.objects.get(user=reviewer).email == "off"
    assert AlertPreference.objects.count() == 1
    refused = client.post(url, {"email": "hourly"})
    assert refused.status_code == 400
    assert "error-summary" in refused.text
    assert AlertPreference.objects.get(user=reviewer).email == "off"


def test_the_preference_service_refuses_unknown_modes(reviewer):
    with pytest.raises(ValidationError):
        set_email_preference(user=reviewer, mode="hourly")
    assert set_email_preference(user=reviewer, mode="daily").email == "daily"


def test_a_firm_user_sees_its_renewal_alert_on_home_and_in_the_inbox(firm_client, firm, firm_user):
    alert_id = alert_for(
        firm, AlertKind.RENEWAL_WINDOW_OPEN, "innovative_sme", "2026-12-31", {"expires_on": "2026-12-31"}
    )
    home = firm_client.get(reverse("portal:home"))
    assert home.status_code == 200
    assert [d.alert_id for d in home.context["alerts"]] == [alert_id]
    assert "复核申报已开放" in home.text
    assert "称号将于 2026-12-31 到期，现可申请复核。" in home.text
    assert f'href="{INBOX}"' in home.text
    assert '<span class="nav-badge">1' in home.text
    inbox = firm_client.get(INBOX)
    assert [d.alert_id for d in rows(inbox)] == [alert_id]
    assert reverse("portal:case-queue") not in inbox.text  # no staff link for a firm
    assert 'name="district"' not in inbox.text
    firm_client.post(reverse("portal:inbox-read", args=[alert_id]))
    home = firm_client.get(reverse("portal:home"))
    assert home.context["alerts"] == []
    assert "nav-badge" not in home.text


def test_the_home_card_shows_at_most_five_unread_newest_first(firm_client, firm, firm_user):
    ids = [expiring(firm, period=f"2026-12-31:{days}") for days in range(7)]
    AlertDelivery.objects.filter(user=firm_user, alert_id=ids[-1]).update(read_at=timezone.now())
    shown = firm_client.get(reverse("portal:home")).context["alerts"]
    assert [d.alert_id for d in shown] == list(reversed(ids[1:6]))


@pytest.mark.parametrize("who", ["firm_user", "reviewer", "district_caseworker", "caseworker"])
def test_every_role_has_the_inbox_in_its_navigation(client, request, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(INBOX)
    assert page.status_code == 200
    assert f'<a href="{INBOX}" aria-current="page">提醒' in page.text


def test_the_badge_counts_unread_alerts(client, reviewer, alerts):
    client.force_login(reviewer)
    assert '<span class="nav-badge">3' in client.get(INBOX).text
    client.post(reverse("portal:inbox-read", args=[alerts["first"]]))
    assert '<span class="nav-badge">2' in client.get(INBOX).text
    client.post(reverse("portal:inbox-read-all"))
    assert "nav-badge" not in client.get(INBOX).text


def test_every_inbox_form_has_a_csrf_token(client, reviewer, alerts):
    client.force_login(reviewer)
    # language switch, sign-out, mark all read, one per unread row, the email preference
    assert assert_tokens(client.get(INBOX).text) == 2 + 1 + 3 + 1


def test_pages_of_25_keep_the_filter(client, reviewer):
    for index in range(27):
        alert_for(FirmFactory(), period=f"p{index}")
    client.force_login(reviewer)
    first = client.get(INBOX, {"kind": "promotion_due"})
    assert len(rows(first)) == 25
    assert "?kind=promotion_due&amp;page=2" in first.text
    assert len(rows(client.get(INBOX, {"kind": "promotion_due", "page": 2}))) == 2


def queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(INBOX).status_code == 200
    return len(captured)


def test_the_inbox_reads_a_fixed_number_of_queries(client, reviewer):
    client.force_login(reviewer)
    for index in range(2):
        alert_for(FirmFactory(), period=f"p{index}")
    few = queries(client)
    for index in range(2, 20):
        alert_for(FirmFactory(), period=f"p{index}")
    assert len(rows(client.get(INBOX))) == 20
    assert queries(client) == few


def test_english_labels(client, reviewer, alerts):
    client.force_login(reviewer)
    page = client.get(INBOX, HTTP_ACCEPT_LANGUAGE="en").text
    assert '<html lang="en">' in page
    for label in ("Filter", "Clear", "Type", "Tier", "Email alerts", "Daily digest", "No email", "Save"):
        assert label in page


def test_long_inboxes_are_paged_and_keep_the_filter(client, reviewer, firm):
    for index in range(30):
        alert_for(firm, period=f"2026-{index:02d}")
    client.force_login(reviewer)
    first = client.get(reverse("portal:inbox"), {"kind": "promotion_due"})
    assert len(rows(first)) == 25
    assert "kind=promotion_due&amp;page=2" in first.text
    second = client.get(reverse("portal:inbox"), {"kind": "promotion_due", "page": 2})
    assert len(rows(second)) == 5
