"""Eight claims of one criterion at once (issue 14): one 201, seven clear refusals, one stored file.

Each request runs in its own thread and connection, released together by a barrier; validation is
slowed a little so every request has passed its checks before the first one inserts. Without a lock
the losers hit the one-live-claim constraint (a 500) after their evidence was already written to disk.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from rest_framework.test import APIClient

from cultivation.models import Attestation
from registry.files import files_removed_on_rollback
from tests.concurrency import race
from tests.factories import UserFactory, eligible_firm

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
CLAIMS = 8


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def slow_validation(monkeypatch):
    clean = Attestation.full_clean

    def slowly(self, *args, **kwargs):
        clean(self, *args, **kwargs)
        time.sleep(0.2)

    monkeypatch.setattr(Attestation, "full_clean", slowly)


def test_concurrent_claims_of_one_criterion_give_one_claim_one_file_and_no_500(media, monkeypatch):
    firm = eligible_firm(name="重庆并发申报有限公司")
    user = UserFactory(username="firm-race", roles=["firm"], firm=firm)
    slow_validation(monkeypatch)

    def claim(index: int):
        def attempt() -> tuple[int, dict]:
            client = APIClient()
            client.force_authenticate(user)
            upload = SimpleUploadedFile(f"brand-{index}.pdf", PDF, content_type="application/pdf")
            response = client.post(
                "/api/attestations/",
                {"firm": firm.credit_code, "code": "own_brand", "evidence": upload},
                format="multipart",
            )
            return response.status_code, response.json()

        return attempt

    answers = race(*(claim(i) for i in range(CLAIMS)))

    # The test client re-raises any request's exception in every thread's client (one global signal):
    # on a 500 anywhere every answer is that exception, so count 201s only among real answers.
    statuses = [a[0] if isinstance(a, tuple) else repr(a)[:300] for a in answers]
    assert statuses.count(201) == 1, statuses
    refusals = [a for a in answers if isinstance(a, tuple) and a[0] != 201]
    assert len(refusals) == CLAIMS - 1 and all(status in (400, 409) for status, _ in refusals), statuses
    for _, body in refusals:
        assert set(body) == {"detail", "fields"} and "已有待确认或已确认的申报" in str(body["fields"]), body
    assert Attestation.objects.filter(firm=firm, code="own_brand").count() == 1
    assert len(stored_files(media)) == 1, stored_files(media)


def test_evidence_stored_by_an_insert_the_constraint_refuses_is_deleted(media):
    """The clean-up itself, on the real constraint: a second live claim written past every check."""
    firm = eligible_firm(name="重庆回滚清理有限公司")
    first = Attestation(firm=firm, code="own_brand", evidence=SimpleUploadedFile("a.pdf", PDF))
    with files_removed_on_rollback(first, "evidence"):
        first.save()
    second = Attestation(firm=firm, code="own_brand", evidence=SimpleUploadedFile("b.pdf", PDF))
    with pytest.raises(IntegrityError), files_removed_on_rollback(second, "evidence"):
        second.save()
    assert stored_files(media) == [Path(first.evidence.path)]
