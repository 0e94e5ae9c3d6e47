"""Service-only rows (``offered=False``, e.g. ``terminate``) are never a person's to take (issue 14, item 2).

The probe: a district caseworker, offered nothing on an application in city review, posted
``action=terminate`` to the staff portal's form and the application was rejected in their name. The
entry for people (``application_transition``) now refuses such rows for everyone, the portal form
offers the actions the API offers, and only ``service_transition`` (called by ``revoke_designation``)
takes them.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from api.serializers.applications import TransitionSerializer
from cultivation.forms import ActionForm
from cultivation.models import Application, ApplicationEvent
from cultivation.services import application_transition, revoke_designation
from cultivation.services.applications import service_transition
from cultivation.workflow import OFFERED_ACTIONS, TRANSITIONS, Action, Status, available_actions
from tests.factories import application_in, designation

pytestmark = pytest.mark.django_db

FORGED = {"action": "terminate", "reason": "伪造的终止请求"}


def unchanged(application) -> bool:
    """Still in city review, with no event written for it."""
    fresh = Application.objects.get(pk=application.pk)
    return (
        fresh.status == Status.CITY_REVIEW
        and not ApplicationEvent.objects.filter(application=application).exists()
    )


@pytest.fixture
def in_city_review(firm, people):
    return application_in(Status.CITY_REVIEW, firm, reviewers=[people.expert])


def test_a_forged_terminate_through_the_staff_portal_is_refused(client, in_city_review, people):
    client.force_login(people.district_cw)
    url = reverse("portal:staff-application-act", args=[in_city_review.pk])
    response = client.post(url, FORGED)
    assert response.status_code == 400
    assert "无法执行该操作" in response.text and "不是可在此办理的操作" in response.text
    assert unchanged(in_city_review)


@pytest.mark.parametrize("role", ["district_cw", "city_cw", "superuser"])
def test_nobody_terminates_through_the_portal_whatever_their_rank(client, in_city_review, people, role):
    client.force_login(getattr(people, role))
    response = client.post(reverse("portal:staff-application-act", args=[in_city_review.pk]), FORGED)
    assert response.status_code == 400
    assert unchanged(in_city_review)


def test_a_firm_cannot_terminate_its_own_application_through_its_portal(client, firm, people):
    submitted = application_in(Status.SUBMITTED, firm)
    client.force_login(people.firm_user)
    response = client.post(reverse("portal:application-act", args=[submitted.pk]), FORGED)
    assert response.status_code == 400 and "无法执行该操作" in response.text
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED


@pytest.mark.parametrize("role", ["district_cw", "city_cw", "superuser"])
def test_a_forged_terminate_through_the_api_is_refused(in_city_review, people, role):
    api = APIClient()
    api.force_authenticate(getattr(people, role))
    response = api.post(f"/api/applications/{in_city_review.pk}/transition/", FORGED, format="json")
    assert response.status_code == 400 and "action" in response.json()["fields"]
    assert unchanged(in_city_review)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_terminate_through_the_admin_is_refused(client, in_city_review, people, method):
    client.force_login(people.city_cw)
    url = reverse("admin:cultivation_application_transition", args=[in_city_review.pk, "terminate"])
    response = getattr(client, method)(url, {"reason": "伪造"} if method == "post" else None, follow=True)
    assert response.status_code == 200 and "不能执行此操作" in response.text
    assert unchanged(in_city_review)


@pytest.mark.parametrize("role", ["district_cw", "city_cw", "superuser"])
def test_the_entry_for_people_refuses_a_service_only_row(in_city_review, people, role):
    """The root: the service itself refuses, so no other caller (a future view, a script) can forge it."""
    with pytest.raises(ValidationError) as refused:
        application_transition(
            application=in_city_review, action=Action.TERMINATE, actor=getattr(people, role), reason="x"
        )
    assert "不能手动操作" in str(refused.value)
    assert unchanged(in_city_review)


def test_revoking_a_designation_still_terminates_the_open_applications(firm, people):
    held = designation(firm)
    open_ones = [
        application_in(Status.CITY_REVIEW, firm, tier="srdi_sme"),
        application_in(Status.DRAFT, firm, tier="gazelle"),
    ]
    revoke_designation(designation=held, reason="列入严重失信主体名单", actor=people.district_cw)
    for application in open_ones:
        application.refresh_from_db()
        assert application.status == Status.REJECTED
        event = application.events.get()
        assert (event.action, event.actor) == (Action.TERMINATE, people.district_cw)


def test_the_service_path_takes_only_service_only_rows(in_city_review, people):
    with pytest.raises(ValueError):
        service_transition(
            application=in_city_review, action=Action.REJECT, actor=people.city_cw, reason="绕过表单"
        )
    assert unchanged(in_city_review)


def test_the_portal_form_the_api_and_the_table_offer_the_same_actions():
    table = {row.action.value for row in TRANSITIONS if row.offered}
    portal = {value for value, _label in ActionForm().fields["action"].choices}
    api = set(TransitionSerializer().fields["action"].choices)
    assert table == set(OFFERED_ACTIONS) == portal == api
    assert Action.TERMINATE not in portal


def test_the_staff_page_offers_exactly_the_available_actions(client, in_city_review, people):
    for role in ("district_cw", "city_cw", "expert"):
        user = getattr(people, role)
        client.force_login(user)
        page = client.get(reverse("portal:staff-application", args=[in_city_review.pk]))
        shown = {row.action for row, *_rest in page.context["actions"]}
        fresh = Application.objects.with_workflow().get(pk=in_city_review.pk)
        assert shown == {row.action for row in available_actions(fresh, user)}, role
