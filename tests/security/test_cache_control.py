"""Personal answers are never stored by a cache: every API answer and every page a signed-in person
gets carries ``Cache-Control: no-store`` (config.middleware.NoStoreMiddleware); anonymous pages stay
cacheable."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import FirmFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGES = ["/", "/figures/", "/attestations/", "/applications/", "/inbox/"]


@pytest.fixture
def firm_user(db):
    return UserFactory(username="firm-cache", firm=FirmFactory(), roles=["firm"])


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_portal_pages_of_a_signed_in_person_are_not_stored(client, firm_user, path):
    client.force_login(firm_user)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_staff_pages_and_the_admin_are_not_stored(client, caseworker):
    client.force_login(caseworker)
    assert client.get("/staff/cases/")["Cache-Control"] == "no-store"
    assert "no-store" in client.get("/admin/registry/firm/")["Cache-Control"]  # the admin's own never_cache


def test_api_answers_are_not_stored_with_a_token_or_without_credentials(client, firm_user):
    token = Token.objects.create(user=firm_user)
    answer = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    refused = client.get("/api/firms/")
    assert refused.status_code == 401 and refused["Cache-Control"] == "no-store"
    assert client.get("/api/no-such-endpoint/")["Cache-Control"] == "no-store"


def test_an_anonymous_page_stays_cacheable(client):
    response = client.get("/accounts/password_reset/")
    assert response.status_code == 200
    assert "Cache-Control" not in response


def test_an_answer_that_sets_its_own_cache_control_keeps_it(client, firm_user):
    client.force_login(firm_user)
    response = client.get("/accounts/login/")  # Django's never_cache view
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_static_files_stay_cacheable_for_a_signed_in_person(client, firm_user):
    client.force_login(firm_user)
    response = client.get("/static/portal/portal.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
