"""Blind review across every rendering of an application: roles × renderings (issue 14, item 1).

The scene is the issue's: an application in the city review with two experts assigned through the
staff portal, A and B; expert A scores it (87, 建议通过, a comment) through the portal form, the way
experts do. Then each role opens each rendering of that application. The rule:

* caseworkers in scope (district and city) and programme admins see every review, every review
  event, every assignment and who made them;
* an expert sees their own review and their own ``review`` event, never another expert's, nor who
  else is assigned;
* firm users see the stages, never a review, a review event, a score, an expert's name or comment.

Markers are unique strings (A's comment, the reason of A's review event, the experts' user names):
a page that shows one to a role outside ``ALLOWED`` leaks blind review, whatever its status code.
Who reaches the application at all is the scope rule (tested by the access matrix beside this one);
here it only decides whether a page answers 200 or refuses, and whatever answers must not leak.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cultivation.models import Application, ApplicationEvent, Review, ReviewAssignment
from cultivation.models.alerts import Alert
from cultivation.services import application_transition, create_application
from cultivation.tiers import INNOVATIVE_SME
from cultivation.workflow import Action, Status
from registry.models import User
from tests.factories import JIANGBEI, YUBEI, UserFactory, caseworker, eligible_firm, firm_user, reviewer

COMMENT = "盲评标记：研发投入扎实且专利稳定"  # A's comment
REVIEW_EVENT = "评分 87"  # the reason of A's review event: "评分 87，建议通过"
EXPERT_A, EXPERT_B = "blind-expert-a", "blind-expert-b"
MARKERS = (COMMENT, REVIEW_EVENT, EXPERT_A, EXPERT_B)

ROLES = (
    "firm",  # a user of the applicant firm
    "other_firm",
    "cw_in",  # caseworker of the firm's district (渝北区)
    "cw_out",  # caseworker of another district
    "cw_city",
    "admin",  # programme admin (superuser)
    "expert_a",  # assigned, has scored
    "expert_b",  # assigned, not scored yet
    "expert_c",  # a city-level expert, not assigned
    "expert_district",  # an expert of the firm's district, not assigned
)
SEES_ALL = {"cw_in", "cw_city", "admin"}
FIRMS = {"firm", "other_firm"}
OWN_NAME = {"expert_a": EXPERT_A, "expert_b": EXPERT_B}  # on their own pages (the header), not a leak
ALLOWED = {
    **{role: set(MARKERS) for role in SEES_ALL},
    "expert_a": {COMMENT, REVIEW_EVENT, EXPERT_A},
}


@dataclass
class Scene:
    application: Application
    users: dict[str, User]
    sessions: dict[str, str]
    review_version: int  # the application history row A's review wrote

    def reaches(self, role: str) -> bool:
        """Whether the role may open this application at all (the scope rule, not blind review)."""
        return Application.objects.visible_to(self.users[role]).filter(pk=self.application.pk).exists()


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _build() -> Scene:
    firm = eligible_firm(YUBEI, name="丙盲评精密机械有限公司")
    users = {
        "firm": firm_user(firm, "blind-firm"),
        "other_firm": firm_user(eligible_firm(JIANGBEI), "blind-other-firm"),
        "cw_in": caseworker(YUBEI, "blind-cw-yubei"),
        "cw_out": caseworker(JIANGBEI, "blind-cw-jiangbei"),
        "cw_city": caseworker(None, "blind-cw-city"),
        "admin": UserFactory(username="blind-admin", is_staff=True, is_superuser=True),
        "expert_a": reviewer(None, EXPERT_A),
        "expert_b": reviewer(None, EXPERT_B),
        "expert_c": reviewer(None, "blind-expert-c"),
        "expert_district": reviewer(YUBEI, "blind-expert-yubei"),
    }
    application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=users["firm"])
    application_transition(application=application, action=Action.SUBMIT, actor=users["firm"])
    application_transition(application=application, action=Action.ACCEPT, actor=users["cw_in"])
    application_transition(application=application, action=Action.RECOMMEND, actor=users["cw_in"])
    assigned = _client(users["cw_city"]).post(
        reverse("portal:staff-assign", args=[application.pk]),
        {
            "reviewers": [users["expert_a"].pk, users["expert_b"].pk],
            "due_at": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
        },
    )
    assert assigned.status_code == 302, assigned.content.decode()[:2000]
    scored = _client(users["expert_a"]).post(
        reverse("portal:staff-application-act", args=[application.pk]),
        {"action": Action.REVIEW, "score": 87, "recommendation": "approve", "comment": COMMENT},
    )
    assert scored.status_code == 302, scored.content.decode()[:2000]
    assert Review.objects.get(assignment__reviewer=users["expert_a"]).comment == COMMENT
    version = Application.history.filter(id=application.pk, history_user=users["expert_a"]).latest(
        "history_date"
    )
    sessions = {}
    for role, user in users.items():
        client = _client(user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return Scene(Application.objects.get(pk=application.pk), users, sessions, version.history_id)


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker) -> Iterator[Scene]:
    """Written once for the module inside a transaction rolled back at its end (as the access world)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)


@pytest.fixture
def client_as(scene: Scene, db) -> Callable[[str], Client]:
    def make(role: str) -> Client:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = scene.sessions[role]
        return client

    return make


# --- the renderings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendering:
    url: Callable[[Scene], str]
    full: frozenset[str]  # the markers a caseworker finds on it
    status: Callable[[Scene, str], int]  # what the role gets


def _api(scene: Scene, role: str) -> int:
    return 200 if scene.reaches(role) else 404


def _staff_page(scene: Scene, role: str) -> int:
    if role in FIRMS:
        return 403
    return 200 if scene.reaches(role) else 404


def _firm_page(scene: Scene, role: str) -> int:
    return {"firm": 200, "other_firm": 404}.get(role, 403)


def _admin_change(scene: Scene, role: str) -> int:
    return 200 if role not in FIRMS and scene.reaches(role) else 302  # sign-in, or "no such object"


def _admin_history(scene: Scene, role: str) -> int:
    if role in FIRMS:
        return 302
    return 200 if scene.reaches(role) else 404


def _admin_version(scene: Scene, role: str) -> int:
    """The version A's review wrote: hidden from the experts who may not see A's work."""
    if role in FIRMS:
        return 302
    return 200 if scene.reaches(role) and (role in SEES_ALL or role == "expert_a") else 404


def _signed_in(scene: Scene, role: str) -> int:
    return 200


def _admin_list(scene: Scene, role: str) -> int:
    return 302 if role in FIRMS else 200


ALL = frozenset(MARKERS)
RENDERINGS: dict[str, Rendering] = {
    "api-detail": Rendering(lambda s: f"/api/applications/{s.application.pk}/", ALL, _api),
    "api-reviews": Rendering(
        lambda s: f"/api/reviews/?application={s.application.pk}", frozenset({COMMENT, EXPERT_A}), _signed_in
    ),
    "staff-page": Rendering(
        lambda s: reverse("portal:staff-application", args=[s.application.pk]), ALL, _staff_page
    ),
    "firm-page": Rendering(lambda s: reverse("portal:application", args=[s.application.pk]), ALL, _firm_page),
    "admin-change": Rendering(
        lambda s: reverse("admin:cultivation_application_change", args=[s.application.pk]), ALL, _admin_change
    ),
    "admin-history": Rendering(
        lambda s: reverse("admin:cultivation_application_history", args=[s.application.pk]),
        frozenset({EXPERT_A}),  # who saved the application when scoring it
        _admin_history,
    ),
    "admin-history-version": Rendering(
        lambda s: reverse(
            "admin:cultivation_application_simple_history", args=[s.application.pk, s.review_version]
        ),
        frozenset(),
        _admin_version,
    ),
    "admin-assignments": Rendering(
        lambda s: reverse("admin:cultivation_reviewassignment_changelist"),
        frozenset({EXPERT_A, EXPERT_B}),
        _admin_list,
    ),
}
CASES = [(name, role) for name in RENDERINGS for role in ROLES]


@pytest.mark.parametrize(("rendering", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_each_role_sees_only_the_reviews_blind_review_allows(rendering, role, scene, client_as):
    spec = RENDERINGS[rendering]
    url = spec.url(scene)
    response = client_as(role).get(url)
    assert response.status_code == spec.status(scene, role), (url, response.status_code)
    if response.status_code != 200:
        return
    body = response.content.decode()
    checked = spec.full - {OWN_NAME.get(role)}
    expected = checked & ALLOWED.get(role, set())
    shown = {marker for marker in checked if marker in body}
    assert shown == expected, f"{url} as {role}: leaks {shown - expected}, misses {expected - shown}"


def test_the_scene_reaches_every_kind_of_viewer(scene, db):
    """The matrix is not vacuous: the assigned experts, the district expert's and the caseworkers of
    the firm's district and the city all open the application; the other district does not."""
    assert all(scene.reaches(role) for role in ("firm", "cw_in", "cw_city", "admin", "expert_a", "expert_b"))
    assert not any(scene.reaches(role) for role in ("other_firm", "cw_out"))


# --- the history as each role reads it, event by event ------------------------------------------------


def _api_events(client: Client, scene: Scene) -> list[tuple[str, str | None]]:
    detail = client.get(f"/api/applications/{scene.application.pk}/").json()
    return [(event["action"], event["actor"]) for event in detail["events"]]


def test_caseworkers_read_the_whole_history(scene, client_as):
    for role in SEES_ALL:
        actions = [action for action, _actor in _api_events(client_as(role), scene)]
        assert actions == ["submit", "accept", "recommend", "assign", "review"], role


def test_an_expert_reads_the_steps_and_only_their_own_review_event(scene, client_as):
    assert _api_events(client_as("expert_a"), scene) == [
        ("submit", "blind-firm"),
        ("accept", "blind-cw-yubei"),
        ("recommend", "blind-cw-yubei"),
        ("review", EXPERT_A),
    ]
    assert [action for action, _ in _api_events(client_as("expert_b"), scene)] == [
        "submit",
        "accept",
        "recommend",
    ]


def test_the_firm_reads_only_the_steps_that_changed_its_stage(scene, client_as):
    detail = client_as("firm").get(f"/api/applications/{scene.application.pk}/").json()
    assert [(e["action"], e["actor"]) for e in detail["events"]] == [("submit", None), ("accept", None)]
    assert detail["reviews"] == [] and detail["status_label"] == "审核中"


def test_once_both_have_scored_each_expert_still_reads_only_their_own(
    scene, client_as, django_capture_on_commit_callbacks
):
    """B scores through the portal too: neither expert learns the other's score; no email or alert
    carries a review (the transition signal has no listener that mails it)."""
    alerts = Alert.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("expert_b").post(
            reverse("portal:staff-application-act", args=[scene.application.pk]),
            {"action": Action.REVIEW, "score": 62, "recommendation": "return", "comment": "乙专家意见"},
        )
    assert response.status_code == 302
    assert mail.outbox == [] and Alert.objects.count() == alerts
    for role, score, name in (("expert_a", 87, EXPERT_A), ("expert_b", 62, EXPERT_B)):
        detail = client_as(role).get(f"/api/applications/{scene.application.pk}/").json()
        assert [(r["reviewer"], r["score"]) for r in detail["reviews"]] == [(name, score)], role
        assert [e["actor"] for e in detail["events"] if e["action"] == "review"] == [name], role
        listed = client_as(role).get("/api/reviews/").json()["results"]
        assert [r["score"] for r in listed] == [score], role
    detail = client_as("cw_city").get(f"/api/applications/{scene.application.pk}/").json()
    assert sorted(r["score"] for r in detail["reviews"]) == [62, 87]
    assert "approve" in detail["available_actions"]  # the workflow still counts every review


# --- the one rule, at the querysets every rendering reads --------------------------------------------


def test_the_querysets_are_the_rule(scene, db):
    users, pk = scene.users, scene.application.pk

    def review_events(role: str) -> list[str]:
        events = ApplicationEvent.objects.visible_to(users[role]).filter(application_id=pk)
        return [e.actor.username for e in events.filter(action=Action.REVIEW)]

    def assignments(role: str) -> set[str]:
        rows = ReviewAssignment.objects.visible_to(users[role]).filter(application_id=pk)
        return {row.reviewer.username for row in rows}

    for role in SEES_ALL:
        assert review_events(role) == [EXPERT_A] and assignments(role) == {EXPERT_A, EXPERT_B}, role
        assert Review.objects.visible_to(users[role]).filter(assignment__application_id=pk).count() == 1
    assert review_events("expert_a") == [EXPERT_A] and assignments("expert_a") == {EXPERT_A}
    assert review_events("expert_b") == [] and assignments("expert_b") == {EXPERT_B}
    for role in ("firm", "other_firm", "cw_out", "expert_c", "expert_district"):
        assert review_events(role) == [] and assignments(role) == set(), role
        assert not Review.objects.visible_to(users[role]).exists(), role
    firm_events = ApplicationEvent.objects.visible_to(users["firm"]).filter(application_id=pk)
    assert not firm_events.filter(to_status=Status.CITY_REVIEW).exists()  # an internal step for firms
