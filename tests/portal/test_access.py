"""Who reaches which page: firms only their own firm (others 404), staff pages refused to firms."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cultivation.services import claim_attestation, create_application
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
FIRM_PAGES = [
    ("portal:home", ()),
    ("portal:figures", ()),
    ("portal:figures-edit", (2024,)),
    ("portal:self-check", ()),
    ("portal:attestations", ()),
    ("portal:applications", ()),
    ("portal:apply", ()),
]
STAFF_PAGES = [("portal:review-queue", ()), ("portal:case-queue", ())]


@pytest.mark.parametrize(("name", "args"), [*FIRM_PAGES, *STAFF_PAGES, ("portal:application", (1,))])
def test_anonymous_visitors_are_sent_to_sign_in(client, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(("name", "args"), FIRM_PAGES)
def test_a_firm_user_reaches_every_firm_page(firm_client, firm, name, args):
    response = firm_client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert firm.name in response.text


def test_home_shows_only_the_users_own_firm(firm_client, firm, other_firm):
    response = firm_client.get("/")
    assert firm.name in response.text and other_firm.name not in response.text


def test_another_firms_application_is_not_found(firm_client, other_user, other_firm):
    theirs = create_application(firm=other_firm, tier="innovative_sme", actor=other_user)
    assert firm_client.get(reverse("portal:application", args=[theirs.pk])).status_code == 404
    response = firm_client.post(reverse("portal:application-act", args=[theirs.pk]), {"action": "withdraw"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "draft"


def test_another_firms_evidence_is_not_found(firm_client, other_user, other_firm):
    claim = claim_attestation(
        firm=other_firm, code="own_brand", evidence=SimpleUploadedFile("a.pdf", PDF), actor=other_user
    )
    assert firm_client.get(reverse("portal:evidence", args=[claim.pk])).status_code == 404


def test_a_firm_downloads_its_own_evidence(firm_client, firm_user, firm):
    claim = claim_attestation(
        firm=firm, code="own_brand", evidence=SimpleUploadedFile("a.pdf", PDF), actor=firm_user
    )
    response = firm_client.get(reverse("portal:evidence", args=[claim.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(("name", "args"), [*STAFF_PAGES, ("portal:staff-application", (1,))])
def test_staff_pages_are_refused_to_firm_users(firm_client, name, args):
    assert firm_client.get(reverse(name, args=args)).status_code == 403


def test_staff_actions_are_refused_to_firm_users(firm_client, firm_user, firm):
    mine = create_application(firm=firm, tier="innovative_sme", actor=firm_user)
    response = firm_client.post(reverse("portal:staff-application-act", args=[mine.pk]), {"action": "accept"})
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "args"), FIRM_PAGES[1:])
def test_firm_pages_are_refused_to_staff(client, caseworker, name, args):
    client.force_login(caseworker)
    assert client.get(reverse(name, args=args)).status_code == 403


def test_home_sends_staff_to_their_queue(client, caseworker, reviewer):
    client.force_login(caseworker)
    assert client.get("/")["Location"] == reverse("portal:case-queue")
    client.force_login(reviewer)
    assert client.get("/")["Location"] == reverse("portal:review-queue")


def test_a_user_without_a_role_has_no_portal(client):
    client.force_login(UserFactory(username="nobody"))
    response = client.get("/")
    assert response.status_code == 403
    assert "尚未分配门户角色" in response.text


def test_each_queue_is_for_its_role(client, caseworker, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("portal:case-queue")).status_code == 403
    assert client.get(reverse("portal:review-queue")).status_code == 200
    client.force_login(caseworker)
    assert client.get(reverse("portal:review-queue")).status_code == 403
    assert client.get(reverse("portal:case-queue")).status_code == 200


def test_a_district_caseworker_cannot_open_another_districts_application(
    client, other_district_caseworker, firm_user, firm
):
    application = create_application(firm=firm, tier="innovative_sme", actor=firm_user)
    client.force_login(other_district_caseworker)
    assert client.get(reverse("portal:staff-application", args=[application.pk])).status_code == 404
