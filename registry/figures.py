"""The annual figures a firm files: the one declaration every list of them is derived from.

The model (``AnnualFigures``), its forms, the import file, the API, the demo and the rules engine
(``YearFigures``, the parser, the labels of missing figures) all read their field lists here, so a
figure added, removed or reordered here is added, removed or reordered everywhere at once. Plain
Python with no model: the rules engine imports it without importing Django's models.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DECIMAL, COUNT = "decimal", "count"


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure of a fiscal year: its field name, its kind and its two labels."""

    name: str
    kind: str  # DECIMAL: an amount with two places (万元 or million USD); COUNT: a whole number
    label: Promise  # short, for sentences: the rules name missing figures with it
    verbose_name: Promise  # with the unit, on forms and column headers: the model field's name


FIGURES: tuple[Figure, ...] = (
    Figure("operating_revenue", DECIMAL, _("营业收入"), _("营业收入（万元）")),
    Figure("main_business_revenue", DECIMAL, _("主营业务收入"), _("主营业务收入（万元）")),
    Figure("rd_expense", DECIMAL, _("研发费用"), _("研发费用（万元）")),
    Figure("net_profit", DECIMAL, _("净利润"), _("净利润（万元）")),
    Figure("total_assets", DECIMAL, _("资产总额"), _("资产总额（万元）")),
    Figure("total_liabilities", DECIMAL, _("负债总额"), _("负债总额（万元）")),
    Figure("employees", COUNT, _("从业人员"), _("从业人员（人）")),
    Figure("rd_staff", COUNT, _("研发人员"), _("研发人员（人）")),
    Figure("class1_ip", COUNT, _("Ⅰ类知识产权"), _("Ⅰ类知识产权（件）")),
    Figure("class2_ip", COUNT, _("Ⅱ类知识产权"), _("Ⅱ类知识产权（件）")),
    # New equity financing that year (qualified investors, paid-in).
    Figure("equity_financing", DECIMAL, _("新增股权融资"), _("当年新增股权融资（万元）")),
    Figure("valuation_usd_m", DECIMAL, _("最新投后估值"), _("最新估值（百万美元）")),
    Figure("cumulative_financing_usd_m", DECIMAL, _("累计融资额"), _("累计融资（百万美元）")),
)
FIGURE = {figure.name: figure for figure in FIGURES}

# What a year records besides ``year`` and ``audited``, in the order forms and files show them.
FIGURE_FIELDS = tuple(figure.name for figure in FIGURES)
DECIMAL_FIELDS = tuple(figure.name for figure in FIGURES if figure.kind == DECIMAL)
COUNT_FIELDS = tuple(figure.name for figure in FIGURES if figure.kind == COUNT)
FIGURE_LABELS = {figure.name: figure.label for figure in FIGURES}
