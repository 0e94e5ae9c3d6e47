"""The tier catalogue, the two ladders and the derived life-cycle stage (P5, P6).

Pure Python: no queries. Every other module asks here for tier codes, labels,
ladder order, validity and the stage a set of active designations implies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from registry.stages import Stage

INNOVATIVE_SME = "innovative_sme"
SRDI_SME = "srdi_sme"
LITTLE_GIANT = "little_giant"
SINGLE_CHAMPION = "single_champion"
GAZELLE = "gazelle"
POTENTIAL_UNICORN = "potential_unicorn"
UNICORN = "unicorn"
HARDTECH_POOL = "hardtech_pool"

QUALITY = "quality"
GROWTH = "growth"
# Not a designation ladder: the pools the programme runs itself (entered by the programme, not applied for).
# The value is part of the API (the dashboard's ``tiers[].ladder``), so it stays "programme".
PROGRAMME_POOL = "programme"


@dataclass(frozen=True)
class Tier:
    """One designation a firm can hold, or the programme's pool it can be a member of."""

    code: str
    label: str
    ladder: str
    rung: int
    stage: Stage
    validity_years: int | None  # None: annual list (valid to the end of the next list year)

    @property
    def is_annual_list(self) -> bool:
        return self.validity_years is None


TIERS: dict[str, Tier] = {
    tier.code: tier
    for tier in (
        Tier(INNOVATIVE_SME, _("创新型中小企业"), QUALITY, 1, Stage.STARTUP, 3),
        Tier(SRDI_SME, _("专精特新中小企业"), QUALITY, 2, Stage.GROWTH, 3),
        Tier(LITTLE_GIANT, _("专精特新“小巨人”企业"), QUALITY, 3, Stage.DEVELOPMENT, 3),
        Tier(SINGLE_CHAMPION, _("制造业单项冠军企业"), QUALITY, 4, Stage.LEAP, 3),
        Tier(GAZELLE, _("瞪羚企业"), GROWTH, 1, Stage.GROWTH, None),
        Tier(POTENTIAL_UNICORN, _("潜在独角兽企业"), GROWTH, 2, Stage.DEVELOPMENT, None),
        Tier(UNICORN, _("独角兽企业"), GROWTH, 3, Stage.LEAP, None),
        Tier(HARDTECH_POOL, _("硬科技企业帮扶库"), PROGRAMME_POOL, 1, Stage.STARTUP, None),
    )
}
TIER_CHOICES = [(tier.code, tier.label) for tier in TIERS.values()]

# The programme's own name for a rung from a date on. V2026 (in force 2026-04-01, rule set CN-2026) merges
# 科技型中小企业 into the base rung as 科技和创新型中小企业: the same rung with a new name, so the code stays
# ``innovative_sme`` and designations, ladders, stages, targets and dashboards are unchanged; screens that
# show one dated evaluation name the rung as it was called on that day.
LABEL_CHANGES: dict[str, tuple[tuple[date, str], ...]] = {
    INNOVATIVE_SME: ((date(2026, 4, 1), _("科技和创新型中小企业")),),
}


def label_on(code: str, day: date | None) -> str:
    """The tier's name on ``day`` (the catalogue label before any rename, or without a day)."""
    label = TIERS[code].label
    for since, renamed in LABEL_CHANGES.get(code, ()):
        if day is not None and day >= since:
            label = renamed
    return label


DESIGNATION_TIER_CHOICES = [(t.code, t.label) for t in TIERS.values() if t.ladder != PROGRAMME_POOL]

LADDERS: dict[str, tuple[str, ...]] = {
    QUALITY: (INNOVATIVE_SME, SRDI_SME, LITTLE_GIANT, SINGLE_CHAMPION),
    GROWTH: (GAZELLE, POTENTIAL_UNICORN, UNICORN),
}

# Per tier, the tier below that must be active to apply (P6; not the rule-set criterion kind
# ``rules.ruleset.PREREQUISITE`` that checks it). 单项冠军 accepts 小巨人 *or* revenue >= 4亿;
# that alternative is a rule criterion, so the catalogue names no hard prerequisite for it.
PREREQUISITE_TIER: dict[str, str | None] = {
    INNOVATIVE_SME: None,
    SRDI_SME: INNOVATIVE_SME,
    LITTLE_GIANT: SRDI_SME,
    SINGLE_CHAMPION: None,
    GAZELLE: None,
    POTENTIAL_UNICORN: None,
    UNICORN: None,
    HARDTECH_POOL: None,
}


def missing_prerequisite(code: str, active: Iterable[str]) -> str | None:
    """The rung that must be active before a new application for ``code``, when it is not (P6).

    Only the quality ladder's 创新型 → 专精特新 → 小巨人 chain has one. Growth-ladder tiers stand
    alone, and 单项冠军 has none here: "小巨人 or revenue ≥ 4亿" is a criterion of its rule, since
    large manufacturers never were SMEs. The application service and the promotion scan both ask here.
    """
    below = PREREQUISITE_TIER.get(code)
    return below if below and below not in set(active) else None


def promotion_tiers(active: Iterable[str]) -> list[str]:
    """Every tier a firm holding ``active`` may apply for as a promotion (P6 as revised).

    On each ladder: every rung above the highest one held (every rung when none is), that the
    firm does not hold and whose prerequisite it holds — not only the next rung. A 潜在独角兽 or
    独角兽 without ever having been a 瞪羚, and 单项冠军 without 小巨人, are promotions too. Rungs
    below one held are not promotions.
    """
    active = frozenset(active)
    tiers = []
    for ladder in LADDERS.values():
        held = [index for index, code in enumerate(ladder) if code in active]
        start = held[-1] + 1 if held else 0
        tiers += [code for code in ladder[start:] if missing_prerequisite(code, active) is None]
    return tiers


def next_rung(code: str) -> str | None:
    """The tier above ``code`` on its ladder, or None at the top (or off-ladder)."""
    for ladder in LADDERS.values():
        if code in ladder:
            index = ladder.index(code)
            return ladder[index + 1] if index + 1 < len(ladder) else None
    return None


def derive_stage(active_tiers: Iterable[str], *, listed: bool = False) -> Stage:
    """The life-cycle stage implied by active designations (P5): the highest one wins.

    Listed firms are in the leap stage whatever they hold.
    """
    if listed:
        return Stage.LEAP
    stages = [TIERS[code].stage for code in active_tiers if code in TIERS]
    return max(stages, key=Stage.order, default=Stage.STARTUP)


def expiry_for(code: str, granted_on: date) -> date:
    """The last day a designation granted on ``granted_on`` is valid (P7).

    Three-year titles end the day before the third anniversary; annual lists
    (gazelle, unicorn) stay valid to the end of the next list year.
    """
    tier = TIERS[code]
    if tier.validity_years is None:
        return date(granted_on.year + 1, 12, 31)
    try:
        anniversary = granted_on.replace(year=granted_on.year + tier.validity_years)
    except ValueError:  # 29 February
        anniversary = granted_on.replace(year=granted_on.year + tier.validity_years, day=28)
    return anniversary - timedelta(days=1)


# Programme policy numbers used by the applications workflow (docs/RULES.md, P7).
RENEWAL_WINDOW_MONTHS = 6  # 复核 opens this many months before a designation expires
REVOCATION_BAR_YEARS = 3  # a revoked firm may not apply again for this many years
NOTICE_WORKING_DAYS = 5  # 公示 lasts this many working days


def renewal_opens_on(expires_on: date) -> date:
    """The first day a 复核 may be filed: ``RENEWAL_WINDOW_MONTHS`` before expiry (P7).

    The same day of the month, or the month's last day when it is shorter (31 August -> 28/29 February).
    """
    months = expires_on.year * 12 + expires_on.month - 1 - RENEWAL_WINDOW_MONTHS
    year, month = divmod(months, 12)
    month += 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(expires_on.day, last))


def bar_ends_on(revoked_on: date) -> date:
    """The first day a firm whose designation was revoked may apply again (§1.4, 暂行办法 Art.16)."""
    try:
        return revoked_on.replace(year=revoked_on.year + REVOCATION_BAR_YEARS)
    except ValueError:  # 29 February
        return revoked_on.replace(year=revoked_on.year + REVOCATION_BAR_YEARS, day=28)
