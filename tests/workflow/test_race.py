"""Two people taking the same action at once: one transition, one clear refusal (PostgreSQL row locks).

Each thread has its own database connection; a barrier releases them together, and the winner holds
the row lock a little longer (a slowed event write) so the loser is sure to be waiting on it. Without
``select_for_update`` both would read the old stage and both would write an event.
"""

from __future__ import annotations

import time

import pytest
from rest_framework.test import APIClient

from cultivation.models import ApplicationEvent
from cultivation.services import application_transition
from cultivation.services import applications as service
from cultivation.workflow import Action, Status, TransitionConflict
from tests.concurrency import race
from tests.factories import application_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def slow_event_writes(monkeypatch):
    record = service._record

    def slowly(*args, **kwargs):
        time.sleep(0.3)
        return record(*args, **kwargs)

    monkeypatch.setattr(service, "_record", slowly)


def test_two_caseworkers_accepting_at_once_give_one_transition_and_one_conflict(firm, people, monkeypatch):
    application = application_in(Status.SUBMITTED, firm)
    slow_event_writes(monkeypatch)

    def accept(actor):
        return lambda: (
            application_transition(application=application, action=Action.ACCEPT, actor=actor).status
        )

    outcomes = race(accept(people.district_cw), accept(people.city_cw))
    conflicts = [o for o in outcomes if isinstance(o, TransitionConflict)]
    assert len(conflicts) == 1 and "区县初审" in str(conflicts[0]), outcomes
    assert [o for o in outcomes if o is not conflicts[0]] == [Status.DISTRICT_REVIEW]
    application.refresh_from_db()
    assert application.status == Status.DISTRICT_REVIEW
    assert ApplicationEvent.objects.filter(application=application).count() == 1


def test_the_api_answers_409_to_the_one_who_came_second(firm, people, monkeypatch):
    application = application_in(Status.CITY_REVIEW, firm, reviewers=[people.expert], reviewed=True)
    slow_event_writes(monkeypatch)

    def by_service():
        return application_transition(
            application=application, action=Action.REJECT, actor=people.superuser, reason="材料不实"
        ).status

    def by_api():
        client = APIClient()
        client.force_authenticate(people.city_cw)
        response = client.post(
            f"/api/applications/{application.pk}/transition/", {"action": "approve"}, format="json"
        )
        return response.status_code

    outcomes = race(by_service, by_api)
    application.refresh_from_db()
    assert ApplicationEvent.objects.filter(application=application).count() == 1
    if application.status == Status.REJECTED:
        assert outcomes == [Status.REJECTED, 409]
    else:
        assert application.status == Status.PUBLIC_NOTICE
        assert outcomes[1] == 200 and isinstance(outcomes[0], TransitionConflict)
