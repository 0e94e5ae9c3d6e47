"""Reviews, attestations, targets, ``/api/me/`` and the list conventions (filters, ordering, paging).

Writes go through the services (``cultivation.services``); these tests check what a caller sees:
the answer, the stored state, and that a refusal leaves the state as it was.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cultivation.models import Attestation, Review, Target
from cultivation.workflow import Status
from tests.api.world import World, evidence_file

pytestmark = pytest.mark.django_db


# --- reviews ---


def test_expert_submits_a_review_once(world: World):
    expert = world.client("reviewer")
    body = {"application": world.in_review.pk, "score": 91, "recommendation": "approve", "comment": "好"}
    created = expert.post("/api/reviews/", body, format="json")
    assert created.status_code == 201
    assert created.json() | {"id": 0, "submitted_at": ""} == {
        "id": 0,
        "application": world.in_review.pk,
        "firm": world.firm_a.credit_code,
        "reviewer": "expert",
        "revision": 1,
        "score": 91,
        "recommendation": "approve",
        "recommendation_label": "建议通过",
        "comment": "好",
        "submitted_at": "",
    }
    again = expert.post("/api/reviews/", body, format="json")
    assert again.status_code == 409
    assert Review.objects.filter(assignment__reviewer=world.users["reviewer"]).count() == 1
    mine = expert.get("/api/reviews/").json()["results"]
    assert [r["score"] for r in mine] == [91]  # blind: the colleague's 70 is not shown


def test_review_needs_a_score_in_range(world: World):
    body = {"application": world.in_review.pk, "score": 101, "recommendation": "approve"}
    response = world.client("reviewer").post("/api/reviews/", body, format="json")
    assert response.status_code == 400 and "score" in response.json()["fields"]
    assert Review.objects.count() == 1


def test_caseworker_reads_every_review_and_filters_them(world: World):
    city = world.client("city")
    rows = city.get("/api/reviews/", {"application": world.in_review.pk}).json()["results"]
    assert [(r["reviewer"], r["score"]) for r in rows] == [("expert-2", 70)]
    assert city.get("/api/reviews/", {"recommendation": "reject"}).json()["count"] == 0


# --- attestations ---


def test_firm_claims_and_caseworker_confirms(world: World):
    claim = world.client("firm_a").post(
        "/api/attestations/",
        {
            "firm": world.firm_a.credit_code,
            "code": "own_brand",
            "note": "商标注册证",
            "evidence": evidence_file(),
        },
        format="multipart",
    )
    assert claim.status_code == 201, claim.content
    assert claim.json()["status"] == "claimed"
    assert claim.json()["evidence_url"] == f"/attestations/{claim.json()['id']}/evidence/"
    decided = world.client("district_in").post(
        f"/api/attestations/{claim.json()['id']}/decide/", {"confirm": True}, format="json"
    )
    assert decided.status_code == 200 and decided.json()["status"] == "confirmed"
    again = world.client("city").post(
        f"/api/attestations/{claim.json()['id']}/decide/", {"confirm": False, "reason": "x"}, format="json"
    )
    assert again.status_code == 400
    assert Attestation.objects.get(pk=claim.json()["id"]).status == "confirmed"


def test_evidence_must_really_be_a_pdf_or_image(world: World):
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = world.client("firm_a").post(
        "/api/attestations/",
        {"firm": world.firm_a.credit_code, "code": "own_brand", "evidence": fake},
        format="multipart",
    )
    assert response.status_code == 400 and "evidence" in response.json()["fields"]
    assert not Attestation.objects.filter(code="own_brand").exists()


def test_rejection_needs_a_reason(world: World):
    response = world.client("city").post(
        f"/api/attestations/{world.attestation.pk}/decide/", {"confirm": False}, format="json"
    )
    assert response.status_code == 400 and "decision_reason" in response.json()["fields"]
    assert Attestation.objects.get(pk=world.attestation.pk).status == "claimed"


def test_attestations_filter_by_status_and_code(world: World):
    city = world.client("city")
    assert city.get("/api/attestations/", {"status": "claimed", "code": "quality_award"}).json()["count"] == 1
    assert city.get("/api/attestations/", {"status": "confirmed"}).json()["count"] == 0


# --- targets ---


def test_admin_sets_targets_with_the_models_rules(world: World):
    admin = world.client("admin")
    body = {"subject": "srdi_sme", "year": 2040, "kind": "new_in_year", "count": 400, "note": "十四五"}
    assert admin.post("/api/targets/", body, format="json").status_code == 201
    duplicate = admin.post("/api/targets/", body, format="json")
    assert duplicate.status_code == 400 and duplicate.json()["fields"]
    bad_year = admin.post("/api/targets/", {**body, "year": 1800}, format="json")
    assert bad_year.status_code == 400 and "year" in bad_year.json()["fields"]
    assert Target.objects.filter(subject="srdi_sme", year__in=[2040, 1800]).count() == 1


def test_targets_filter_and_order(world: World):
    admin = world.client("admin")
    admin.post(
        "/api/targets/", {"subject": "gazelle", "year": 2041, "kind": "active_by", "count": 3}, format="json"
    )
    rows = admin.get("/api/targets/", {"year": 2041}).json()["results"]
    assert [(r["subject"], r["count"]) for r in rows] == [("gazelle", 3)]
    counts = [r["count"] for r in admin.get("/api/targets/", {"ordering": "-count"}).json()["results"]]
    assert counts == sorted(counts, reverse=True) and 3 in counts


# --- who am I ---


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("firm_a", {"role": "firm", "scope": "firm", "district": None}),
        ("district_in", {"role": "caseworker", "scope": "district", "district": "500112", "firm": None}),
        ("city", {"role": "caseworker", "scope": "everything", "district": None}),
        ("reviewer", {"role": "reviewer", "scope": "everything"}),
        ("admin", {"role": "programme_admin", "scope": "everything"}),
    ],
)
def test_me_says_who_and_how_far(world: World, role, expected):
    me = world.client(role).get("/api/me/").json()
    assert me["username"] == world.users[role].username
    assert expected.items() <= me.items()
    if role == "firm_a":
        assert me["firm"] == world.firm_a.credit_code


def test_me_is_cheap_with_a_token(world: World):
    """The benchmark's floor: token lookup, the user's codes, their roles."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.users['city']).key}")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/me/").status_code == 200
    assert len(queries) == 3


# --- list conventions ---


def test_applications_filters(world: World):
    city = world.client("city")

    def ids(**query) -> set[int]:
        response = city.get("/api/applications/", query)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    both = {world.submitted.pk, world.in_review.pk}
    assert ids() == both
    assert ids(status=Status.SUBMITTED) == {world.submitted.pk}
    assert ids(tier="gazelle") == {world.in_review.pk}
    assert ids(kind="renewal") == set()
    assert ids(district="500112") == both and ids(district="500103") == set()
    assert ids(assigned_to_me="true") == set()  # the city caseworker scores nothing
    expert = world.client("reviewer")
    assigned = expert.get("/api/applications/", {"assigned_to_me": "true"}).json()["results"]
    assert [row["id"] for row in assigned] == [world.in_review.pk]


def test_alerts_filter_unread_and_kind(world: World):
    client = world.client("district_in")
    assert client.get("/api/alerts/", {"unread": "true", "kind": "promotion_due"}).json()["count"] == 1
    client.post(f"/api/alerts/{world.alert_id}/read/")
    assert client.get("/api/alerts/", {"unread": "true"}).json()["count"] == 0
    assert client.get("/api/alerts/", {"unread": "false", "tier": "srdi_sme"}).json()["count"] == 1
    newest = client.get("/api/alerts/", {"ordering": "-created_at"}).json()["results"][0]
    assert newest["id"] == world.alert_id


def test_firm_list_pages_and_orders(world: World):
    admin = world.client("admin")
    page = admin.get("/api/firms/", {"page_size": 1, "ordering": "-name"}).json()
    assert page["count"] == 2 and len(page["results"]) == 1 and "page=2" in page["next"]
    assert page["results"][0]["name"] == "甲公司"  # 甲 sorts after 乙 in code points, descending first
    second = admin.get("/api/firms/", {"page_size": 1, "page": 2, "ordering": "-name"}).json()
    assert second["results"][0]["name"] == "乙公司"
