"""Two editors send the same ``If-Match`` at the same moment (issue 19): one 200, one 412, and the
record holds the winner's values, never a mix or the loser's.

Each request runs in its own thread and connection, released together by a barrier; the write is
slowed after the version check so, were the check not under the row's lock, both would pass it
before either wrote, and both would answer 200.
"""

from __future__ import annotations

import time

import pytest
from rest_framework.test import APIClient

from registry.models import AnnualFigures, Firm
from tests.concurrency import race
from tests.factories import UserFactory, add_figures, make_firm, today

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def slow_saves(monkeypatch, model) -> None:
    save = model.save

    def slowly(self, *args, **kwargs):
        time.sleep(0.3)
        save(self, *args, **kwargs)

    monkeypatch.setattr(model, "save", slowly)


def editor(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def patch_with(user, url: str, body: dict, tag: str):
    def attempt() -> int:
        return editor(user).patch(url, body, format="json", HTTP_IF_MATCH=tag).status_code

    return attempt


def test_two_firm_edits_with_one_tag_give_one_200_and_one_412(monkeypatch):
    user = UserFactory(username="race-caseworker", roles=["caseworker"], is_staff=True)
    firm = make_firm(name="重庆并发编辑有限公司")
    url = f"/api/firms/{firm.credit_code}/"
    tag = editor(user).get(url)["ETag"]
    slow_saves(monkeypatch, Firm)

    outcomes = race(
        patch_with(user, url, {"contact_name": "甲"}, tag),
        patch_with(user, url, {"contact_name": "乙"}, tag),
    )

    assert sorted(outcomes) == [200, 412], outcomes
    winner = "甲" if outcomes[0] == 200 else "乙"
    assert Firm.objects.get(pk=firm.pk).contact_name == winner


def test_two_figures_edits_with_one_tag_give_one_200_and_one_412(monkeypatch):
    user = UserFactory(username="race-caseworker-2", roles=["caseworker"], is_staff=True)
    row = add_figures(make_firm(name="重庆并发填报有限公司"), today().year - 2, "5000")
    url = f"/api/firms/{row.firm.credit_code}/figures/{row.year}/"
    tag = editor(user).get(url)["ETag"]
    slow_saves(monkeypatch, AnnualFigures)

    outcomes = race(
        patch_with(user, url, {"employees": 201, "rd_staff": 40}, tag),
        patch_with(user, url, {"employees": 202, "rd_staff": 50}, tag),
    )

    assert sorted(outcomes) == [200, 412], outcomes
    stored = AnnualFigures.objects.get(pk=row.pk)
    expected = (201, 40) if outcomes[0] == 200 else (202, 50)
    assert (stored.employees, stored.rd_staff) == expected
