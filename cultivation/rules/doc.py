"""docs/RULES.md, generated from the rule sets themselves so the document cannot drift from the code.

``render_rules_markdown(RULE_SETS)`` is the whole document; ``python manage.py rules_doc`` writes
it and ``--check`` fails when the file differs (a test does the same).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.utils import translation

from ..tiers import TIERS
from .attestations import ATTESTATIONS, DISQUALIFICATIONS
from .metrics import METRICS
from .ruleset import Criterion, RuleSet, TierRule
from .values import OPS, compact, to_decimal

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "RULES.md"
UNIT_SUFFIX = {
    "pct": "%",
    "wan": " 万元",
    "usd_m": " 百万美元",
    "items": " 件",
    "persons": " 人",
    "years": " 年",
}
SYMBOL = {"at_least": OPS["ge"], "more_than": OPS["gt"], "at_most": OPS["le"], "less_than": OPS["lt"]}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _num(value: Any, unit: str | None = None) -> str:
    text = compact(value) if isinstance(value, int) else compact(to_decimal(value))
    return text + UNIT_SUFFIX.get(unit or "", "")


def _metric_phrase(params: Mapping[str, Any]) -> tuple[str, str]:
    """'研发费用占营业收入比重 (last year)' and the metric's unit."""
    metric = METRICS[params["metric"]]
    if "years" in params:
        when = f"last {params['years']} years"
    elif "year" in params:
        when = "last year" if int(params["year"]) == 0 else f"last year − {params['year']}"
    else:
        when = ""
    return (f"{metric.label} ({when})" if when else metric.label), metric.unit


def _condition(when: Mapping[str, Any]) -> str:
    if "attested" in when:
        codes = when["attested"]
        return "attested " + " / ".join(f"`{c}`" for c in ((codes,) if isinstance(codes, str) else codes))
    if "fact" in when:
        return f"`{when['fact']}`"
    if "metric" in when:
        phrase, unit = _metric_phrase(when)
        return f"{phrase} ≥ {_num(when['min'], unit)}"
    return "cluster given"


def _bands(spec: Mapping[str, Any]) -> str:
    phrase, unit = _metric_phrase(spec)
    symbol = OPS[spec.get("op", "ge")]
    steps = [f"{symbol} {_num(bound, unit)} → {points}" for bound, points in spec["bands"]]
    return f"{phrase}: " + "; ".join([*steps, f"otherwise → {spec.get('else', 0)}"])


def _part(spec: Mapping[str, Any]) -> str:
    return describe(spec["check"], spec["params"])


def _banded_rule(params: Mapping[str, Any]) -> str:
    unit = METRICS[params["metric"]].unit
    steps = [
        f"≥ {_num(b['min'], unit)} ⇒ " + " and ".join(_part(s) for s in b["all"]) for b in params["bands"]
    ]
    lowest = to_decimal(params["bands"][-1]["min"])
    if lowest > 0:
        steps.append(f"below {_num(lowest, unit)} ⇒ not met")
    return f"by {_metric_phrase(params)[0]}: " + "; ".join(steps)


def describe(check: str, params: Mapping[str, Any]) -> str:
    """One line stating a criterion's rule with every threshold it uses."""
    if check in SYMBOL:
        phrase, unit = _metric_phrase(params)
        return f"{phrase} {SYMBOL[check]} {_num(params['threshold'], unit)}"
    describers = {
        "each_year_at_least": lambda p: (
            f"{METRICS[p['metric']].label} ≥ {_num(p['threshold'], 'pct')} "
            f"in each of the last {p['years']} years"
        ),
        "cagr_at_least": lambda p: (
            f"{p['years']}-year CAGR of {METRICS[p['field']].label} "
            f"≥ {_num(p['threshold'], 'pct')} (end ≥ start × (1 + r)^{p['years']})"
        ),
        "banded_points": _bands,
        "best_banded_points": lambda p: " **or** ".join(_bands(s) for s in p["scales"]) + " (best counts)",
        "best_of_points": lambda p: (
            "; ".join(
                [f"{_condition(o['when'])} → {o['points']}" for o in p["options"]]
                + [f"otherwise → {p.get('else', 0)}"]
            )
            + " (best counts)"
        ),
        "sum_of_points": lambda p: (
            "; ".join(f"{_condition(o['when'])} +{o['points']}" for o in p["options"])
            + f" (sum, at most {p['cap']})"
        ),
        "attested": lambda p: "confirmed: " + " / ".join(f"`{c}`" for c in p["any_of"]),
        "designation_held": lambda p: f"active designation `{p['tier']}`",
        "no_disqualification": lambda p: "none recorded of: " + ", ".join(f"`{c}`" for c in p["flags"]),
        "sme_size": lambda p: (
            "; ".join(
                f"{sector}: employees < {_num(s['employees_below'])} or operating revenue < "
                f"{_num(s['revenue_below'], 'wan')}"
                for sector, s in p["sectors"].items()
            )
            + " (last year)"
        ),
        "founded_within": lambda p: f"founded no more than {p['years']} years before the evaluation day",
        "fact_is": lambda p: f"`{p['fact']}` is {str(p['value']).lower()}",
        "cluster_given": lambda p: "a “33618” cluster code is recorded",
        "score_at_least": lambda p: (
            f"total ≥ {p['total']}"
            + "".join(f"; {code} ≥ {minimum}" for code, minimum in p.get("classes", {}).items())
        ),
        "banded_rule": _banded_rule,
    }
    return describers[check](params)


def _rule_text(node: Any) -> str:
    if isinstance(node, str):
        return f"`{node}`"
    ((op, items),) = node.items()
    return f"{op.upper()}(" + ", ".join(_rule_text(item) for item in items) + ")"


def _flags(criterion: Criterion) -> str:
    return "⚠ provisional" if criterion.provisional else ""


def _criteria_table(criteria: Iterable[Criterion], common: bool = False) -> list[str]:
    head = "| Code | Criterion | Kind | Rule and thresholds | Class | Source | Conf. | Flag | Note |"
    if common:
        head = "| Code | Criterion | Applies to | Rule and thresholds | Source | Conf. | Flag | Note |"
    lines = [head, "|" + "---|" * head.count(" | ") + "---|"]
    for c in criteria:
        middle = ", ".join(f"`{t}`" for t in c.applies_to) if common else c.kind
        cells = [f"`{c.code}`", c.label, middle, describe(c.check, c.params)]
        if not common:
            cells.append(c.score_class or ("direct" if c.direct else ""))
        cells += [c.source, c.confidence, _flags(c), c.note]
        lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    return lines


def _tier_section(rule: TierRule, base: TierRule | None, base_code: str | None) -> list[str]:
    lines = [f"### `{rule.tier}` — {TIERS[rule.tier].label}", ""]
    if base is not None and base == rule:
        return [*lines, f"Identical to `{base_code}` (see above).", ""]
    lines.append(
        f"Pass rule: {_rule_text(rule.effective_pass_rule())} — and every common condition that applies."
    )
    if rule.classes:
        classes = "; ".join(f"{c.label} (`{c.code}`) max {c.maximum}" for c in rule.classes)
        lines.append(f"Score classes: {classes}.")
    if rule.note:
        lines.append(f"Note: {rule.note}")
    return [*lines, "", *_criteria_table(rule.criteria), ""]


def _rule_set_section(rule_set: RuleSet, by_code: Mapping[str, RuleSet]) -> list[str]:
    base = by_code.get(rule_set.based_on or "")
    lines = [
        f"## {rule_set.code} — {rule_set.title}",
        "",
        f"- Effective from: {rule_set.effective_from.isoformat()}",
        f"- Provisional: {'**yes** ⚠' if rule_set.provisional else 'no'}",
        f"- Based on: {f'`{rule_set.based_on}`' if rule_set.based_on else '—'}",
    ]
    if rule_set.note:
        lines.append(f"- Note: {rule_set.note}")
    lines += ["", "### Common conditions", ""]
    if base is not None and base.common == rule_set.common:
        lines += [f"Identical to `{base.code}` (see above).", ""]
    else:
        lines += [*_criteria_table(rule_set.common, common=True), ""]
    for rule in rule_set.tiers.values():
        lines += _tier_section(rule, base.tiers.get(rule.tier) if base else None, base.code if base else None)
    return lines


def _catalogue() -> list[str]:
    lines = ["## Attestation codes", "", "| Code | Label | Source |", "|---|---|---|"]
    lines += [f"| `{a.code}` | {_cell(a.label)} | {a.source} |" for a in ATTESTATIONS]
    lines += ["", "## Disqualifying flags", "", "| Code | Label | Source |", "|---|---|---|"]
    lines += [f"| `{d.code}` | {_cell(d.label)} | {d.source} |" for d in DISQUALIFICATIONS]
    return [*lines, ""]


HEADER = """# Rule sets

<!-- Generated by `python manage.py rules_doc` from cultivation/rules/ — do not edit by hand. -->

Every threshold below is the value in the rule set's data (the params of its criterion); a new
version with other figures is created with `RuleSet.derive()`, never by editing a shipped set.

- Confidence (domain.md legend): **C** confirmed, **P** probable, **U** unconfirmed. A criterion whose
  figure is unconfirmed is flagged ⚠ provisional (P1); so is every result of a provisional rule set.
- Bands (P2): "X以上" ⇒ ≥ X, "a–b" ⇒ [a, b), "X以下" ⇒ < X. Exactly on a threshold meets it.
- "last year" is the last fiscal year completed before the evaluation day; "last year − 1" the one before.
- Outcomes: `met`, `not_met`, `pending` (claimed, not yet confirmed: the tier answers *null* while that
  decides it), `missing` (figures absent or a ratio undefined; counts as not met).
"""


def render_rules_markdown(rule_sets: Iterable[RuleSet]) -> str:
    """The whole RULES.md for ``rule_sets``, in Chinese labels whatever the active language."""
    sets = list(rule_sets)
    by_code = {s.code: s for s in sets}
    with translation.override("zh-hans"):
        lines = [HEADER]
        for rule_set in sets:
            lines += _rule_set_section(rule_set, by_code)
        lines += _catalogue()
    return "\n".join(lines).rstrip("\n") + "\n"
