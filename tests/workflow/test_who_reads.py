"""Who reads an application, and who may be assigned to one (issue 14, item 12).

The probe: a city-level expert read every application, drafts included, and an expert of another
district could be assigned and then read the file. Now a draft is the firm's own until submitted
(staff, programme admins included, never read one, except the person who opened it for the firm);
an expert reads only what is assigned to them; and an expert is assignable only where their scope
covers the firm (their own district, or any firm for a city-level expert). Asked through the paths
people use: the API, the staff portal and the admin.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from cultivation.models import Application, ApplicationEvent, ReviewAssignment
from cultivation.services import assign_reviewers
from cultivation.tiers import INNOVATIVE_SME
from cultivation.workflow import Status
from tests.factories import JIANGBEI, application_in, eligible_firm, reviewer, today

pytestmark = pytest.mark.django_db

STAFF = ("district_cw", "city_cw", "superuser", "expert", "other_expert", "home_expert", "district_expert")


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def listed_ids(user) -> set[int]:
    return {row["id"] for row in api_for(user).get("/api/applications/").json()["results"]}


def reads(client, user, application) -> dict[str, bool]:
    """Whether ``user`` reads the application through each rendering."""
    client.force_login(user)
    admin_page = client.get(reverse("admin:cultivation_application_change", args=[application.pk]))
    history = client.get(reverse("admin:cultivation_application_history", args=[application.pk]))
    changelist = client.get(reverse("admin:cultivation_application_changelist"))
    change_link = reverse("admin:cultivation_application_change", args=[application.pk])
    return {
        "api_list": application.pk in listed_ids(user),
        "api_detail": api_for(user).get(f"/api/applications/{application.pk}/").status_code == 200,
        "staff_page": client.get(reverse("portal:staff-application", args=[application.pk])).status_code
        == 200,
        "admin_change": admin_page.status_code == 200,
        "admin_history": history.status_code == 200,
        "admin_list": changelist.status_code == 200 and change_link in changelist.text,
    }


NOWHERE = dict.fromkeys(
    ("api_list", "api_detail", "staff_page", "admin_change", "admin_history", "admin_list"), False
)
EVERYWHERE = dict.fromkeys(NOWHERE, True)


@pytest.fixture
def firms_draft(firm, people):
    response = api_for(people.firm_user).post(
        "/api/applications/", {"firm": firm.credit_code, "tier": INNOVATIVE_SME}, format="json"
    )
    assert response.status_code == 201
    return Application.objects.get(pk=response.json()["id"])


class TestDrafts:
    @pytest.mark.parametrize("role", STAFF)
    def test_no_staff_user_reads_a_firms_draft(self, client, firms_draft, people, role):
        assert reads(client, getattr(people, role), firms_draft) == NOWHERE

    def test_the_firm_reads_its_own_draft(self, firms_draft, people):
        assert firms_draft.pk in listed_ids(people.firm_user)
        page = api_for(people.firm_user).get(f"/api/applications/{firms_draft.pk}/")
        assert page.status_code == 200 and page.json()["status"] == "draft"

    def test_once_submitted_the_caseworkers_read_it(self, client, firms_draft, people):
        submit = api_for(people.firm_user).post(
            f"/api/applications/{firms_draft.pk}/transition/", {"action": "submit"}, format="json"
        )
        assert submit.status_code == 200
        for role in ("district_cw", "city_cw", "superuser"):
            assert reads(client, getattr(people, role), firms_draft) == EVERYWHERE, role

    def test_a_caseworker_filing_a_paper_case_reads_the_draft_they_opened_and_nobody_else(
        self, client, firm, people
    ):
        response = api_for(people.district_cw).post(
            "/api/applications/", {"firm": firm.credit_code, "tier": INNOVATIVE_SME}, format="json"
        )
        assert response.status_code == 201 and response.json()["status"] == "draft"
        opened = Application.objects.get(pk=response.json()["id"])
        assert opened.pk in listed_ids(people.district_cw)
        assert opened.pk in listed_ids(people.firm_user)
        for role in ("city_cw", "superuser", "expert"):
            assert reads(client, getattr(people, role), opened) == NOWHERE, role

    def test_the_case_queue_shows_no_draft(self, client, firms_draft, people):
        client.force_login(people.city_cw)
        queue = client.get(reverse("portal:case-queue"), {"status": ["draft"]})
        assert f"#{firms_draft.pk}" not in queue.text


class TestExperts:
    @pytest.fixture
    def in_review(self, firm, people):
        return application_in(Status.CITY_REVIEW, firm, reviewers=[people.expert])

    def test_the_assigned_expert_reads_it_everywhere(self, client, in_review, people):
        assert reads(client, people.expert, in_review) == EVERYWHERE

    @pytest.mark.parametrize("role", ["other_expert", "home_expert", "district_expert"])
    def test_an_expert_not_assigned_reads_it_nowhere(self, client, in_review, people, role):
        """City-level, same-district and other-district experts alike: no assignment, no file."""
        assert reads(client, getattr(people, role), in_review) == NOWHERE

    def test_a_city_expert_reads_only_their_assignments_among_many(self, firm, people):
        mine = application_in(Status.CITY_REVIEW, firm, reviewers=[people.other_expert])
        application_in(Status.CITY_REVIEW, firm, tier="srdi_sme")
        application_in(Status.SUBMITTED, eligible_firm(JIANGBEI))
        assert listed_ids(people.other_expert) == {mine.pk}

    def test_the_caseworkers_of_the_firm_still_read_it(self, client, in_review, people):
        for role in ("district_cw", "city_cw", "superuser"):
            assert reads(client, getattr(people, role), in_review) == EVERYWHERE, role


class TestAssignment:
    @pytest.fixture
    def in_review(self, firm):
        return application_in(Status.CITY_REVIEW, firm)

    def due(self) -> str:
        return (today() + datetime.timedelta(days=10)).isoformat()

    def nothing_assigned(self, application) -> bool:
        return (
            not ReviewAssignment.objects.filter(application=application).exists()
            and not ApplicationEvent.objects.filter(application=application, action="assign").exists()
        )

    def test_the_portal_form_lists_only_experts_who_cover_the_firm(self, client, in_review, people):
        client.force_login(people.city_cw)
        page = client.get(reverse("portal:staff-application", args=[in_review.pk]))
        listed = set(page.context["assign_form"].fields["reviewers"].queryset)
        assert listed == {people.expert, people.other_expert, people.home_expert}
        assert "expert-jiangbei" not in page.text

    def test_a_forged_portal_assignment_of_another_districts_expert_is_refused(
        self, client, in_review, people
    ):
        client.force_login(people.city_cw)
        response = client.post(
            reverse("portal:staff-assign", args=[in_review.pk]),
            {"reviewers": [people.district_expert.pk], "due_at": self.due()},
        )
        assert response.status_code == 400 and "本区县或市级评审专家" in response.text
        assert self.nothing_assigned(in_review)

    def test_a_forged_portal_assignment_of_a_caseworker_is_refused(self, client, in_review, people):
        client.force_login(people.city_cw)
        response = client.post(
            reverse("portal:staff-assign", args=[in_review.pk]),
            {"reviewers": [people.district_cw.pk], "due_at": self.due()},
        )
        assert response.status_code == 400
        assert self.nothing_assigned(in_review)

    def test_the_portal_assigns_a_district_expert_to_a_firm_of_their_district(
        self, client, in_review, people
    ):
        client.force_login(people.city_cw)
        response = client.post(
            reverse("portal:staff-assign", args=[in_review.pk]),
            {"reviewers": [people.home_expert.pk, people.expert.pk], "due_at": self.due()},
        )
        assert response.status_code == 302
        assigned = set(
            ReviewAssignment.objects.filter(application=in_review).values_list("reviewer", flat=True)
        )
        assert assigned == {people.home_expert.pk, people.expert.pk}

    def test_the_admin_bulk_form_lists_experts_who_cover_every_selected_firm(self, client, in_review, people):
        elsewhere = application_in(Status.CITY_REVIEW, eligible_firm(JIANGBEI))
        client.force_login(people.city_cw)
        changelist = reverse("admin:cultivation_application_changelist")
        one = client.post(
            changelist, {"action": "assign_reviewers_selected", "_selected_action": [in_review.pk]}
        )
        assert "expert-yubei" in one.text and "expert-jiangbei" not in one.text
        both = client.post(
            changelist,
            {"action": "assign_reviewers_selected", "_selected_action": [in_review.pk, elsewhere.pk]},
        )
        assert "expert-assigned" in both.text
        assert "expert-yubei" not in both.text and "expert-jiangbei" not in both.text

    def test_a_forged_admin_bulk_assignment_is_refused_and_changes_nothing(self, client, in_review, people):
        client.force_login(people.city_cw)
        response = client.post(
            reverse("admin:cultivation_application_changelist"),
            {
                "action": "assign_reviewers_selected",
                "_selected_action": [in_review.pk],
                "apply": "1",
                "reviewers": [people.district_expert.pk],
                "due_at": self.due(),
            },
        )
        assert response.status_code == 200 and "本区县或市级评审专家" in response.text
        assert self.nothing_assigned(in_review)

    def test_the_service_refuses_an_expert_outside_the_firms_district(self, in_review, people):
        """The root: admin, portal and any future path call ``assign_reviewers``, which checks each expert."""
        with pytest.raises(ValidationError) as refused:
            assign_reviewers(
                application=in_review,
                reviewers=[people.expert, people.district_expert],
                due_at=today(),
                actor=people.city_cw,
            )
        assert "expert-jiangbei" in str(refused.value)
        assert self.nothing_assigned(in_review)

    @pytest.mark.parametrize("who", ["district_cw", "firm_user", "nobody"])
    def test_the_service_refuses_people_without_the_reviewer_role(self, in_review, people, who):
        with pytest.raises(ValidationError):
            assign_reviewers(
                application=in_review, reviewers=[getattr(people, who)], due_at=today(), actor=people.city_cw
            )
        assert self.nothing_assigned(in_review)

    def test_an_inactive_expert_is_not_assignable(self, in_review, people):
        retired = reviewer(None, "expert-retired")
        retired.is_active = False
        retired.save()
        with pytest.raises(ValidationError):
            assign_reviewers(application=in_review, reviewers=[retired], due_at=today(), actor=people.city_cw)
        assert self.nothing_assigned(in_review)
