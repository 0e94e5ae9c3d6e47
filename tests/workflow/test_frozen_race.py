"""Figures written while the firm submits: the frozen year is the one the snapshot shows (issue 14).

Five threads PATCH one year through the API while another submits the application, each on its own
connection. The submission is slowed after it has read the facts, so on code that reads the figures
without locking them the PATCHes land between the snapshot and the freeze. Whatever the interleaving,
afterwards the year is frozen and equals the snapshot, and every PATCH either came first (and the
snapshot shows it) or was refused with a 400 naming the application — never a 500.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from cultivation.services import application_transition, create_application
from cultivation.services import applications as service
from cultivation.tiers import INNOVATIVE_SME
from cultivation.workflow import Action, Status
from registry.models import FIGURE_FIELDS, AnnualFigures
from tests.concurrency import race
from tests.factories import YUBEI, caseworker, eligible_firm, firm_user, today

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RUNS = 5
PATCHERS = 5
PATCHES_EACH = 4


def slow_fact_reads(monkeypatch):
    """Hold the submission open for a moment after it has read the facts it will snapshot."""
    read = service.facts_for_firm

    def slowly(*args, **kwargs):
        facts = read(*args, **kwargs)
        time.sleep(0.3)
        return facts

    monkeypatch.setattr(service, "facts_for_firm", slowly)


def snapshot_year(application, year: int) -> dict:
    return next(row for row in application.snapshot["facts"]["years"] if row["year"] == year)


def patcher(worker, url: str, base: Decimal, index: int):
    """PATCH the year a few times, a little apart, with values of its own; collect the answers."""

    def patch():
        client = APIClient()
        client.force_authenticate(worker)
        answers = []
        for attempt in range(PATCHES_EACH):
            value = base + Decimal(index * 10 + attempt + 1)
            response = client.patch(url, {"rd_expense": str(value)}, format="json")
            answers.append((response.status_code, response.json()))
            time.sleep(0.08)
        return answers

    return patch


def submitter(application, applicant):
    def submit():
        return application_transition(application=application, action=Action.SUBMIT, actor=applicant)

    return lambda: submit().status


def test_patches_racing_a_submission_never_unfreeze_the_year_nor_change_what_was_judged(monkeypatch):
    slow_fact_reads(monkeypatch)
    worker = caseworker(YUBEI, "cw-race")
    year = today().year - 1
    for run in range(RUNS):
        firm = eligible_firm(YUBEI)
        applicant = firm_user(firm, f"firm-race-{run}")
        application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=applicant)
        url = f"/api/firms/{firm.credit_code}/figures/{year}/"
        base = AnnualFigures.objects.get(firm=firm, year=year).rd_expense

        patchers = [patcher(worker, url, base, i) for i in range(PATCHERS)]
        outcomes = race(submitter(application, applicant), *patchers)
        assert outcomes[0] == Status.SUBMITTED, outcomes[0]
        application.refresh_from_db()
        row = AnnualFigures.objects.get(firm=firm, year=year)
        assert row.frozen, f"run {run}: the year ended unfrozen"
        assert f"#{application.pk}" in row.frozen_reason
        judged = snapshot_year(application, year)
        for name in FIGURE_FIELDS:
            stored = getattr(row, name)
            assert str(stored) == str(judged[name]) or stored == judged[name], f"run {run}: {name} differs"
        for answers in outcomes[1:]:
            assert isinstance(answers, list), answers
            for status, body in answers:
                assert status in (200, 400), (status, body)
                if status == 400:
                    message = " ".join(body["fields"]["non_field_errors"])
                    assert "已冻结" in message and f"#{application.pk}" in message, body
