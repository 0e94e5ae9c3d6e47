"""The words results are told in: units, field labels, gaps, messages, and their memoised translation.

Below both ``results`` (which formats values and builds the JSON answer) and ``explain`` (which
writes the per-criterion message), so neither needs the other to find a text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from registry.figures import FIGURE_LABELS

from .values import Missing

UNITS: dict[str, Promise] = {
    "pct": _("{value}%"),
    "wan": _("{value} 万元"),
    "usd_m": _("{value} 百万美元"),
    "items": _("{value} 件"),
    "persons": _("{value} 人"),
    "years": _("{value} 年"),
    "points": _("{value} 分"),
}

# The figures' labels (one declaration with the model's fields) and the firm facts rules can miss.
FIELD_LABELS: dict[str, Promise] = {
    **FIGURE_LABELS,
    "founded_on": _("成立日期"),
    "niche_since": _("进入细分市场年份"),
}

GAPS: dict[str, Promise] = {
    "rd_expense": _("按当前营业收入需增加研发费用 {gap} 万元"),
    "rd_expense_plain": _("需增加研发费用 {gap} 万元"),
    "main_business_revenue": _("需增加主营业务收入 {gap} 万元"),
    "net_profit": _("需增加净利润 {gap} 万元"),
    "liabilities": _("需以资产偿还负债 {gap} 万元"),
    "rd_staff": _("需增加研发人员 {gap} 人"),
    "operating_revenue": _("需增加营业收入 {gap} 万元"),
    "class1_ip": _("还需 {gap} 件Ⅰ类知识产权"),
    "class2_ip": _("还需 {gap} 件Ⅱ类知识产权"),
    "years": _("还需 {gap} 年"),
    "equity_financing": _("需新增股权融资 {gap} 万元"),
    "valuation_usd_m": _("估值需提高 {gap} 百万美元"),
    "cumulative_financing_usd_m": _("累计融资需增加 {gap} 百万美元"),
    "points": _("还差 {gap} 分"),
}

MESSAGES: dict[str, Promise] = {
    "cmp_met": _("{label}：{value}，符合 {op} {threshold} 的要求"),
    "cmp_not_met": _("{label}：{value}，未达到 {op} {threshold} 的要求"),
    "missing": _("{label}：数据缺失（{detail}）"),
    "missing_year": _("{year} 年度{fields}"),
    "undefined_year": _("{year} 年度{fields}为零或负数，比率无法计算"),
    "attested_met": _("{label}：已确认"),
    "attested_pending": _("{label}：已申报，待经办人确认"),
    "attested_not_met": _("{label}：未申报或未获确认"),
    "points": _("{label}：得 {points} 分（满分 {max_points} 分）"),
    "points_value": _("{label}：{value}，得 {points} 分（满分 {max_points} 分）"),
    "points_next": _("达到 {op} {threshold} 可得更高分"),
    "points_pending": _("待确认事项确认后最高可得 {potential} 分"),
    "score_met": _("{label}：{value} 分，达到 {threshold} 分"),
    "score_not_met": _("{label}：{value} 分，未达到 {threshold} 分"),
    "score_class": _("{name} {points} 分（须不低于 {minimum} 分）"),
    "prerequisite_met": _("{label}：已持有有效称号"),
    "prerequisite_not_met": _("{label}：未持有有效称号"),
    "clean": _("{label}：未记录否决事项"),
    "disqualified": _("{label}：已记录否决事项：{detail}"),
    "disqualified_item": _("{flag}（{kind}否决）"),
    "sme_met": _("{label}：属于中小企业（{detail}）"),
    "sme_not_met": _("{label}：超出中小企业标准（{detail}）"),
    "sme_detail": _("从业人员须少于 {employees} 人或营业收入须低于 {revenue} 万元"),
    "founded_met": _("{label}：成立于 {value}，不早于 {threshold}"),
    "founded_not_met": _("{label}：成立于 {value}，早于 {threshold}"),
    "fact_met": _("{label}：符合"),
    "fact_not_met": _("{label}：不符合"),
    "cluster_met": _("{label}：所属集群 {value}"),
    "cluster_not_met": _("{label}：未登记所属“33618”集群"),
    "band_parts": _("{label}：{value}，适用要求：{parts}"),
    "band_below": _("{label}：{value}，低于 {threshold}，不符合条件"),
    "list_separator": _("、"),
    "waived": _("{label}：复核申请不检查此项"),
    "not_in_force_CQ": _("该称号的重庆市认定标准自 {date} 起施行"),
    "not_in_force_CN": _("该称号的认定标准自 {date} 起施行"),
    "designation_absent_met": _("{label}：未持有该称号"),
    "designation_absent_not_met": _("{label}：已持有该称号，不在申报范围"),
    "attested_absent_met": _("{label}：未申报存在该情形"),
    "attested_absent_pending": _("{label}：已申报存在该情形，待经办人核实"),
    "attested_absent_not_met": _("{label}：经办人已确认存在该情形"),
}


_TABLES: dict[str | None, dict[tuple[str, str], str]] = {}
_ACTIVE: ContextVar[dict[tuple[str, str], str] | None] = ContextVar("rules_texts", default=None)


@contextmanager
def language_texts() -> Iterator[None]:
    """Look the active language up once for a whole report (``get_language`` is slow in a loop)."""
    if _ACTIVE.get() is not None:
        yield
        return
    token = _ACTIVE.set(_TABLES.setdefault(get_language(), {}))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def text(kind: str, name: str, source: Promise | str) -> str:
    """``source`` in the active language, memoised per (language, kind, name).

    Catalogues do not change while the process runs, and a report's JSON formats hundreds of
    messages: going through gettext each time was most of the cost. ``source`` is a lazy string or
    a plain message id (criterion labels are plain ids in the rule-set data).
    """
    table = _ACTIVE.get()
    if table is None:
        table = _TABLES.setdefault(get_language(), {})
    found = table.get((kind, name))
    if found is None:
        found = table[(kind, name)] = str(source) if isinstance(source, Promise) else gettext(source)
    return found


@receiver(setting_changed)
def _forget_texts(*, setting: str, **kwargs: Any) -> None:
    """Tests that switch languages or catalogues must not see texts memoised for the old ones."""
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _TABLES.clear()


def message(key: str) -> str:
    return text("m", key, MESSAGES[key])


def missing_detail(missing: Missing) -> str:
    """Which figures of which year are missing (or make a ratio undefined), in the active language."""
    labels = [text("f", name, FIELD_LABELS.get(name, name)) for name in missing.fields]
    names = message("list_separator").join(labels)
    if missing.year is None:
        return names
    key = "undefined_year" if missing.reason == Missing.UNDEFINED else "missing_year"
    return message(key).format(year=missing.year, fields=names)
