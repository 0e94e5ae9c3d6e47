"""Validation of uploaded evidence: checked by content, not by the name the browser sent."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
SIGNATURES = {  # leading bytes -> what the file really is
    b"%PDF-": "PDF",
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
}


def sniff(head: bytes) -> str | None:
    """The evidence type the first bytes show, or None."""
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def validate_evidence(upload) -> None:
    """Accept PDF, PNG or JPEG files of at most 10 MB, whatever their name says."""
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("证明材料不能超过 %(limit)d MB。"), code="too_large", params={"limit": MAX_EVIDENCE_BYTES >> 20}
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if upload.size == 0 or sniff(head) is None:
        raise ValidationError(_("证明材料须为 PDF、PNG 或 JPEG 文件。"), code="file_type")
