"""Evidence is stored under the extension of what its content is, never the name the browser sent
(cultivation.models.attestations.evidence_path): a PDF named ``x.png`` is kept as ``.pdf``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from cultivation.models import Attestation

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 32
CASES = [
    (PDF, "licence.png", ".pdf"),
    (PNG, "award.pdf", ".png"),
    (JPEG, "photo.PDF", ".jpg"),
    (PDF, "no-extension", ".pdf"),
    (PNG, "archive.tar.gz.exe", ".png"),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_suffix(media: Path) -> str:
    claim = Attestation.objects.get()
    path = Path(claim.evidence.path)
    assert path.is_file() and path.is_relative_to(media / "evidence")
    return path.suffix


@pytest.mark.parametrize(("content", "name", "suffix"), CASES)
def test_the_portal_stores_evidence_under_its_sniffed_type(client, firm_user, media, content, name, suffix):
    client.force_login(firm_user)
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = client.post(reverse("portal:attestations"), {"code": "own_brand", "evidence": upload})
    assert response.status_code == 302
    assert stored_suffix(media) == suffix


@pytest.mark.parametrize(("content", "name", "suffix"), CASES[:3])
def test_the_api_stores_evidence_under_its_sniffed_type(firm_user, firm, media, content, name, suffix):
    api = APIClient()
    api.force_authenticate(firm_user)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = api.post(
        "/api/attestations/",
        {"firm": firm.credit_code, "code": "own_brand", "evidence": upload},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert stored_suffix(media) == suffix
