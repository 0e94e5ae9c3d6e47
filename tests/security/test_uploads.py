"""Uploads: evidence and admin imports are checked by content, size-limited, stored outside the web
root and served only through the access-checked evidence view."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from cultivation.models import Attestation
from registry.forms import MAX_IMPORT_BYTES
from registry.models import Firm

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\0" * 64
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 40
DISGUISED = [
    (EXE, "licence.pdf"),
    (HTML, "licence.pdf"),
    (SVG, "award.png"),
    (ELF, "photo.jpg"),
    (b"", "a.pdf"),
]
REFUSED = "证明材料须为 PDF、PNG 或 JPEG 文件。"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(("content", "name"), DISGUISED)
def test_a_disguised_file_is_refused_on_the_portal_and_nothing_is_stored(
    client, firm_user, media, content, name
):
    client.force_login(firm_user)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(reverse("portal:attestations"), {"code": "own_brand", "evidence": upload})
    assert response.status_code == 400
    assert REFUSED in response.text or "提交的是空文件。" in response.text
    assert not Attestation.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(("content", "name"), DISGUISED[:3])
def test_a_disguised_file_is_refused_by_the_api_and_nothing_is_stored(firm_user, firm, media, content, name):
    api = APIClient()
    api.force_authenticate(firm_user)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = api.post(
        "/api/attestations/",
        {"firm": firm.credit_code, "code": "own_brand", "evidence": upload},
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert REFUSED in str(body["fields"].get("evidence"))
    assert not Attestation.objects.exists()
    assert stored_files(media) == []


def test_evidence_is_stored_outside_the_web_root_under_a_random_name(client, firm_user, media):
    client.force_login(firm_user)
    upload = SimpleUploadedFile("../../static/portal/evil.pdf", PDF)
    assert (
        client.post(reverse("portal:attestations"), {"code": "own_brand", "evidence": upload}).status_code
        == 302
    )
    [path] = stored_files(media)
    assert path.is_relative_to(media / "evidence")
    assert "evil" not in path.name and path.suffix == ".pdf"


def test_media_root_is_not_under_anything_served_as_static():
    media_root = Path(settings.MEDIA_ROOT).resolve()
    for static in [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]:
        assert not media_root.is_relative_to(static.resolve())


def test_uploaded_files_are_not_reachable_by_their_media_url(client, firm_user, media):
    client.force_login(firm_user)
    client.post(
        reverse("portal:attestations"),
        {"code": "own_brand", "evidence": SimpleUploadedFile("a.pdf", PDF)},
    )
    claim = Attestation.objects.get()
    assert client.get("/" + settings.MEDIA_URL.strip("/") + "/" + claim.evidence.name).status_code == 404
    served = client.get(reverse("portal:evidence", args=[claim.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == PDF


def test_the_admin_links_evidence_through_the_checked_view(client, firm, firm_user, caseworker):
    client.force_login(firm_user)
    client.post(
        reverse("portal:attestations"),
        {"code": "own_brand", "evidence": SimpleUploadedFile("a.pdf", PDF)},
    )
    claim = Attestation.objects.get()
    client.force_login(caseworker)
    page = client.get("/admin/cultivation/attestation/").text
    assert reverse("portal:evidence", args=[claim.pk]) in page
    assert settings.MEDIA_URL + "evidence" not in page


def import_file(client, content: bytes, name: str, file_format: str):
    upload = SimpleUploadedFile(name, content)
    return client.post(
        "/admin/registry/firm/import/", {"resource": "0", "format": file_format, "import_file": upload}
    )


@pytest.mark.parametrize(
    ("content", "name", "file_format", "message"),
    [
        (EXE, "firms.csv", "0", "不是文本表格"),
        (EXE, "firms.xlsx", "1", "不是 xlsx 文件"),
        (HTML, "firms.csv", "0", "网页（HTML）"),
        (HTML, "firms.xlsx", "1", "不是 xlsx 文件"),
        (PDF, "firms.csv", "0", "不是文本表格"),
    ],
)
def test_a_disguised_import_file_is_refused_with_a_clear_message(
    client, caseworker, content, name, file_format, message
):
    client.force_login(caseworker)
    response = import_file(client, content, name, file_format)
    assert response.status_code == 200
    errors = response.context["form"].errors["import_file"]
    assert any(message in str(error) for error in errors)
    assert Firm.objects.count() == 0
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None


def test_an_import_over_the_size_limit_is_refused(client, caseworker):
    client.force_login(caseworker)
    content = b"credit_code,name\n" + b"x" * MAX_IMPORT_BYTES
    response = import_file(client, content, "big.csv", "0")
    assert "导入文件不能超过 5 MB。" in str(response.context["form"].errors["import_file"])
    assert Firm.objects.count() == 0


def test_imports_offer_only_csv_and_xlsx(client, caseworker):
    client.force_login(caseworker)
    form = client.get("/admin/registry/firm/import/").context["form"]
    titles = [label for value, label in form.fields["format"].choices if value != ""]
    assert titles == ["csv", "xlsx"]
