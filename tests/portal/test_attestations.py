"""Claiming an attested criterion on the portal: evidence checked by type and size, state shown."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cultivation.models import Attestation
from cultivation.services import decide_attestation
from cultivation.validators import MAX_EVIDENCE_BYTES

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def claim(client, content: bytes, name: str, code: str = "own_brand"):
    upload = SimpleUploadedFile(name, content)
    return client.post(
        reverse("portal:attestations"), {"code": code, "evidence": upload, "note": "商标注册证"}
    )


def test_a_claim_with_evidence_is_pending_until_confirmed(firm_client, firm, caseworker):
    response = claim(firm_client, PNG, "brand.png")
    assert response.status_code == 302
    stored = Attestation.objects.get(firm=firm)
    assert stored.status == "claimed" and stored.note == "商标注册证"
    page = firm_client.get(reverse("portal:attestations"))
    assert "拥有自主品牌" in page.text and "待确认" in page.text
    decide_attestation(attestation=stored, confirm=True, actor=caseworker)
    assert "已确认" in firm_client.get(reverse("portal:attestations")).text


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"MZ\x90\x00 an executable", "scan.pdf"), (b"<html><script>alert(1)</script>", "award.png")],
)
def test_evidence_of_another_type_is_refused(firm_client, content, name):
    response = claim(firm_client, content, name)
    assert response.status_code == 400
    assert "证明材料须为 PDF、PNG 或 JPEG 文件。" in response.text
    assert not Attestation.objects.exists()


def test_evidence_over_the_size_limit_is_refused(firm_client):
    response = claim(firm_client, PDF + b"\0" * MAX_EVIDENCE_BYTES, "big.pdf")
    assert response.status_code == 400
    assert "证明材料不能超过 10 MB。" in response.text
    assert not Attestation.objects.exists()


def test_a_second_live_claim_is_refused_with_the_services_message(firm_client):
    claim(firm_client, PDF, "a.pdf")
    response = claim(firm_client, PDF, "b.pdf")
    assert response.status_code == 400
    assert "该事项已有待确认或已确认的申报。" in response.text
    assert Attestation.objects.count() == 1


def test_the_upload_field_tells_the_browser_what_to_accept(firm_client):
    response = firm_client.get(reverse("portal:attestations"))
    assert 'accept=".pdf,.png,.jpg,.jpeg' in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_the_upload_help_follows_the_page_language(firm_client):
    chinese = firm_client.get(reverse("portal:attestations")).text
    assert "PDF、PNG 或 JPEG，不超过 10 MB。" in chinese
    firm_client.cookies["django_language"] = "en"
    english = firm_client.get(reverse("portal:attestations")).text
    assert "PDF、PNG 或 JPEG" not in english and "PDF, PNG or JPEG, no larger than 10 MB." in english
