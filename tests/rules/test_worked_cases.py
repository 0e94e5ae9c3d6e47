"""Worked cases as data (issue 15 item 12): every case of every shipped file is a test, and the runner,
``manage.py rules_check`` and its ``--file`` option behave as a programme admin relies on them to."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cultivation.models import RuleSet
from cultivation.rules.catalogue import RULE_SETS
from cultivation.services import derive_rule_set
from cultivation.worked_cases import (
    CaseFileError,
    case_files,
    load_file,
    run_case,
    run_cases,
    shipped_without_cases,
    summary,
)


def _shipped() -> tuple[list, list[str]]:
    """Every shipped case, and the message of each file that cannot be read (a test of its own fails)."""
    cases, broken = [], []
    for path in case_files().values():
        try:
            cases += load_file(path)[1]
        except CaseFileError as error:
            broken.append(str(error))
    return cases, broken


SHIPPED, BROKEN = _shipped()


def test_every_shipped_case_file_reads():
    assert BROKEN == []


@pytest.mark.django_db
@pytest.mark.parametrize("case", SHIPPED, ids=[case.test_id for case in SHIPPED])
def test_worked_case(case):
    """Each shipped case gives, through the what-if's parser and evaluator, the outcome its source says."""
    outcome = run_case(case)
    assert outcome.passed, outcome.diff()


def test_every_shipped_rule_set_has_a_case_file():
    assert shipped_without_cases() == []
    assert {rule_set.code for rule_set in RULE_SETS} <= set(case_files())


def test_each_file_is_named_after_its_rule_set_and_every_case_cites_its_source():
    for code, path in case_files().items():
        file_code, cases = load_file(path)
        assert file_code == code, path
        assert cases, f"{path.name} has no cases"
        assert all(case.source for case in cases)


# --- the runner on files written for the purpose ----------------------------------------------------

SRDI_FIRM = """
      niche_since: 2014
      designations: [innovative_sme]
      attested: {chain_role: true, digital_level_3: true, quality_certification: true,
                 local_regional_unique: true}
      years:
        - {year: 2024, operating_revenue: "5000.00", main_business_revenue: "4500.00",
           rd_expense: "150.00", net_profit: "500.00", total_assets: "10000.00",
           total_liabilities: "4000.00", employees: 200, rd_staff: 10, class1_ip: 1}
        - {year: 2023, operating_revenue: "4500.00", main_business_revenue: "4000.00"}
        - {year: 2022, operating_revenue: "4000.00", main_business_revenue: "3500.00"}
"""


def case_file(tmp_path: Path, expect: str, *, rule_set: str = "CN-2022", facts: str = SRDI_FIRM) -> Path:
    """A one-case file: the 专精特新 firm at the 3% R&D bar, with the given expectation."""
    path = tmp_path / "cases.yaml"
    path.write_text(
        f"rule_set: {rule_set}\n"
        "cases:\n"
        "  - name: 研发强度3%\n"
        "    source: 专精特新认定标准 第（二）项\n"
        "    as_of: 2025-06-30\n"
        "    facts:\n"
        f"{textwrap.indent(textwrap.dedent(facts), '      ')}"
        "    expect:\n"
        f"{textwrap.indent(textwrap.dedent(expect), '      ')}",
        encoding="utf-8",
    )
    return path


@pytest.mark.django_db
def test_a_wrong_expectation_fails_with_a_diff_naming_tier_item_expected_and_actual(tmp_path):
    path = case_file(tmp_path, "srdi_sme: {eligible: false, deciding: c2_rd_intensity, score: '61'}\n")
    (outcome,) = run_cases(load_file(path)[1])
    assert not outcome.passed
    failing = [(row.item, row.expected, row.actual) for row in outcome.rows if not row.passed]
    assert failing == [
        ("eligible", "false", "true"),
        ("deciding c2_rd_intensity", "not_met|missing", "met"),
        ("score", "61", "60"),
    ]
    assert "srdi_sme eligible: 期望 false, 实际 true" in outcome.diff()


@pytest.mark.django_db
def test_the_same_case_passes_when_the_expectation_is_right(tmp_path):
    path = case_file(
        tmp_path,
        "srdi_sme: {eligible: true, score: '60', criteria: {c2_rd_intensity: met,"
        " rd_staff_share: {status: met, points: 1}}}\n",
    )
    (outcome,) = run_cases(load_file(path)[1])
    assert outcome.passed, outcome.diff()


@pytest.mark.django_db
def test_facts_the_api_refuses_are_refused_with_the_apis_message(tmp_path):
    path = case_file(tmp_path, "srdi_sme: {eligible: true}\n", facts="attested: {no_such_code: true}\n")
    (outcome,) = run_cases(load_file(path)[1])
    assert not outcome.passed and "未知的佐证事项代码：no_such_code" in outcome.error


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "rule_set: CN-2022\ncases:\n  - {name: a, as_of: 2025-06-30,"
            " expect: {srdi_sme: {eligible: true}}}\n",
            "缺少出处",
        ),
        ("rule_set: CN-2022\ncases:\n  - {name: a, source: s, as_of: 2025-06-30, expects: {}}\n", "未知的键"),
        (
            "rule_set: CN-2022\ncases:\n  - {name: a, source: s, as_of: 30/06/2025, expect: {x: {}}}\n",
            "as_of",
        ),
        (
            "rule_set: CN-2022\ncases:\n  - {name: a, source: s, as_of: 2025-06-30,"
            " facts: {as_of: 2025-01-01}, expect: {x: {}}}\n",
            "facts",
        ),
        (
            "rule_set: CN-2022\ncases:\n  - {name: a, source: s, as_of: 2025-06-30,"
            " expect: {srdi_sme: {criteria: {score: passed}}}}\n",
            "criteria",
        ),
        ("cases: []\n", "rule_set"),
        ("rule_set: CN-2022\ncases: [\n", "无法读取"),
    ],
)
def test_a_malformed_file_is_refused_with_a_clear_message(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseFileError, match=message):
        load_file(path)


# --- manage.py rules_check ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_rules_check_prints_a_table_and_passes_for_a_shipped_set(capsys):
    call_command("rules_check", "CN-2022")
    out = capsys.readouterr().out
    assert "PASS" in out and "FAIL" not in out and "个未通过" in out


@pytest.mark.django_db
def test_rules_check_all_runs_every_shipped_file(capsys):
    call_command("rules_check", "--all", "--failed")
    out = capsys.readouterr().out
    assert f"共 {len(SHIPPED)} 个案例：{len(SHIPPED)} 个通过，0 个未通过。" in out


@pytest.mark.django_db
def test_rules_check_exits_1_and_shows_the_failure(tmp_path, capsys):
    path = case_file(tmp_path, "srdi_sme: {eligible: false}\n")
    with pytest.raises(CommandError) as raised:
        call_command("rules_check", "--file", str(path))
    assert raised.value.returncode == 1
    assert "srdi_sme eligible: 期望 false, 实际 true" in str(raised.value)
    assert "FAIL" in capsys.readouterr().out


@pytest.mark.django_db
def test_rules_check_file_judges_a_version_derived_in_the_admin_and_stored_only_in_the_database(
    tmp_path, superuser
):
    """A programme admin raises the 专精特新 R&D bar to 4%: the parent's case at 3% now fails against the
    derived version, and the admin's own case for it (3% is now below the bar) passes."""
    derive_rule_set(
        base=RuleSet.objects.get(code="CN-2022"),
        code="CQ-TEST-1",
        effective_from=datetime.date(2030, 1, 1),
        overrides={"srdi_sme.c2_rd_intensity": {"threshold": "4"}},
        actor=superuser,
    )
    parents = case_file(tmp_path, "srdi_sme: {eligible: true, criteria: {c2_rd_intensity: met}}\n")
    call_command("rules_check", "CN-2022", "--file", str(parents))
    with pytest.raises(CommandError):
        call_command("rules_check", "CQ-TEST-1", "--file", str(parents))
    own = case_file(
        tmp_path, "srdi_sme: {eligible: false, deciding: c2_rd_intensity}\n", rule_set="CQ-TEST-1"
    )
    call_command("rules_check", "--file", str(own))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "请给出一个规则集代码"),
        (("--all", "CN-2022"), "--all"),
        (("NO-SUCH-SET",), "没有示例案例文件"),
        (("NO-SUCH-SET", "--file", "cultivation/rules/cases/CN-2022.yaml"), "规则集 NO-SUCH-SET 不存在"),
        (("--file", "/nonexistent/cases.yaml"), "无法读取案例文件"),
    ],
)
def test_rules_check_bad_usage_is_a_clear_error(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("rules_check", *args)


@pytest.mark.django_db
def test_a_fact_the_api_does_not_know_is_an_error_not_silently_dropped(tmp_path):
    path = case_file(
        tmp_path, "srdi_sme: {eligible: true}\n", facts=textwrap.dedent(SRDI_FIRM) + "niche_sinse: 2014\n"
    )
    (outcome,) = run_cases(load_file(path)[1])
    assert not outcome.passed and "niche_sinse" in outcome.error


# --- the rule-set admin page: 运行示例案例 -------------------------------------------------------------


def cases_url(code: str) -> str:
    return reverse("admin:cultivation_ruleset_cases", args=[RuleSet.objects.get(code=code).pk])


@pytest.mark.django_db
def test_admin_runs_a_shipped_versions_cases_and_links_them_from_its_page(client, caseworker):
    client.force_login(caseworker)
    page = client.get(
        reverse("admin:cultivation_ruleset_change", args=[RuleSet.objects.get(code="CN-2022").pk])
    )
    assert cases_url("CN-2022") in page.content.decode()
    response = client.get(cases_url("CN-2022"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "CN-2022.yaml" in text and "<strong>PASS</strong>" in text and "<strong>FAIL</strong>" not in text
    assert "0 个未通过" in text


@pytest.mark.django_db
def test_admin_runs_the_parents_cases_against_a_derived_version_and_shows_what_fails(client, superuser):
    derive_rule_set(
        base=RuleSet.objects.get(code="CN-2022"),
        code="CQ-TEST-1",
        effective_from=datetime.date(2030, 1, 1),
        overrides={"srdi_sme.c2_rd_intensity": {"threshold": "4"}},
        actor=superuser,
    )
    client.force_login(superuser)
    text = client.get(cases_url("CQ-TEST-1")).content.decode()
    assert "CN-2022.yaml" in text and "<strong>FAIL</strong>" in text
    assert "专精特新：研发费用占比恰为3.00%" in text


@pytest.mark.django_db
def test_admin_runs_an_uploaded_file_and_refuses_a_bad_one_with_a_message(client, superuser, tmp_path):
    client.force_login(superuser)
    path = case_file(tmp_path, "srdi_sme: {eligible: false}\n")
    with path.open("rb") as upload:
        response = client.post(cases_url("CN-2022"), {"file": upload})
    text = response.content.decode()
    assert response.status_code == 200 and "cases.yaml" in text and "<strong>FAIL</strong>" in text
    assert "1 个未通过" in text
    bad = SimpleUploadedFile("bad.yaml", b"rule_set: CN-2022\ncases: [\n")
    response = client.post(cases_url("CN-2022"), {"file": bad})
    assert response.status_code == 200 and "无法读取案例文件 bad.yaml" in response.content.decode()
    binary = SimpleUploadedFile("bad.yaml", b"\xff\xfe\x00")
    assert "UTF-8" in client.post(cases_url("CN-2022"), {"file": binary}).content.decode()


@pytest.mark.django_db
def test_a_case_naming_its_own_version_is_skipped_when_the_file_is_run_against_another():
    """CN-2022-R2025's switch-date cases name their versions: judged against a derived version they would
    say nothing about it, so they are skipped, and said to be."""
    _code, cases = load_file(case_files()["CN-2022-R2025"])
    outcomes = run_cases(cases, "CN-2022")
    skipped = [outcome.case.name for outcome in outcomes if outcome.skipped]
    assert "2025年小巨人：通知之日（2025-05-15）起适用2025年调整" in skipped
    assert f"另有 {len(skipped)} 个案例指定了其他规则集版本，已跳过。" in summary(outcomes)
