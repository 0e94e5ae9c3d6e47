"""The national SME digital-level self-assessment (中小企业数字化水平评测), and when a firm counts as
transformed (数字化转型).

The assessment places a firm on four levels, 一级 to 四级. The programme's target counts "transformed"
SMEs; which level counts is the programme's rule, not the assessment's: the source names no level, so
Tiermark reads "二级及以上" [U] and keeps it a setting (``DIGITAL_TRANSFORMED_MIN_LEVEL``, docs/DECISIONS.md
P13). Pure functions: the services pass the setting in, the engine reads no model and no setting.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LEVELS = (1, 2, 3, 4)
LEVEL_CHOICES = [
    (1, _("一级")),
    (2, _("二级")),
    (3, _("三级")),
    (4, _("四级")),
]
TOP_LEVEL = LEVELS[-1]
DEFAULT_TRANSFORMED_LEVEL = 2  # [U] provisional: "二级及以上" is our reading, a setting (P13)


def is_transformed(level: int | None, min_level: int = DEFAULT_TRANSFORMED_LEVEL) -> bool:
    """Whether a firm assessed at ``level`` counts as transformed (``None``: never assessed)."""
    return level is not None and level >= min_level


def next_level(level: int | None) -> int | None:
    """The level to reach next: 一级 for a firm never assessed, none above 四级."""
    if level is None:
        return LEVELS[0]
    return level + 1 if level < TOP_LEVEL else None


def level_label(level: int | None) -> str:
    """The level in words (``一级`` …), empty for none."""
    return str(dict(LEVEL_CHOICES).get(level, "")) if level else ""
