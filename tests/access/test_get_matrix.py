"""GET every non-API page as every role: the code the table expects, and no other firm's name on it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .expectations import ADMIN, OUT, UNASSIGNED
from .matrix import Case, cases, check, expectation, leaks, url_of
from .world import MARKERS, ROLES

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_role_gets_what_the_table_says(case: Case, world, client_for):
    url = url_of(case, world)
    wrong = {}
    for role in ROLES:
        response = client_for(role).get(url)
        problem = check(response, expectation(case, role), url)
        shown = leaks(response, role)
        if problem or shown:
            wrong[role] = problem or f"shows {shown}"
    assert not wrong, f"{url}: {wrong}"


SCOPED_LISTS = [label for label, spec in ADMIN.items() if spec.hidden in (OUT, UNASSIGNED)]


@pytest.mark.parametrize("label", SCOPED_LISTS)
def test_changelists_list_the_records_in_scope_and_only_those(label, world, client_for):
    """The leak check above is not vacuous: each district's caseworker finds its own firm's record."""
    app_label, model = label.lower().split(".")
    url = reverse(f"admin:{app_label}_{model}_changelist")
    for role, mine, theirs in (("cw_in", "a", "b"), ("cw_out", "b", "a")):
        page = client_for(role).get(url).content.decode()
        assert MARKERS[mine] in page and MARKERS[theirs] not in page, (role, url)


def test_query_parameters_cannot_widen_the_scope(world, client_for):
    """Filters name another district or firm: refused, or answered from the user's own scope only."""
    client = client_for("cw_in")
    other = world.b.firm
    for name in ("portal:dashboard", "portal:dashboard-csv", "portal:dashboard-print"):
        assert client.get(reverse(name), {"district": other.district.code}).status_code == 400
    for name, query in (
        ("portal:case-queue", {"firm": other.credit_code}),
        ("portal:inbox", {"district": other.district.code}),
        ("admin:registry_firm_changelist", {"district__id__exact": other.district_id}),
        ("admin:cultivation_application_changelist", {"q": other.credit_code}),
    ):
        response = client.get(reverse(name), query)
        assert response.status_code == 200 and MARKERS["b"] not in response.content.decode(), name
