"""Stored rule-set versions (P1): visible to staff, immutable, new versions by derivation."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from cultivation.models import RuleSet
from cultivation.rules import CN_2022, evaluate, in_force
from cultivation.selectors import eligibility_of_firm, rule_set_on
from cultivation.services import derive_rule_set
from tests.factories import FiguresFactory, FirmFactory

pytestmark = pytest.mark.django_db


def test_built_in_sets_are_stored_as_shipped():
    stored = RuleSet.objects.get(code="CN-2022")
    assert stored.definition == CN_2022.to_dict() and stored.builtin
    assert rule_set_on(datetime.date(2025, 5, 14)).code == "CN-2022"
    assert rule_set_on(datetime.date(2025, 5, 15)).code == "CN-2022-R2025"  # the 2025 小巨人 round
    assert rule_set_on(datetime.date(2026, 3, 31)).code == "CN-2022-R2025"
    assert rule_set_on(datetime.date(2026, 4, 1)).code == "CN-2026"
    # Chongqing's own sets are stored too, with their jurisdiction, and join the national one by date.
    assert dict(RuleSet.objects.values_list("code", "jurisdiction")) == {
        "CN-2022": "CN",
        "CQ-2023": "CQ",
        "CQ-2024": "CQ",
        "CN-2022-R2025": "CN",
        "CN-2026": "CN",
    }
    assert rule_set_on(datetime.date(2026, 4, 1)).codes == ("CN-2026", "CQ-2024")
    assert RuleSet.objects.get(code="CQ-2024").based_on.code == "CQ-2023"


def test_a_published_version_cannot_be_edited():
    stored = RuleSet.objects.get(code="CN-2022")
    stored.definition = {**stored.definition, "title": "tampered"}
    with pytest.raises(ValidationError):
        stored.save()


def srdi_rd_path() -> tuple[str, str]:
    """The 专精特新 R&D-expense criterion and its threshold param, read from the rule data."""
    criterion = CN_2022.criterion("srdi_sme.c2_rd_expense")
    assert criterion.params["threshold"] == Decimal("100")  # 100万元 (docs/RULES.md, srdi_sme)
    return "srdi_sme.c2_rd_expense", "threshold"


def test_derived_version_changes_one_threshold_and_leaves_the_base_alone(superuser):
    path, param = srdi_rd_path()
    base = RuleSet.objects.get(code="CN-2026")
    record = derive_rule_set(
        base=base,
        code="CQ-2027",
        effective_from=datetime.date(2027, 1, 1),
        overrides={path: {param: "150"}},
        note="提高研发费用门槛",
        actor=superuser,
    )
    assert record.based_on == base and record.created_by == superuser
    new = record.definition["tiers"]["srdi_sme"]["criteria"]
    old = base.definition["tiers"]["srdi_sme"]["criteria"]
    changed = [n["code"] for n, o in zip(new, old, strict=True) if n != o]
    assert changed == ["c2_rd_expense"]
    assert rule_set_on(datetime.date(2027, 1, 1)).code == "CQ-2027"
    assert rule_set_on(datetime.date(2026, 12, 31)).code == "CN-2026"


def test_derived_threshold_changes_the_evaluation(superuser):
    path, param = srdi_rd_path()
    firm = FirmFactory()
    FiguresFactory(firm=firm, year=2026, rd_expense=Decimal("120.00"))
    derive_rule_set(
        base=RuleSet.objects.get(code="CN-2026"),
        code="CQ-2027",
        effective_from=datetime.date(2027, 1, 1),
        overrides={path: {param: "150"}},
        actor=superuser,
    )
    as_of = datetime.date(2027, 6, 30)
    strict = eligibility_of_firm(firm, as_of)["srdi_sme"].criterion("c2_rd_expense")
    lenient = eligibility_of_firm(firm, as_of, "CN-2026")["srdi_sme"].criterion("c2_rd_expense")
    assert (strict.status, lenient.status) == ("not_met", "met")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"srdi_sme.no_such_criterion": {"x": 1}}, "overrides"),
        ({"srdi_sme.c2_rd_expense": {"no_such_param": 1}}, "overrides"),
    ],
)
def test_bad_overrides_publish_nothing(superuser, overrides, field):
    with pytest.raises(ValidationError) as caught:
        derive_rule_set(
            base=RuleSet.objects.get(code="CN-2026"),
            code="BAD-1",
            effective_from=datetime.date(2028, 1, 1),
            overrides=overrides,
            actor=superuser,
        )
    assert field in caught.value.message_dict
    assert not RuleSet.objects.filter(code="BAD-1").exists()


def test_same_effective_day_or_code_is_refused(superuser):
    base = RuleSet.objects.get(code="CN-2026")
    with pytest.raises(ValidationError):
        derive_rule_set(
            base=base, code="X", effective_from=base.effective_from, overrides={}, actor=superuser
        )
    with pytest.raises(ValidationError):
        derive_rule_set(
            base=base, code="CN-2022", effective_from=datetime.date(2030, 1, 1), overrides={}, actor=superuser
        )


def test_only_programme_admins_publish(caseworker):
    with pytest.raises(PermissionDenied):
        derive_rule_set(
            base=RuleSet.objects.get(code="CN-2026"),
            code="CQ-2027",
            effective_from=datetime.date(2027, 1, 1),
            overrides={},
            actor=caseworker,
        )


def test_caseworker_reads_rule_sets_and_thresholds_in_admin(client, caseworker):
    client.force_login(caseworker)
    listing = client.get("/admin/cultivation/ruleset/")
    assert listing.status_code == 200 and "CN-2026" in listing.text
    record = RuleSet.objects.get(code="CN-2022")
    detail = client.get(f"/admin/cultivation/ruleset/{record.pk}/change/")
    assert detail.status_code == 200 and "c2_rd_expense" in detail.text
    assert "derive" not in detail.text
    assert client.get(f"/admin/cultivation/ruleset/{record.pk}/derive/").status_code == 403


def test_admin_derive_form_publishes_a_version(client, superuser):
    path, param = srdi_rd_path()
    client.force_login(superuser)
    base = RuleSet.objects.get(code="CN-2026")
    response = client.post(
        f"/admin/cultivation/ruleset/{base.pk}/derive/",
        {
            "code": "CQ-2027",
            "effective_from": "2027-01-01",
            "title": "重庆 2027",
            "note": "调整",
            "overrides": json.dumps({path: {param: "150"}}),
        },
    )
    assert response.status_code == 302
    assert RuleSet.objects.get(code="CQ-2027").based_on == base
    bad = client.post(
        f"/admin/cultivation/ruleset/{base.pk}/derive/",
        {"code": "CQ-2028", "effective_from": "2028-01-01", "note": "x", "overrides": "{broken"},
    )
    assert bad.status_code == 200 and not RuleSet.objects.filter(code="CQ-2028").exists()


def test_firm_admin_shows_the_eligibility_panel(client, caseworker):
    firm = FirmFactory()
    FiguresFactory(firm=firm, year=datetime.date.today().year - 1)
    client.force_login(caseworker)
    page = client.get(f"/admin/registry/firm/{firm.pk}/change/")
    assert page.status_code == 200
    assert "tm-eligibility" in page.text and "创新型中小企业" in page.text


def test_evaluate_command_prints_the_report(capsys):
    firm = FirmFactory()
    FiguresFactory(firm=firm, year=2024)
    call_command("evaluate", firm.credit_code.lower(), "--as-of", "2025-06-30", "--rule-set", "CN-2022")
    out = capsys.readouterr().out
    assert firm.name in out and "CN-2022" in out and "innovative_sme" in out


def test_demo_firm_qualifies_for_a_tier():
    call_command("seed_demo", firms=0, verbosity=0)
    from registry.models import User

    firm = User.objects.get(username="demo-firm").firm
    assert eligibility_of_firm(firm).eligible_tiers()


def test_report_round_trip_evaluation_matches_stored_firm():
    firm = FirmFactory()
    FiguresFactory(firm=firm, year=2024)
    from cultivation.selectors import facts_for_firm

    facts = facts_for_firm(firm, datetime.date(2025, 6, 30))
    named = in_force(facts.as_of, named=CN_2022)  # CN-2022 named: the Chongqing set in force still joins
    assert evaluate(facts, named).to_dict() == eligibility_of_firm(firm, facts.as_of, "CN-2022").to_dict()


def test_admin_derived_chongqing_version_keeps_its_jurisdiction_and_line(client, superuser):
    """Issue 15 item 9: 基于此版本创建新版本 on CQ-2024 stays a Chongqing version; it may share its
    day with a national version, and from that day it rates the city's tiers next to the national set."""
    client.force_login(superuser)
    base = RuleSet.objects.get(code="CQ-2024")
    response = client.post(
        f"/admin/cultivation/ruleset/{base.pk}/derive/",
        {
            "code": "CQ-2026",
            "effective_from": "2026-04-01",  # CN-2026's day: another line, so allowed
            "title": "重庆 2026",
            "note": "提高瞪羚Ⅰ类知识产权要求",
            "overrides": json.dumps({"gazelle.class1_ip": {"threshold": 2}}),
        },
    )
    assert response.status_code == 302
    derived = RuleSet.objects.get(code="CQ-2026")
    assert derived.jurisdiction == "CQ" and derived.definition["jurisdiction"] == "CQ"
    assert rule_set_on(datetime.date(2026, 3, 31)).codes == ("CN-2022-R2025", "CQ-2024")
    assert rule_set_on(datetime.date(2026, 4, 1)).codes == ("CN-2026", "CQ-2026")
    with pytest.raises(ValidationError):  # but not a second Chongqing version on the same day
        derive_rule_set(
            base=derived, code="CQ-X", effective_from=datetime.date(2026, 4, 1), overrides={}, actor=superuser
        )
    listed = {s["code"]: s for s in client.get("/api/rule-sets/").json()["results"]}
    assert listed["CQ-2024"]["effective_until"] == "2026-03-31" and listed["CQ-2026"]["jurisdiction"] == "CQ"
