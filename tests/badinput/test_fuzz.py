"""Property-based fuzzing (hypothesis) of the what-if endpoint and the credit-code field.

* Any JSON at all posted to ``/api/eligibility/`` is answered 200 or 400, never 500; a 400 is in the
  API's error shape.
* A valid what-if body gives exactly the report the stored evaluator gives for a firm holding the same
  facts in the register (``/api/firms/{code}/eligibility/``).
* Any text through the credit-code validators, the model field, the admin form and the API is either
  accepted or refused with a ``ValidationError`` (400) -- never another exception; generated codes
  round-trip through normalisation; every substitution and every adjacent transposition is caught.

Example counts are bounded so the whole module runs in a few seconds.
"""

from __future__ import annotations

import datetime
import itertools
import json
from decimal import ROUND_DOWN, Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from api.examples import WHAT_IF_EXAMPLE
from cultivation.models import Designation
from registry import credit_code
from registry.admin import FirmForm
from registry.credit_code import CHARSET, is_valid, make_code, normalise
from registry.models import AnnualFigures, Cluster, Firm
from tests.factories import FirmFactory, district

pytestmark = pytest.mark.django_db


def bounded(examples: int) -> settings:
    """A bounded run (CI time), no per-example deadline (a shared CI core), DB fixtures allowed."""
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )


WHAT_IF_KEYS = [*WHAT_IF_EXAMPLE, "disqualifications", "listed", "unknown"]
YEAR_KEYS = [*WHAT_IF_EXAMPLE["years"][0], "audited"]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["2024", "2025-06-30", "-1", "1e400", "CN-2022", "innovative_sme", "own_brand"])
)
any_json = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
)
year_rows = st.dictionaries(st.sampled_from(YEAR_KEYS), any_json, max_size=6)
shaped_bodies = st.fixed_dictionaries(
    {},
    optional={
        key: any_json | st.lists(year_rows, max_size=3) if key == "years" else any_json
        for key in WHAT_IF_KEYS
    },
)


@pytest.fixture
def api(caseworker) -> APIClient:
    client = APIClient()
    client.force_authenticate(caseworker)
    return client


def post_raw(api, body) -> object:
    # allow_nan: NaN and Infinity tokens are sent as such (the parser must refuse them, not crash)
    return api.post("/api/eligibility/", json.dumps(body, allow_nan=True), content_type="application/json")


def assert_answered(response) -> None:
    assert response.status_code in (200, 400), (response.status_code, response.content[:300])
    if response.status_code == 400:
        assert set(response.json()) == {"detail", "fields"}


@bounded(40)
@given(body=any_json)
def test_what_if_answers_any_json_with_200_or_400(api, body):
    assert_answered(post_raw(api, body))


@bounded(50)
@given(body=shaped_bodies)
def test_what_if_answers_what_if_shaped_junk_with_200_or_400(api, body):
    assert_answered(post_raw(api, body))


# --- valid bodies: the what-if agrees with the stored evaluator ------------------------------------

AS_OF = datetime.date(2026, 6, 30)
CENT = Decimal("0.01")
money = st.integers(min_value=0, max_value=5_000_000).map(lambda cents: Decimal(cents) / 100)


@st.composite
def year_figures(draw, year: int) -> dict:
    revenue = draw(money)
    employees = draw(st.integers(min_value=1, max_value=2000))
    return {
        "year": year,
        "operating_revenue": revenue,
        "main_business_revenue": (revenue * draw(st.integers(0, 100)) / 100).quantize(CENT, ROUND_DOWN),
        "rd_expense": draw(money),
        "net_profit": draw(money) - draw(money),
        "total_assets": draw(money),
        "total_liabilities": draw(money),
        "employees": employees,
        "rd_staff": draw(st.integers(min_value=0, max_value=employees)),
        "class1_ip": draw(st.integers(0, 20)),
        "class2_ip": draw(st.integers(0, 40)),
        "equity_financing": draw(money),
    }


@st.composite
def firm_facts(draw) -> dict:
    founded = draw(st.dates(datetime.date(1990, 1, 1), datetime.date(2024, 12, 31)))
    first_year = draw(st.integers(2019, 2025))
    count = draw(st.integers(1, 3))
    return {
        "founded_on": founded,
        "niche_since": draw(st.none() | st.integers(founded.year, 2025)),
        "sector": draw(st.sampled_from(["industry", "software"])),
        "strategic_emerging": draw(st.booleans()),
        "listed": draw(st.booleans()),
        "cluster": draw(st.none() | st.sampled_from(["intelligent-equipment", "servers"])),
        "designations": draw(st.sets(st.sampled_from(["innovative_sme", "srdi_sme"]), max_size=1)),
        "years": [draw(year_figures(year)) for year in range(first_year, min(first_year + count, 2026))],
    }


def what_if_body(facts: dict) -> dict:
    body = {key: value for key, value in facts.items() if key != "years"}
    body["founded_on"] = facts["founded_on"].isoformat()
    body["designations"] = sorted(facts["designations"])
    body["years"] = [
        {k: str(v) if isinstance(v, Decimal) else v for k, v in row.items()} for row in facts["years"]
    ]
    return {
        **body,
        "rule_set": "CN-2022",
        "as_of": AS_OF.isoformat(),
        "attested": {},
        "disqualifications": [],
    }


_codes = itertools.count(1)


def store(facts: dict) -> Firm:
    """The same facts as register records: a firm, its figures and its designations."""
    cluster = Cluster.objects.get(code=facts["cluster"]) if facts["cluster"] else None
    firm = FirmFactory(
        credit_code=make_code(f"91500112MA{next(_codes):07d}"),
        district=district("500112"),
        founded_on=facts["founded_on"],
        niche_since=facts["niche_since"],
        sector=facts["sector"],
        strategic_emerging=facts["strategic_emerging"],
        is_listed=facts["listed"],
        cluster=cluster,
    )
    AnnualFigures.objects.bulk_create(AnnualFigures(firm=firm, **row) for row in facts["years"])
    for tier in facts["designations"]:
        Designation.objects.create(
            firm=firm, tier=tier, granted_on=datetime.date(2025, 1, 1), expires_on=datetime.date(2028, 1, 1)
        )
    return firm


@bounded(12)
@given(facts=firm_facts())
def test_a_valid_what_if_agrees_with_the_stored_evaluator(api, facts):
    what_if = post_raw(api, what_if_body(facts))
    assert what_if.status_code == 200, what_if.json()
    firm = store(facts)
    stored = api.get(f"/api/firms/{firm.credit_code}/eligibility/", {"as_of": AS_OF, "rule_set": "CN-2022"})
    assert stored.status_code == 200
    # The stored report judges the tiers the firm holds as a 复核 (issue 15 item 7), the others as new.
    held = set(facts["designations"])
    tiers = stored.json()["tiers"]
    assert {t: r for t, r in what_if.json()["tiers"].items() if t not in held} == {
        t: r for t, r in tiers.items() if t not in held
    }
    if held:
        renewal = post_raw(api, {**what_if_body(facts), "application_kind": "renewal"})
        assert {t: renewal.json()["tiers"][t] for t in held} == {t: tiers[t] for t in held}


# --- the credit code --------------------------------------------------------------------------------

first17 = st.tuples(
    st.sampled_from("159Y"),
    st.sampled_from("123"),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(CHARSET, min_size=9, max_size=9),
).map("".join)
codes = first17.map(make_code)
near_codes = st.one_of(  # text that looks like a code: the interesting edge of the validators
    st.text(CHARSET + "IOSVZ abcxyz-\t\u3000０１", min_size=0, max_size=22),
    codes.flatmap(lambda code: st.integers(0, 17).map(lambda i: code[:i] + code[i + 1 :])),
    st.text(max_size=40),
)


def only_validation_errors(call, *args) -> bool:
    """True when the call accepted the value; False when it refused it with a ValidationError."""
    try:
        call(*args)
    except ValidationError:
        return False
    return True


@bounded(60)
@given(codes, st.data())
def test_codes_round_trip_through_normalisation(code, data):
    messy = "".join(
        data.draw(st.sampled_from(["", " ", "\t", "\u3000"])) + (c.lower() if data.draw(st.booleans()) else c)
        for c in code
    )
    assert normalise(messy) == code
    assert normalise(normalise(messy)) == normalise(messy)
    assert is_valid(normalise(messy))
    credit_code.validate_format(code)
    assert credit_code.checksum_error(code) is None


@bounded(200)
@given(codes, st.integers(0, 16))
def test_every_adjacent_transposition_is_caught(code, i):
    swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
    assert is_valid(swapped) == (swapped == code)


@bounded(150)
@given(near_codes)
def test_the_validators_raise_only_validation_errors(text):
    well_formed = only_validation_errors(credit_code.validate_format, text)
    assert well_formed == credit_code.is_well_formed(text)
    if well_formed:
        error = credit_code.checksum_error(text)
        assert (error is None) == is_valid(text)
        assert error is None or isinstance(error, ValidationError)
    field = Firm._meta.get_field("credit_code")
    accepted = only_validation_errors(field.clean, text, None)
    assert accepted == (normalise(text) != "" and credit_code.is_well_formed(normalise(text)))


@bounded(25)
@given(near_codes)
def test_the_admin_form_and_the_api_refuse_bad_codes_cleanly(caseworker, text):
    valid = is_valid(normalise(text))
    data = {"credit_code": text, "name": "重庆测试公司", "founded_on": "2018-01-01", "sector": "industry"}
    form = FirmForm(data={**data, "district": district("500112").pk})
    assert form.is_valid() == valid, form.errors
    api = APIClient()
    api.force_authenticate(caseworker)
    response = api.post("/api/firms/", {**data, "district": "500112"}, format="json")
    assert response.status_code == (201 if valid else 400), response.content[:300]
    if not valid:
        assert "credit_code" in response.json()["fields"]
    if valid:
        Firm.objects.filter(credit_code=normalise(text)).delete()
