"""POST to every portal view that changes something, as every role: a refused role changes nothing,
an allowed one changes what it may, and nobody changes another firm's or another person's records.

Each probe names the request, a snapshot of the state it could touch (firm A's rows, or other people's),
and per role either the refusal code (state must be unchanged) or ``CHANGES`` (state must differ).
``OWN`` marks a role whose request is accepted but acts on its own records only: the snapshot of firm
A / of other people must stay the same.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from cultivation.models import Application, Attestation, Designation, ReviewAssignment
from cultivation.models.alerts import AlertDelivery, AlertPreference
from cultivation.rules.attestations import ATTESTATION_CHOICES
from cultivation.workflow import Status
from registry.models import FIGURE_FIELDS, AnnualFigures
from tests.factories import UserFactory

from .expectations import LOGIN, row
from .matrix import check
from .world import PDF, ROLES, World

CHANGES, OWN = "changes", "own"


@dataclass(frozen=True)
class Probe:
    name: str
    url: Callable[[World], str]
    data: Callable[[World], dict]
    state: Callable[[World], object]
    expect: dict[str, str]
    prepare: Callable[[World], None] | None = None


def _figures(world: World) -> dict:
    row_ = AnnualFigures.objects.get(firm=world.a.firm, year=world.a.figures_year)
    data = {k: v for k, v in model_to_dict(row_, fields=["year", *FIGURE_FIELDS]).items() if v is not None}
    return {**data, "employees": 181}


def _a_figures(world: World):
    return list(AnnualFigures.objects.filter(firm=world.a.firm).values_list("year", "employees"))


def _other_code() -> str:
    return next(code for code, _label in ATTESTATION_CHOICES if code != "own_brand")


def _reopen_apply(world: World) -> None:
    """Close A's open 创新型 application and title so a new one may be opened (rolled back after the test)."""
    Application.objects.filter(pk=world.a.application.pk).update(status=Status.WITHDRAWN)
    Designation.objects.filter(pk=world.a.designation.pk).delete()


def _deliveries(world: World):
    return sorted(AlertDelivery.objects.values_list("pk", "read_at"))


def _preferences(world: World):
    return sorted(AlertPreference.objects.values_list("user_id", "email"))


def _status(attr: str) -> Callable[[World], str]:
    return lambda w: Application.objects.get(pk=getattr(w.a, attr).pk).status


def _assigned(world: World):
    return sorted(
        ReviewAssignment.objects.filter(application=world.a.city_application).values_list("reviewer")
    )


def _assign_data(world: World) -> dict:
    second = UserFactory(username="access-expert-2", roles=["reviewer"], is_staff=True)
    due = timezone.localdate() + datetime.timedelta(days=14)
    return {"reviewers": [world.users["reviewer"].pk, second.pk], "due_at": due.isoformat()}


FIRM_WRITE = row(LOGIN, CHANGES, OWN, "403", "403", "403", "403", "403")
PROBES = [
    Probe(
        "figures-edit",
        lambda w: reverse("portal:figures-edit", args=[w.a.figures_year]),
        _figures,
        _a_figures,
        FIRM_WRITE,
    ),
    Probe(  # the what-if saves nothing, whoever asks
        "self-check",
        lambda w: reverse("portal:self-check"),
        _figures,
        _a_figures,
        row(LOGIN, "200", "200", "403", "403", "403", "403", "403"),
    ),
    Probe(
        "attestations",
        lambda w: reverse("portal:attestations"),
        lambda w: {"code": _other_code(), "evidence": SimpleUploadedFile("p.pdf", PDF, "application/pdf")},
        lambda w: Attestation.objects.filter(firm=w.a.firm).count(),
        FIRM_WRITE,
    ),
    Probe(
        "apply",
        lambda w: reverse("portal:apply"),
        lambda w: {"tier": "innovative_sme", "kind": "new"},
        lambda w: Application.objects.filter(firm=w.a.firm).count(),
        row(LOGIN, CHANGES, "400", "403", "403", "403", "403", "403"),  # B already has one open
        prepare=_reopen_apply,
    ),
    Probe(
        "application-act",
        lambda w: reverse("portal:application-act", args=[w.a.application.pk]),
        lambda w: {"action": "withdraw"},
        _status("application"),
        row(LOGIN, CHANGES, "404", "403", "403", "403", "403", "403"),
    ),
    Probe(  # firm A's alert: each recipient marks their own copy; others find nothing
        "inbox-read",
        lambda w: reverse("portal:inbox-read", args=[w.a.alert.pk]),
        lambda w: {},
        _deliveries,
        row(LOGIN, CHANGES, "404", CHANGES, "404", "404", "404", "404"),
    ),
    Probe(  # "mark all read" marks the user's own inbox only
        "inbox-read-all",
        lambda w: reverse("portal:inbox-read-all"),
        lambda w: {},
        lambda w: [d for d in _deliveries(w) if d[0] != w.staff_delivery.pk],
        row(LOGIN, CHANGES, CHANGES, OWN, CHANGES, OWN, OWN, OWN),
    ),
    Probe(  # the email preference is the user's own: cw_in's never changes unless cw_in asks
        "inbox-preferences",
        lambda w: reverse("portal:inbox-preferences"),
        lambda w: {"email": "off"},
        lambda w: AlertPreference.objects.get(pk=w.staff_preference.pk).email,
        row(LOGIN, OWN, OWN, CHANGES, OWN, OWN, OWN, OWN),
    ),
    Probe(
        "staff-application-act",
        lambda w: reverse("portal:staff-application-act", args=[w.a.application.pk]),
        lambda w: {"action": "accept"},
        _status("application"),
        # the city expert is not assigned to firm A's submitted application: it is not there for them
        row(LOGIN, "403", "403", CHANGES, "404", CHANGES, "404", CHANGES),
    ),
    Probe(  # a service-only row (revocation's terminate) is nobody's to post, whatever their rank
        "staff-application-terminate",
        lambda w: reverse("portal:staff-application-act", args=[w.a.city_application.pk]),
        lambda w: {"action": "terminate", "reason": "伪造"},
        _status("city_application"),
        row(LOGIN, "403", "403", "400", "404", "400", "400", "400"),
    ),
    Probe(  # only city-level caseworkers assign experts
        "staff-assign",
        lambda w: reverse("portal:staff-assign", args=[w.a.city_application.pk]),
        _assign_data,
        _assigned,
        row(LOGIN, "403", "403", "403", "404", CHANGES, "403", CHANGES),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("probe", PROBES, ids=[p.name for p in PROBES])
def test_a_post_changes_only_what_the_role_may(probe: Probe, role: str, world, client_for):
    if probe.prepare:
        probe.prepare(world)
    data = probe.data(world)
    before = probe.state(world)
    url = probe.url(world)
    response = client_for(role).post(url, data)
    expected = probe.expect[role]
    after = probe.state(world)
    if expected == CHANGES:
        assert response.status_code == 302, (response.status_code, response.content.decode()[-3000:])
        assert after != before
    elif expected == OWN:
        assert response.status_code in (200, 302), response.status_code
        assert after == before
    else:
        assert check(response, expected, url) is None, check(response, expected, url)
        assert after == before


@pytest.mark.parametrize("role", ROLES)
def test_evidence_is_the_file_itself_for_those_allowed(role: str, world, client_for):
    """Firm A's evidence: the owner and staff who see firm A download the file, others get nothing."""
    response = client_for(role).get(reverse("portal:evidence", args=[world.a.attestation.pk]))
    if role in ("firm_a", "cw_in", "cw_city", "reviewer", "admin"):
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == PDF
    else:
        assert response.status_code in (302, 404)
        assert PDF not in response.content
