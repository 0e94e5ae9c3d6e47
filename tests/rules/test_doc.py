"""docs/RULES.md is generated from the rule sets and must not drift from them."""

from __future__ import annotations

from django.core.management import call_command

from cultivation.rules import RULE_SETS
from cultivation.rules.doc import DOC_PATH, render_rules_markdown


def test_rules_md_is_up_to_date():
    expected = render_rules_markdown(RULE_SETS)
    assert DOC_PATH.read_text(encoding="utf-8") == expected, (
        "docs/RULES.md is out of date: run `python manage.py rules_doc`."
    )


def test_document_names_every_criterion_and_threshold_source():
    text = render_rules_markdown(RULE_SETS)
    for rule_set in RULE_SETS:
        assert f"## {rule_set.code}" in text
    for rule in RULE_SETS[0].tiers.values():
        for criterion in rule.criteria:
            assert f"`{criterion.code}`" in text
    assert "⚠ provisional" in text


def test_check_command_passes(capsys):
    call_command("rules_doc", "--check")
    assert "up to date" in capsys.readouterr().out
