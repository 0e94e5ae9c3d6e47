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


EXTENSIONS = {"PDF": ".pdf", "PNG": ".png", "JPEG": ".jpg"}  # what a file is stored as, by its content


def sniff(head: bytes) -> str | None:
    """The evidence type the first bytes show, or None."""
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def read_head(upload, size: int = 16) -> bytes:
    """The first bytes of an uploaded or stored file, leaving its position where it was."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(size)
    upload.seek(position)
    return head


def sniffed_extension(upload) -> str:
    """The extension of what the file really is (``.pdf``, ``.png``, ``.jpg``), or ``""`` if unknown.

    Evidence is stored under this, never under the name the browser sent: a PDF named ``x.png`` is kept as
    ``.pdf``, so whatever later serves or opens the stored file by its name treats it as what it is.
    """
    return EXTENSIONS.get(sniff(read_head(upload)) or "", "")


def validate_evidence(upload) -> None:
    """Accept PDF, PNG or JPEG files of at most 10 MB, whatever their name says."""
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("证明材料不能超过 %(limit)d MB。"), code="too_large", params={"limit": MAX_EVIDENCE_BYTES >> 20}
        )
    if upload.size == 0 or sniff(read_head(upload)) is None:
        raise ValidationError(_("证明材料须为 PDF、PNG 或 JPEG 文件。"), code="file_type")
