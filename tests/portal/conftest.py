"""Fixtures of the portal tests: two firms with their users, and staff of each kind."""

from __future__ import annotations

import pytest

from tests.factories import YUZHONG, UserFactory, district, eligible_firm


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def other_firm(db):
    return eligible_firm(YUZHONG, name="重庆乙电子科技有限公司")


@pytest.fixture
def other_user(other_firm):
    return UserFactory(username="firm-b", roles=["firm"], firm=other_firm, email="b@example.com")


@pytest.fixture
def district_caseworker(db):
    """A caseworker of 渝北区 (500112), the district of ``firm``."""
    return UserFactory(username="yubei-caseworker", roles=["caseworker"], district=district("500112"))


@pytest.fixture
def other_district_caseworker(db):
    return UserFactory(username="yuzhong-caseworker", roles=["caseworker"], district=district("500103"))


@pytest.fixture
def reviewer(db):
    return UserFactory(username="expert-1", roles=["reviewer"])


@pytest.fixture
def firm_client(client, firm_user):
    client.force_login(firm_user)
    return client
