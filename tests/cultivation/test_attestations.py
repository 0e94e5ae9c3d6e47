"""Attested criteria (P3): claimed with checked evidence, pending until a caseworker confirms."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cultivation.models import Attestation, Disqualification
from cultivation.selectors import facts_for_firm
from cultivation.services import claim_attestation, decide_attestation
from cultivation.validators import MAX_EVIDENCE_BYTES
from tests.factories import FirmFactory, UserFactory, district

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(content: bytes = PDF, name: str = "certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture
def firm_user():
    firm = FirmFactory()
    return UserFactory(roles=["firm"], firm=firm)


def test_claim_is_pending_until_confirmed(firm_user, caseworker):
    claim = claim_attestation(firm=firm_user.firm, code="own_brand", evidence=upload(), actor=firm_user)
    assert facts_for_firm(firm_user.firm).attest("own_brand") == "claimed"
    decide_attestation(attestation=claim, confirm=True, actor=caseworker)
    assert facts_for_firm(firm_user.firm).attest("own_brand") == "confirmed"
    claim.refresh_from_db()
    assert claim.decided_by == caseworker and claim.history.count() == 2


def test_rejection_needs_a_reason_and_then_counts_for_nothing(firm_user, caseworker):
    claim = claim_attestation(firm=firm_user.firm, code="own_brand", evidence=upload(), actor=firm_user)
    with pytest.raises(ValidationError):
        decide_attestation(attestation=claim, confirm=False, actor=caseworker, reason="  ")
    decide_attestation(attestation=claim, confirm=False, actor=caseworker, reason="商标注册证过期")
    assert facts_for_firm(firm_user.firm).attest("own_brand") is None


def test_a_decided_claim_cannot_be_decided_again(firm_user, caseworker):
    claim = claim_attestation(firm=firm_user.firm, code="own_brand", evidence=upload(), actor=firm_user)
    decide_attestation(attestation=claim, confirm=True, actor=caseworker)
    with pytest.raises(ValidationError):
        decide_attestation(attestation=claim, confirm=False, actor=caseworker, reason="改判")


def test_only_one_live_claim_per_criterion(firm_user):
    claim_attestation(firm=firm_user.firm, code="own_brand", evidence=upload(), actor=firm_user)
    with pytest.raises(ValidationError):
        claim_attestation(firm=firm_user.firm, code="own_brand", evidence=upload(), actor=firm_user)
    assert Attestation.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00 this is an executable", "scan.pdf"),
        (b"<html><script>alert(1)</script>", "award.png"),
        (b"", "empty.pdf"),
    ],
)
def test_evidence_is_checked_by_content_not_by_name(firm_user, content, name):
    with pytest.raises(ValidationError) as caught:
        claim_attestation(
            firm=firm_user.firm, code="own_brand", evidence=upload(content, name), actor=firm_user
        )
    assert "evidence" in caught.value.message_dict
    assert not Attestation.objects.exists()


def test_evidence_over_the_size_limit_is_refused(firm_user):
    big = PDF + b"0" * MAX_EVIDENCE_BYTES
    with pytest.raises(ValidationError):
        claim_attestation(firm=firm_user.firm, code="own_brand", evidence=upload(big), actor=firm_user)


def test_png_and_jpeg_evidence_are_accepted(firm_user):
    claim = claim_attestation(
        firm=firm_user.firm, code="quality_certification", evidence=upload(PNG, "iso.png"), actor=firm_user
    )
    assert claim.evidence.name.startswith(f"evidence/{firm_user.firm.pk}/")
    assert claim.evidence.name.endswith(".png") and "iso" not in claim.evidence.name


def test_firm_user_cannot_claim_for_another_firm(firm_user):
    with pytest.raises(PermissionDenied):
        claim_attestation(firm=FirmFactory(), code="own_brand", evidence=upload(), actor=firm_user)


def test_reviewer_and_out_of_district_caseworker_cannot_decide(firm_user):
    claim = claim_attestation(firm=firm_user.firm, code="own_brand", evidence=upload(), actor=firm_user)
    with pytest.raises(PermissionDenied):
        decide_attestation(
            attestation=claim, confirm=True, actor=UserFactory(roles=["reviewer"], is_staff=True)
        )
    elsewhere = UserFactory(roles=["caseworker"], district=district("500105"), is_staff=True)
    with pytest.raises(PermissionDenied):
        decide_attestation(attestation=claim, confirm=True, actor=elsewhere)
    claim.refresh_from_db()
    assert claim.status == Attestation.Status.CLAIMED


def test_admin_confirm_and_reject_actions(client, caseworker, firm_user):
    first = claim_attestation(firm=firm_user.firm, code="own_brand", evidence=upload(), actor=firm_user)
    second = claim_attestation(firm=firm_user.firm, code="quality_award", evidence=upload(), actor=firm_user)
    client.force_login(caseworker)
    url = "/admin/cultivation/attestation/"
    client.post(url, {"action": "confirm_selected", "_selected_action": [first.pk]})
    page = client.post(url, {"action": "reject_selected", "_selected_action": [second.pk]})
    assert page.status_code == 200 and "reason" in page.text  # asks for the reason first
    client.post(url, {"action": "reject_selected", "_selected_action": [second.pk], "reason": "材料不清晰"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "rejected")
    assert second.decision_reason == "材料不清晰"


def test_disqualification_in_force_until_lifted(caseworker):
    firm = FirmFactory()
    flag = Disqualification.objects.create(
        firm=firm,
        code="serious_dishonesty",
        occurred_on=datetime.date(2025, 3, 1),
        reason="列入失信名单",
        recorded_by=caseworker,
    )
    assert facts_for_firm(firm).disqualifications == {"serious_dishonesty"}
    flag.lifted_on, flag.lifted_reason = datetime.date(2025, 9, 1), "已移出名单"
    flag.full_clean()
    flag.save()
    assert facts_for_firm(firm).disqualifications == frozenset()


def test_lifting_needs_a_reason_and_a_sane_date():
    flag = Disqualification(
        firm=FirmFactory(),
        code="tax_evasion",
        occurred_on=datetime.date(2025, 3, 1),
        reason="x",
        lifted_on=datetime.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        flag.full_clean()
    assert {"lifted_on", "lifted_reason"} <= set(caught.value.message_dict)


def test_disqualification_counts_for_three_years_only(caseworker):
    firm = FirmFactory()
    Disqualification.objects.create(
        firm=firm,
        code="major_accident",
        occurred_on=datetime.date(2022, 6, 30),
        reason="安全事故",
        recorded_by=caseworker,
    )
    assert facts_for_firm(firm, datetime.date(2025, 6, 29)).disqualifications == {"major_accident"}
    assert facts_for_firm(firm, datetime.date(2025, 6, 30)).disqualifications == frozenset()
    assert facts_for_firm(firm, datetime.date(2022, 6, 29)).disqualifications == frozenset()
