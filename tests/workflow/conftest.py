"""Fixtures for the workflow tests: the cast of people who act on an application."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.factories import JIANGBEI, YUBEI, UserFactory, caseworker, eligible_firm, firm_user, reviewer


@pytest.fixture
def people(firm):
    """Everyone the permission tests ask: each role inside and outside the firm's scope."""
    other_firm = eligible_firm(JIANGBEI)
    return SimpleNamespace(
        firm_user=firm_user(firm),
        other_firm_user=firm_user(other_firm),
        district_cw=caseworker(YUBEI),
        other_district_cw=caseworker(JIANGBEI),
        city_cw=caseworker(None),
        expert=reviewer(None, "expert-assigned"),
        other_expert=reviewer(None, "expert-unassigned"),
        district_expert=reviewer(JIANGBEI, "expert-jiangbei"),  # another district's expert
        home_expert=reviewer(YUBEI, "expert-yubei"),  # an expert of the firm's district
        superuser=UserFactory(username="programme-admin", is_staff=True, is_superuser=True),
        nobody=UserFactory(username="no-role"),
    )
