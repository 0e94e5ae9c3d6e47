"""The caseworkers' queue searches in their terms: a name or a code in one box, districts by name,
and 分配给我 as a checkbox; the API keeps its parameters (``district`` by code) and gains ``q``."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cultivation.services import application_transition, assign_reviewers, create_application
from tests.factories import YUZHONG, UserFactory, eligible_firm, today

pytestmark = pytest.mark.django_db


def submit(firm, user=None):
    user = user or UserFactory(roles=["firm"], firm=firm)
    draft = create_application(firm=firm, tier="innovative_sme", actor=user)
    return application_transition(application=draft, action="submit", actor=user)


@pytest.fixture
def city_caseworker(db):
    """A city-level caseworker who also sits as an expert (both roles, no district)."""
    return UserFactory(username="city-cw", roles=["caseworker", "reviewer"])


@pytest.fixture
def two(firm, firm_user):
    """Two submitted applications: the 渝北区 ``firm``'s and a 渝中区 firm's."""
    other = eligible_firm(YUZHONG, name="重庆两江示范电子有限公司")
    return submit(firm, firm_user), submit(other)


def queue(client, **params) -> list[int]:
    return [a.pk for a in client.get(reverse("portal:case-queue"), params).context["page"]]


def test_one_box_finds_a_firm_by_part_of_its_name_or_by_its_code(client, city_caseworker, two):
    mine, theirs = two
    client.force_login(city_caseworker)
    assert queue(client, q="两江示范") == [theirs.pk]
    assert queue(client, q=f" {mine.firm.credit_code.lower()} ") == [mine.pk]
    assert queue(client, q="不存在的企业") == []


def test_the_district_is_chosen_by_name(client, city_caseworker, two):
    mine, theirs = two
    client.force_login(city_caseworker)
    page = client.get(reverse("portal:case-queue"))
    html = page.text
    assert '<option value="500112">渝北区</option>' in html
    assert '<option value="500103">渝中区</option>' in html
    assert "---------" not in html and '<option value="" selected>全部</option>' in html
    assert queue(client, district="500112") == [mine.pk]
    assert queue(client, district="500103") == [theirs.pk]


def test_a_district_caseworker_is_offered_only_their_district(client, district_caseworker, two):
    client.force_login(district_caseworker)
    options = client.get(reverse("portal:case-queue")).context["filter"].form.fields["district"].queryset
    assert [d.code for d in options] == ["500112"]


def test_assigned_to_me_is_a_checkbox_and_unticked_means_everything(client, city_caseworker, two):
    mine, theirs = two
    for application in (mine, theirs):
        application_transition(application=application, action="accept", actor=city_caseworker)
        application_transition(application=application, action="recommend", actor=city_caseworker)
    assign_reviewers(application=theirs, reviewers=[city_caseworker], due_at=today(), actor=city_caseworker)
    client.force_login(city_caseworker)
    html = client.get(reverse("portal:case-queue")).text
    assert 'type="checkbox" name="assigned_to_me"' in html and "true 或 false" not in html
    assert queue(client, assigned_to_me="on") == [theirs.pk]
    assert sorted(queue(client)) == sorted([mine.pk, theirs.pk])


def test_the_api_keeps_its_parameters_and_takes_q(client, city_caseworker, two):
    mine, theirs = two
    client.force_login(city_caseworker)

    def api(**params) -> list[int]:
        response = client.get("/api/applications/", params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert api(q="两江示范") == [theirs.pk]
    assert api(district="500112") == [mine.pk]
    assert api(firm=mine.firm.credit_code) == [mine.pk]
    assert client.get("/api/applications/", {"assigned_to_me": "perhaps"}).status_code == 400


def test_the_status_boxes_stay_checkboxes_after_the_api_schema_was_generated(client, city_caseworker, two):
    """The schema generator builds the shared application filters' form fields on the class; the queue
    still offers its own stages as checkboxes afterwards."""
    client.force_login(city_caseworker)
    assert client.get("/api/schema/").status_code == 200
    html = client.get(reverse("portal:case-queue")).text
    assert 'type="checkbox" name="status"' in html
