"""docs/RULES.md, generated from the rule sets themselves so the document cannot drift from the code.

``render_rules_markdown(RULE_SETS)`` is the whole document; ``python manage.py rules_doc`` writes
it and ``--check`` fails when the file differs (a test does the same).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from django.utils import translation

from ..tiers import label_on
from .attestations import ATTESTATIONS, DISQUALIFICATIONS
from .metrics import METRICS
from .ruleset import Criterion, RuleSet, TierRule, effective_until
from .sources import SOURCES
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
JURISDICTION_NAMES = {"CN": "national (国家)", "CQ": "Chongqing (重庆市)"}
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
        "designation_not_held": lambda p: f"no active designation `{p['tier']}` (excluded when held)",
        "not_attested": lambda p: (
            "negative condition: not met when confirmed: " + " / ".join(f"`{c}`" for c in p["any_of"])
        ),
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
    text = describers[check](params)
    if params.get("waived_for_renewal"):
        text += "; **复核 (renewal): not checked**"
    if params.get("for_renewal"):
        text += f"; **复核 (renewal):** {describers[check]({**params, **params['for_renewal']})}"
    return text


def _rule_text(node: Any) -> str:
    if isinstance(node, str):
        return f"`{node}`"
    ((op, items),) = node.items()
    return f"{op.upper()}(" + ", ".join(_rule_text(item) for item in items) + ")"


def _flags(criterion: Criterion) -> str:
    if not criterion.provisional:
        return ""
    reason = criterion.provisional_reason
    return f"⚠ provisional: {reason}" if reason else "⚠ provisional"


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


def _tier_section(
    rule: TierRule, base: TierRule | None, base_code: str | None, day: date | None = None
) -> list[str]:
    lines = [f"### `{rule.tier}` — {label_on(rule.tier, day)}", ""]
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


def _rule_set_section(
    rule_set: RuleSet, by_code: Mapping[str, RuleSet], ends: Mapping[str, Any]
) -> list[str]:
    base = by_code.get(rule_set.based_on or "")
    until = ends.get(rule_set.code)
    date_mark = f" ⚠ provisional date: {rule_set.date_note}" if rule_set.date_provisional else ""
    criteria_mark = "some criteria ⚠ provisional" if rule_set.has_provisional_criteria else "none provisional"
    lines = [
        f"## {rule_set.code} — {rule_set.title}",
        "",
        f"- Jurisdiction: {JURISDICTION_NAMES[rule_set.jurisdiction]} (`{rule_set.jurisdiction}`)",
        f"- Effective from: {rule_set.effective_from.isoformat()}{date_mark}",
        f"- Until: {until.isoformat() if until else '— (no later version of this line yet)'}",
        f"- Provisional: {'**yes** ⚠' if rule_set.provisional else 'no'} (criteria: {criteria_mark})",
        f"- Based on: {f'`{rule_set.based_on}`' if rule_set.based_on else '—'}",
        f"- Sources: {rule_set.source or '—'}",
    ]
    if rule_set.note:
        lines.append(f"- Note: {rule_set.note}")
    lines += ["", "### Common conditions", ""]
    if base is not None and base.common == rule_set.common:
        lines += [f"Identical to `{base.code}` (see above).", ""]
    else:
        lines += [*_criteria_table(rule_set.common, common=True), ""]
    for rule in rule_set.tiers.values():
        base_rule = base.tiers.get(rule.tier) if base else None
        lines += _tier_section(rule, base_rule, base.code if base else None, rule_set.effective_from)
    return lines


def _catalogue() -> list[str]:
    lines = ["## Attestation codes", "", "| Code | Label | Source |", "|---|---|---|"]
    lines += [f"| `{a.code}` | {_cell(a.label)} | {a.source} |" for a in ATTESTATIONS]
    lines += ["", "## Disqualifying flags", "", DISQUALIFICATION_INTRO, ""]
    lines += ["| Code | Label | Bars | Source |", "|---|---|---|---|"]
    lines += [
        f"| `{d.code}` | {_cell(d.label)} | {d.kind} ({_cell(d.kind.label)}) | {d.source} |"
        for d in DISQUALIFICATIONS
    ]
    lines += ["", "## Sources", "", "| Code | Published text |", "|---|---|"]
    lines += [f"| {code} | {_cell(title)} |" for code, title in SOURCES.items()]
    return [*lines, ""]


HEADER = """# Rule sets

<!-- Generated by `python manage.py rules_doc` from cultivation/rules/ — do not edit by hand. -->

Every threshold below is the value in the rule set's data (the params of its criterion); a new
version with other figures is created with `RuleSet.derive()`, never by editing a shipped set.

- Confidence: **C** confirmed (an official text, or several reprints that agree word for word), **P** probable
  (one reprint consistent with official summaries), **U** unconfirmed (not found in any published copy).
  A criterion whose figure is unconfirmed is still encoded and flagged ⚠ provisional, with the reason; so is
  every result of a provisional rule set.
- Sources (`S1`…) are the published texts listed under [Sources](#sources) at the end; `P1`…`P12` are the
  product's readings of them, in [DECISIONS.md](DECISIONS.md).
- Bands: "X以上" ⇒ ≥ X, "a–b" ⇒ [a, b), "X以下" ⇒ < X. Exactly on a threshold meets it.
- "last year" is the last fiscal year completed before the evaluation day; "last year − 1" the one before.
- Outcomes: `met`, `not_met`, `pending` (claimed, not yet confirmed: the tier answers *null* while that
  decides it), `missing` (figures absent or a ratio undefined; counts as not met).

## Whose rules, and which version applies on a day

There are two lines of versions. The **national** line (`CN-…`) holds the MIIT programme: 创新型,
专精特新, 小巨人 and 单项冠军. The **Chongqing** line (`CQ-…`) holds the city's own lists: 瞪羚,
潜在独角兽 and 独角兽 (the 2023–2027 plan, `CQ-2023`) and, from the day the pool was announced, the
hard-tech pool's entry rule (`CQ-2024`). A firm is judged on a day by the national version in force
that day *and* the Chongqing version in force that day, together; each tier's answer names the
version that judged it. Before the city's rules for a tier existed, that tier answers "标准尚未施行"
with the day they start (`in_force: false`), never "not eligible": a firm cannot fail a list that
did not exist yet. An application keeps the version that judged its tier and the report it was
judged on, whatever later versions say. Naming a version explicitly (the what-if's `rule_set`,
`manage.py evaluate --rule-set`) replaces its own line's version only.

A date marked ⚠ provisional is the best reading of an undated or vaguely dated instrument (e.g. "the
end of 2023"); it is shown with the reason and will move when the original text is found.

## Worked cases

Each version below has a file of worked cases, `cultivation/rules/cases/<code>.yaml`: a firm described
as the what-if takes it, the day it is judged, the answer the policy text gives for each tier (eligible,
not eligible or pending, and the criterion the answer turns on), and the clause it illustrates. Edges
come in pairs — R&D intensity exactly 3.00% and 2.99%, a score of exactly 60 and one just below, an
event exactly three years before the day and one a day later — so a reader can check a rule against
the text without reading code. The test suite runs every case, and so does
`manage.py rules_check <code>` (`--all` for every file; `--file` for a programme admin's own cases
against a version derived in the admin), printing each case, tier, expected and actual answer and
PASS/FAIL.
"""


DISQUALIFICATION_INTRO = (
    "A *listing* (经营异常名录, 严重失信主体名单, a product in the national 禁止/限制/淘汰类 catalogue) bars "
    "the firm while it stands (列入名录期间), however long ago it began, until a caseworker records it "
    "lifted. An *event* (a major accident, a tax-evasion finding, data fraud) bars for the three years after "
    "the day it happened (事件发生后三年内): an event on 2022-06-30 bars through 2025-06-29 and no longer "
    "on 2025-06-30, as a revocation's three-year bar ends on its anniversary. Either kind stops barring "
    "on the day it is lifted."
)


def render_rules_markdown(rule_sets: Iterable[RuleSet]) -> str:
    """The whole RULES.md for ``rule_sets``, in Chinese labels whatever the active language."""
    sets = list(rule_sets)
    by_code = {s.code: s for s in sets}
    ends = effective_until(sets)
    with translation.override("zh-hans"):
        lines = [HEADER]
        for rule_set in sets:
            lines += _rule_set_section(rule_set, by_code, ends)
        lines += _catalogue()
    return "\n".join(lines).rstrip("\n") + "\n"
