"""Chinese first, English second: every shipped text has an English entry in the project's catalogue."""

from __future__ import annotations

from django.utils import translation

from cultivation.rules import ATTESTATIONS, CN_2022, DISQUALIFICATIONS, RULE_SETS
from cultivation.rules.texts import FIELD_LABELS, GAPS, MESSAGES, UNITS

from .builders import D, firm, last_year, result


def shipped_texts() -> set[str]:
    """Every Chinese source text the rules show: message templates, labels, titles."""
    lazies = [*MESSAGES.values(), *GAPS.values(), *UNITS.values(), *FIELD_LABELS.values()]
    lazies += [a.label for a in (*ATTESTATIONS, *DISQUALIFICATIONS)]
    with translation.override("zh-hans"):  # the source language: str() gives the message id
        texts = {str(lazy) for lazy in lazies}
    for rule_set in RULE_SETS:
        texts.add(rule_set.title)
        for rule in rule_set.tiers.values():
            texts |= {c.label for c in (*rule_set.common, *rule.criteria)}
            texts |= {c.label for c in rule.classes}
    return texts


def test_every_shipped_text_has_an_english_entry():
    """Checked through the compiled catalogue, the way the product itself translates."""
    with translation.override("en"):
        chinese = [text for text in shipped_texts() if any("\u4e00" <= char <= "\u9fff" for char in text)]
        missing = sorted(text for text in chinese if translation.gettext(text) == text)
    assert not missing


def test_messages_in_english(settings):
    outcome = result(
        last_year(firm(designations={"innovative_sme"}), operating_revenue=D(12000), rd_expense=D(312)),
        "srdi_sme",
        "c2_rd_intensity",
        CN_2022,
    )
    with translation.override("en"):
        message = outcome.explain()
        label = outcome.to_dict()["label"]
    assert message == (
        "Last year's R&D expense as a share of total operating revenue: 2.60%, does not meet ≥ 3%; "
        "at this revenue, 48.00 × 10k CNY more R&D expense is needed"
    )
    assert label.startswith("Last year's R&D expense")
    with translation.override("zh-hans"):
        assert outcome.explain().startswith("上年度研发费用占营业收入总额比重：2.60%")
