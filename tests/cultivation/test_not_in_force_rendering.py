"""Issue 15 item 9: a tier whose rules are not in force yet is shown as such everywhere a report is
shown — the admin panel and application snapshot (``render_eligibility``), the portal's self-check
table, and the ``evaluate`` command — never as "暂不符合"."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string

from cultivation.reports import render_eligibility, report_lines, tier_views
from cultivation.selectors import eligibility_of_firm
from cultivation.views.presenters import report_tiers
from tests.factories import add_figures, make_firm

pytestmark = pytest.mark.django_db

BEFORE, ON = datetime.date(2023, 12, 30), datetime.date(2023, 12, 31)
MESSAGE = "该称号的重庆市认定标准自 2023-12-31 起施行"


@pytest.fixture
def firm():
    """A firm with 2022's figures, the last year filed when the Chongqing standards came in."""
    firm = make_firm()
    add_figures(firm, 2022)
    return firm


def test_the_report_views_carry_the_outcome(firm):
    report = eligibility_of_firm(firm, BEFORE).to_dict()
    views = {view.code: view for view in tier_views(report)}
    assert views["gazelle"].in_force is False and views["gazelle"].verdict == "标准尚未施行"
    assert views["gazelle"].message == MESSAGE
    assert views["innovative_sme"].in_force is True and views["innovative_sme"].rule_set == "CN-2022"
    on = {view.code: view for view in tier_views(eligibility_of_firm(firm, ON).to_dict())}
    assert on["gazelle"].in_force is True and on["gazelle"].verdict in ("符合", "暂不符合", "待佐证确认")


def test_admin_panel_and_snapshot_fragment_show_the_message(firm):
    html = render_eligibility(eligibility_of_firm(firm, BEFORE).to_dict())
    assert MESSAGE in html and "标准尚未施行" in html and "CN-2022 + CQ-2023" not in html
    assert "CN-2022" in html
    assert MESSAGE not in render_eligibility(eligibility_of_firm(firm, ON).to_dict())


def test_a_snapshot_stored_before_issue_15_still_renders():
    old = {
        "rule_set": "CN-2022",
        "as_of": "2025-06-30",
        "provisional": False,
        "tiers": {"gazelle": {"eligible": False, "score": None, "provisional": False, "criteria": []}},
    }
    view = tier_views(old)[0]
    assert view.in_force is True and view.verdict == "暂不符合"
    assert "暂不符合" in render_eligibility(old) and "标准尚未施行" not in render_eligibility(old)


def test_portal_self_check_table_shows_the_message(firm):
    tiers = report_tiers(eligibility_of_firm(firm, BEFORE).to_dict())
    html = render_to_string("portal/_report.html", {"tiers": tiers, "open_codes": set()})
    assert MESSAGE in html and "标准尚未施行" in html


def test_evaluate_command_prints_the_message(firm, capsys):
    call_command("evaluate", firm.credit_code, "--as-of", BEFORE.isoformat())
    out = capsys.readouterr().out
    assert "[标准尚未施行] 瞪羚企业 (gazelle)" in out and MESSAGE in out
    lines = report_lines(eligibility_of_firm(firm, ON).to_dict())
    assert lines[0].startswith("规则集: CN-2022 + CQ-2023")
    call_command("evaluate", firm.credit_code, "--as-of", BEFORE.isoformat(), "--rule-set", "CQ-2023")
    assert MESSAGE not in capsys.readouterr().out  # named explicitly: judged by CQ-2023 anyway
