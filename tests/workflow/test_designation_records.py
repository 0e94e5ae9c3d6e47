"""Designations are never typed in: the workflow grants them, and a historical one (granted before
Tiermark) is recorded by a programme admin or a city caseworker through ``record_historical_designation``,
which checks the ladder, computes the expiry and writes the reason to the audit trail (issue 14, item 3).

Through the admin's HTTP client as people use it, the API, and the service itself.
"""

from __future__ import annotations

import datetime
import time

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from cultivation.models import Designation
from cultivation.models.scanning import FirmChange
from cultivation.services import designations as service
from cultivation.services import record_historical_designation, revoke_designation
from cultivation.tiers import (
    INNOVATIVE_SME,
    LITTLE_GIANT,
    SINGLE_CHAMPION,
    SRDI_SME,
    UNICORN,
    expiry_for,
)
from registry.models import Firm
from registry.stages import Stage
from tests.concurrency import race
from tests.factories import designation, today

pytestmark = pytest.mark.django_db

ADD = reverse("admin:cultivation_designation_add")
REASON = "2021年市经信委认定，渝经信发〔2021〕12号，系统启用前未录入"


def granted(days_ago: int = 400) -> datetime.date:
    return today() - datetime.timedelta(days=days_ago)


def add_form(firm, tier=SINGLE_CHAMPION, granted_on=None, **extra) -> dict:
    """The add page's fields, plus what the old model form took (an expiry date typed by hand)."""
    granted_on = granted_on or granted()
    return {"firm": firm.pk, "tier": tier, "granted_on": granted_on.isoformat(), **extra}


def post_add(client, user, data):
    client.force_login(user)
    return client.post(ADD, data)


# --- who may add ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["district_cw", "expert", "district_expert"])
def test_district_caseworkers_and_experts_cannot_add_a_designation(who, client, firm, people):
    """Issue 14.3: a district caseworker added 单项冠军 valid to 2099 and the firm jumped to 跨越期."""
    user = getattr(people, who)
    client.force_login(user)
    assert client.get(ADD).status_code == 403
    data = add_form(firm, expires_on="2099-12-31", reason=REASON, status="active")
    assert post_add(client, user, data).status_code == 403
    assert not Designation.objects.filter(firm=firm).exists()
    firm.refresh_from_db()
    assert firm.stage == Stage.STARTUP
    page = client.get(reverse("admin:cultivation_designation_changelist"))
    assert page.status_code == 200 and ADD not in page.content.decode()


def test_a_city_caseworker_must_give_a_reason(client, firm, people):
    for reason in ("", "   "):
        response = post_add(client, people.city_cw, add_form(firm, reason=reason))
        assert response.status_code == 200
        body = response.content.decode()
        assert "errornote" in body and "field-reason" in body
    assert not Designation.objects.filter(firm=firm).exists()


def test_a_city_caseworker_records_a_historical_designation(client, firm, people):
    """The expiry is the tier's validity whatever was posted; the reason and actor are in the audit trail;
    the stage and the firm change log follow as for a designation the workflow grants."""
    changes = FirmChange.objects.filter(firm_id=firm.pk).count()
    data = add_form(firm, expires_on="2099-12-31", status="revoked", reason=REASON, batch="2021年第一批")
    response = post_add(client, people.city_cw, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    record = Designation.objects.get(firm=firm)
    assert record.tier == SINGLE_CHAMPION and record.granted_on == granted()
    assert record.expires_on == expiry_for(SINGLE_CHAMPION, granted()) != datetime.date(2099, 12, 31)
    assert record.status == Designation.Status.ACTIVE and record.batch == "2021年第一批"
    assert record.source_application is None
    audit = record.history.get()
    assert audit.history_type == "+" and audit.history_user == people.city_cw
    assert audit.history_change_reason == f"补录：{REASON}"
    assert LogEntry.objects.filter(object_id=str(record.pk), user=people.city_cw).exists()
    assert FirmChange.objects.filter(firm_id=firm.pk).count() > changes
    firm.refresh_from_db()
    assert firm.stage == Stage.LEAP
    assert response["Location"] == reverse("admin:cultivation_designation_change", args=[record.pk])


def test_a_programme_admin_records_one_too(client, firm, people):
    response = post_add(client, people.superuser, add_form(firm, tier=UNICORN, reason=REASON))
    assert response.status_code == 302
    record = Designation.objects.get(firm=firm)
    assert record.expires_on == datetime.date(granted().year + 1, 12, 31)  # annual list (P7)


def test_the_add_page_asks_for_firm_tier_date_batch_and_reason_only(client, people):
    client.force_login(people.city_cw)
    body = client.get(ADD).content.decode()
    for name in ("firm", "tier", "granted_on", "batch", "reason"):
        assert f'name="{name}"' in body
    for name in ("expires_on", "status", "revoked_on", "source_application"):
        assert f'name="{name}"' not in body


def test_the_ladder_prerequisite_must_have_been_held_on_the_grant_date(client, firm, people):
    response = post_add(client, people.city_cw, add_form(firm, tier=LITTLE_GIANT, reason=REASON))
    assert response.status_code == 200
    assert "专精特新中小企业" in response.content.decode() and "请先补录" in response.content.decode()
    assert not Designation.objects.filter(firm=firm).exists()
    # recorded first, each in its own act, the ladder holds
    for tier, days in ((INNOVATIVE_SME, 700), (SRDI_SME, 500), (LITTLE_GIANT, 300)):
        response = post_add(
            client, people.city_cw, add_form(firm, tier=tier, granted_on=granted(days), reason=REASON)
        )
        assert response.status_code == 302, response.content.decode()[-3000:]
    firm.refresh_from_db()
    assert firm.stage == Stage.DEVELOPMENT


def test_a_prerequisite_that_had_lapsed_or_was_revoked_does_not_count(firm, people):
    lapsed = designation(firm, INNOVATIVE_SME, granted_on=granted(365 * 4))
    with pytest.raises(ValidationError) as refused:
        record_historical_designation(
            firm=firm, tier=SRDI_SME, granted_on=granted(30), actor=people.city_cw, reason=REASON
        )
    assert "tier" in refused.value.message_dict
    assert lapsed.expires_on < granted(30)


@pytest.mark.parametrize(
    ("granted_on", "field"),
    [
        (lambda: today() + datetime.timedelta(days=1), "granted_on"),  # not yet granted
        (lambda: datetime.date(2010, 1, 1), "granted_on"),  # before the firm was founded (2015)
    ],
)
def test_impossible_grant_dates_are_refused(granted_on, field, client, firm, people):
    response = post_add(client, people.city_cw, add_form(firm, granted_on=granted_on(), reason=REASON))
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert not Designation.objects.filter(firm=firm).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"tier": "emperor"},
        {"granted_on": "2021-02-30"},
        {"granted_on": "abc"},
        {"firm": "999999999"},
        {"firm": "abc"},
        {"reason": "因" * 91},
        {"batch": "批" * 61},
    ],
)
def test_bad_input_is_a_form_error(data, client, firm, people):
    response = post_add(client, people.city_cw, {**add_form(firm, reason=REASON), **data})
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert not Designation.objects.exists()


def test_an_overlapping_designation_of_the_same_tier_is_refused(client, firm, people):
    held = designation(firm, INNOVATIVE_SME, granted_on=granted(400))
    for days in (400, 200, 600):  # the same day, inside, and one whose validity reaches into it
        response = post_add(
            client,
            people.city_cw,
            add_form(firm, tier=INNOVATIVE_SME, granted_on=granted(days), reason=REASON),
        )
        assert response.status_code == 200 and "重叠" in response.content.decode()
    assert list(Designation.objects.filter(firm=firm)) == [held]
    # the one before it, ended before it began, is history that may be recorded
    earlier = held.granted_on.replace(year=held.granted_on.year - 3)
    response = post_add(
        client, people.city_cw, add_form(firm, tier=INNOVATIVE_SME, granted_on=earlier, reason=REASON)
    )
    assert response.status_code == 302
    assert Designation.objects.get(firm=firm, granted_on=earlier).status == Designation.Status.EXPIRED


def test_a_firm_barred_by_a_revocation_could_not_have_been_granted(firm, people):
    held = designation(firm, INNOVATIVE_SME, granted_on=granted(900))
    revoke_designation(designation=held, reason="严重失信", actor=people.city_cw, on=granted(800))
    with pytest.raises(ValidationError) as refused:
        record_historical_designation(
            firm=firm, tier=SINGLE_CHAMPION, granted_on=granted(100), actor=people.city_cw, reason=REASON
        )
    assert "granted_on" in refused.value.message_dict


@pytest.mark.parametrize("who", ["district_cw", "expert", "firm_user", "nobody"])
def test_the_service_refuses_everyone_but_city_caseworkers_and_programme_admins(who, firm, people):
    with pytest.raises(PermissionDenied):
        record_historical_designation(
            firm=firm, tier=SINGLE_CHAMPION, granted_on=granted(), actor=getattr(people, who), reason=REASON
        )
    assert not Designation.objects.exists()


# --- after creation: read-only, revoked only through the action -------------------------------------


@pytest.mark.parametrize("who", ["district_cw", "city_cw", "superuser"])
def test_tier_firm_and_dates_cannot_be_changed(who, client, firm, people):
    """Issue 14.3: an existing designation's tier could be changed to 独角兽 on its change page."""
    held = designation(firm, INNOVATIVE_SME)
    other = Firm.objects.exclude(pk=firm.pk).filter(district=firm.district).first() or firm
    before = Designation.objects.filter(pk=held.pk).values().get()
    client.force_login(getattr(people, who))
    url = reverse("admin:cultivation_designation_change", args=[held.pk])
    page = client.get(url)
    assert page.status_code == 200
    for name in ("tier", "firm", "granted_on", "expires_on"):
        assert f'name="{name}"' not in page.content.decode()
    forged = {
        "firm": other.pk,
        "tier": UNICORN,
        "granted_on": "2025-01-01",
        "expires_on": "2099-12-31",
        "batch": "改",
        "change_reason": "改",
    }
    assert client.post(url, forged).status_code == 403
    assert Designation.objects.filter(pk=held.pk).values().get() == before


@pytest.mark.parametrize("who", ["district_cw", "city_cw", "superuser"])
def test_designations_are_not_deleted_from_the_admin(who, client, firm, people):
    held = designation(firm, INNOVATIVE_SME)
    client.force_login(getattr(people, who))
    assert (
        client.post(
            reverse("admin:cultivation_designation_delete", args=[held.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    changelist = reverse("admin:cultivation_designation_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [held.pk], "post": "yes"})
    assert Designation.objects.filter(pk=held.pk).exists()


def test_revocation_still_works_for_the_districts_caseworker(client, firm, people):
    held = designation(firm, INNOVATIVE_SME)
    client.force_login(people.district_cw)
    changelist = reverse("admin:cultivation_designation_changelist")
    client.post(
        changelist,
        {"action": "revoke_selected", "_selected_action": [held.pk], "apply": "1", "reason": "严重失信"},
    )
    held.refresh_from_db()
    assert held.status == Designation.Status.REVOKED


# --- the API records through the service and never edits ----------------------------------------------


@pytest.mark.parametrize("who", ["city_cw", "superuser"])
def test_the_api_records_only_through_the_service_and_never_edits(who, firm, people):
    """``POST /api/designations/`` is ``record_historical_designation``: no typed expiry, a reason required
    (400 without one, nothing saved); a designation on the register is never edited or deleted (405)."""
    held = designation(firm, INNOVATIVE_SME)
    api = APIClient()
    api.force_authenticate(getattr(people, who))
    body = {
        "firm": firm.credit_code,
        "tier": SINGLE_CHAMPION,
        "granted_on": "2024-01-01",
        "expires_on": "2099-12-31",
    }
    refused = api.post("/api/designations/", body, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    for method in (api.put, api.patch):
        assert method(f"/api/designations/{held.pk}/", {"tier": UNICORN}, format="json").status_code == 405
    assert api.delete(f"/api/designations/{held.pk}/").status_code == 405
    assert list(Designation.objects.values_list("tier", flat=True)) == [INNOVATIVE_SME]


# --- two people recording the same designation at once ------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_recording_the_same_designation_at_once_make_one(firm, people, monkeypatch):
    """Without the firm row lock both pass the overlap check and the second insert fails on the unique
    constraint (an IntegrityError, a 500 in the admin). The checks are slowed so both are inside them."""
    check = service._check_not_barred

    def slowly(*args, **kwargs):
        time.sleep(0.3)
        return check(*args, **kwargs)

    monkeypatch.setattr(service, "_check_not_barred", slowly)

    def record(actor):
        return lambda: record_historical_designation(
            firm=firm, tier=SINGLE_CHAMPION, granted_on=granted(), actor=actor, reason=REASON
        )

    answers = race(record(people.city_cw), record(people.superuser), timeout=30)
    outcomes = [
        ("refused" if isinstance(a, ValidationError) else type(a).__name__)
        if isinstance(a, Exception)
        else "saved"
        for a in answers
    ]
    assert sorted(outcomes) == ["refused", "saved"]
    assert Designation.objects.filter(firm=firm).count() == 1
