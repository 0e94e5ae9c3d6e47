"""Issue 17 item 6: the self-check reads right.

Alternatives are grouped ("满足任一即可"): once one route is met the others are not shown as failures
with money still missing; while none is, the nearest route comes first. Clusters are named, not coded;
a banded growth row shows the rate against its bar. Judged through facts of real firms
(``tests/rules/builders``) and through the portal page a firm's clerk opens.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cultivation.alternatives import NOT_NEEDED
from cultivation.reports import render_eligibility
from cultivation.rules import evaluate
from cultivation.selectors import eligibility_of_firm
from cultivation.tiers import GAZELLE, INNOVATIVE_SME, LITTLE_GIANT, SRDI_SME
from cultivation.views.presenters import report_tiers
from registry.models import Cluster
from tests.rules import builders as b

pytestmark = pytest.mark.django_db


def tier_rows(facts, tier: str) -> list[dict[str, Any]]:
    """The rows the portal prints for ``tier``, in order."""
    report = evaluate(facts, b.CN_AND_CQ).to_dict()
    (view,) = [view for view in report_tiers(report) if view.code == tier]
    return view.criteria


def row(rows: list[dict[str, Any]], code: str) -> dict[str, Any]:
    (found,) = [r for r in rows if r["code"] == code]
    return found


def test_a_met_score_leaves_the_direct_conditions_not_needed_and_without_a_gap():
    rows = tier_rows(b.firm(), INNOVATIVE_SME)
    codes = [r["code"] for r in rows]
    group = codes[codes.index("score") :]
    assert group == ["score", "d1_st_award", "d2_honours", "d3_rd_institution", "d4_equity_financing"]
    assert "满足任一即可" in row(rows, "score")["alt_head"]
    equity = row(rows, "d4_equity_financing")
    assert equity["status"] == "not_met"  # the evaluator's answer is kept for the API …
    assert equity["display"] == NOT_NEEDED and equity["status_label"] == "无需满足"  # … the page reads it
    assert equity["cells"]["gap"] == "" and "需新增股权融资" not in equity["message"]
    assert row(rows, "score")["display"] == "met"


def test_srdi_revenue_met_makes_the_financing_route_unneeded():
    rows = tier_rows(b.firm(designations=frozenset({INNOVATIVE_SME})), SRDI_SME)
    assert row(rows, "c3_revenue")["display"] == "met"
    financing = row(rows, "c3_equity_financing")
    assert financing["display"] == NOT_NEEDED and financing["cells"]["gap"] == ""


def test_the_little_giant_route_met_comes_first_and_the_direct_routes_are_not_needed():
    rows = tier_rows(b.giant(), LITTLE_GIANT)
    codes = [r["code"] for r in rows]
    start = codes.index("g1_rd_by_revenue")
    assert codes[start : start + 5] == [
        "g1_rd_by_revenue",
        "g2_rd_institution",
        "g3_class1_ip",
        "direct_national_award",
        "direct_maker_china",
    ]
    assert {row(rows, code)["display"] for code in ("direct_national_award", "direct_maker_china")} == {
        NOT_NEEDED
    }
    assert row(rows, "direct_national_award")["alt_route_start"]


def test_with_no_route_met_the_nearest_comes_first_and_each_keeps_its_gap():
    # Revenue 500 of the 1000 wanted; financing 1900 of the 2000 wanted: financing is nearer.
    facts = b.firm(
        designations=frozenset({INNOVATIVE_SME}),
        years={2024: {"operating_revenue": b.D("500"), "equity_financing": b.D("1900")}},
    )
    rows = tier_rows(facts, SRDI_SME)
    codes = [r["code"] for r in rows]
    assert codes.index("c3_equity_financing") < codes.index("c3_revenue")
    head = row(rows, "c3_equity_financing")["alt_head"]
    assert "满足任一即可" in head and "差距由小到大" in head
    assert row(rows, "c3_equity_financing")["cells"]["gap"] == "需新增股权融资 100.00 万元"
    assert row(rows, "c3_revenue")["display"] == "not_met" and row(rows, "c3_revenue")["cells"]["gap"]


def test_the_gazelle_cluster_is_named_not_coded():
    name = Cluster.objects.get(code="intelligent-equipment").name_zh
    message = row(tier_rows(b.firm(cluster="intelligent-equipment"), GAZELLE), "cluster")["message"]
    assert message.endswith(f"所属集群 {name}") and "intelligent-equipment" not in message


def test_the_gazelle_growth_row_shows_the_rate_against_its_bar():
    cells = row(tier_rows(b.firm(), GAZELLE), "revenue_cagr")["cells"]
    assert cells == {"value": "25.99%", "bar": "≥ 20%", "gap": ""}  # not the start year's 5000 万元


def test_the_report_names_the_alternative_routes_for_every_reader():
    tiers = evaluate(b.giant(), b.CN_AND_CQ).to_dict()["tiers"]
    assert tiers[LITTLE_GIANT]["alternatives"] == [
        [
            ["g1_rd_by_revenue", "g2_rd_institution", "g3_class1_ip"],
            ["direct_national_award"],
            ["direct_maker_china"],
        ]
    ]
    assert "alternatives" not in tiers[GAZELLE]  # a tier without alternatives is unchanged


def test_the_admin_panel_shows_the_same_grouping(firm):
    html = render_eligibility(eligibility_of_firm(firm).to_dict())
    assert "满足任一即可" in html and "无需满足" in html
    assert "所属集群 intelligent-equipment" not in html


def test_the_self_check_page_groups_alternatives_and_names_the_cluster(firm_client, firm):
    page = firm_client.get(reverse("portal:self-check")).content.decode()
    name = Cluster.objects.get(code="intelligent-equipment").name_zh
    assert "满足任一即可" in page
    assert 'class="status status--not_needed">无需满足' in page
    assert f"所属集群 {name}" in page and "所属集群 intelligent-equipment" not in page
    assert 'class="col-gap">还差</th>' in page
