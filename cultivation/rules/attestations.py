"""The catalogue of attested criteria and disqualifying flags (P3).

An *attested* criterion is declared by the firm with evidence and confirmed by a caseworker; until
confirmed it is pending, never met. A *disqualification* is recorded by a caseworker against the
firm (with a date and reason); while none is recorded the negative common condition holds.

Codes are global: one confirmed attestation serves every tier and every rule set that asks the
same question, which is why a rule set names codes here instead of defining its own. The Django
``Attestation`` model takes its choices from ``ATTESTATION_CHOICES``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .facts import add_years


@dataclass(frozen=True)
class AttestationDef:
    """One attested criterion or disqualifying flag, with its label and where the rule comes from."""

    code: str
    label: Promise
    source: str


ATTESTATIONS: tuple[AttestationDef, ...] = (
    # Quality and brand (专精特新 #6; 小巨人 精/特).
    AttestationDef("quality_award", _("获得省级以上质量奖"), "S3"),
    AttestationDef(
        "quality_certification",
        _("通过质量管理体系等相关管理体系认证，或产品通过发达国家和地区产品认证"),
        "S3, S8",
    ),
    AttestationDef("own_brand", _("拥有自主品牌"), "S3, S8"),
    AttestationDef("standards_drafting", _("参与制修订标准"), "S3"),
    # Position in the industrial chain and product field.
    AttestationDef(
        "chain_role", _("主导产品或关键核心技术在产业链关键环节发挥补短板、锻长板、填空白作用"), "S1, S8, S25"
    ),
    AttestationDef(
        "six_foundations",
        _("主导产品属于工业“六基”领域、中华老字号名录，或为产业链龙头企业配套"),
        "S1, S3",
    ),
    AttestationDef(
        "key_field_product",
        _("主导产品属于工业“六基”、制造强国战略十大重点产业领域或网络强国建设重点领域"),
        "S8",
    ),
    AttestationDef(
        "key_chain_product",
        _(
            "主导产品属于核心基础零部件（元器件）、关键软件、先进基础工艺、关键基础材料、产业技术基础，"
            "或属于改造提升传统产业、培育壮大新兴产业、布局建设未来产业领域，处于产业链关键环节"
        ),
        "S10",
    ),
    AttestationDef("future_industry_field", _("属于“33618”现代制造业集群体系中的未来产业领域"), "S25"),
    # Awards, honours and contests.
    AttestationDef("st_award_provincial_or_above", _("近三年获得国家级或省级科技奖励"), "S2"),
    AttestationDef(
        "st_award_top_ranked",
        _("近三年获得省级科技奖励并在获奖单位中排名前三，或获得国家级科技奖励并排名前五"),
        "S1, S7",
    ),
    AttestationDef(
        "national_st_award_top3", _("近三年获得国家级科技奖励并在获奖单位中排名前三"), "S8, S9, S10"
    ),
    AttestationDef(
        "high_tech_enterprise",
        _("拥有有效期内的高新技术企业、国家级技术创新示范企业、知识产权优势企业或知识产权示范企业等荣誉"),
        "S2",
    ),
    AttestationDef(
        "maker_china_top500", _("近三年进入“创客中国”中小企业创新创业大赛全国500强企业组名单"), "S1, S7"
    ),
    AttestationDef(
        "maker_china_top50", _("近三年进入“创客中国”中小企业创新创业大赛全国50强企业组名单"), "S8, S9"
    ),
    # Digitalisation (专精特新 #5).
    AttestationDef("digital_level_2", _("中小企业数字化水平评测达到二级"), "S3"),
    AttestationDef("digital_level_3", _("中小企业数字化水平评测达到三级及以上"), "S3"),
    # R&D institutions (专精特新 #13; 创新型 D3; 小巨人 G2).
    AttestationDef("rd_institution_national", _("建有国家级研发机构"), "S2, S3"),
    AttestationDef("rd_institution_provincial", _("建有省级（省部级）研发机构"), "S2, S3"),
    AttestationDef("rd_institution_municipal", _("建有市级研发机构"), "S3"),
    AttestationDef(
        "rd_institution_below",
        _("建有市级以下研发机构（含自建或合建的技术研究院、企业技术中心、院士专家工作站、博士后工作站等）"),
        "S3, S9",
    ),
    # Intellectual property qualities the annual figures cannot show.
    AttestationDef("high_value_class1_ip", _("拥有与主导产品相关的Ⅰ类高价值知识产权"), "S2, S6"),
    AttestationDef("self_developed_class1_ip", _("拥有自主研发的与主导产品相关的Ⅰ类知识产权"), "S2, S6"),
    # Management, market position.
    AttestationDef("info_system", _("至少1项核心业务采用信息系统支撑"), "S8"),
    AttestationDef("niche_share_10", _("主导产品在全国细分市场占有率达到10%以上"), "S8, S10"),
    AttestationDef("international_niche_share", _("主导产品在国际细分市场占有率达到10%以上"), "S10"),
    AttestationDef("domestic_top3_share", _("主导产品在国内细分市场占有率位列前三"), "S10"),
    AttestationDef("global_top3_share", _("申请产品的全球市场占有率位居前三"), "S22"),
    AttestationDef("profitability_above_industry", _("盈利能力高于行业平均水平"), "S22"),
    AttestationDef("energy_use_advanced", _("单位产品能耗达到能耗限额标准先进值"), "S22"),
    # 单项冠军: the applied product on the market for 3 years (S22b/S22c; one page says 5, [U]).
    AttestationDef(
        "product_on_market_3y",
        _("申请产品（主导产品）上市时间达到3年以上（佐证：首次销售合同或发票、产品上市或投产证明）"),
        "S22b, S22c",
    ),
    # CN-2026 base tier 科技和创新型中小企业: 科技型 merged in; the evaluation is the 科技型 platform's (S30).
    AttestationDef(
        "tech_sme_registered",
        _("已通过科技型中小企业评价并取得有效期内的入库登记编号（佐证：入库登记编号及评价公示截图）"),
        "S30, S11",
    ),
    AttestationDef("srdi_evaluation_60", _("本年度专精特新发展评价得分达到60分以上"), "S10"),
    # A negative condition (2025 小巨人 round): confirmed means the firm is excluded (``not_attested``).
    AttestationDef(
        "little_giant_affiliation",
        _("与已认定的专精特新“小巨人”企业存在控股关系，或与同一集团内已认定企业的主导产品同类（排除情形）"),
        "S12",
    ),
    AttestationDef(
        "srdi_evaluation_60_last2", _("近两年任一年度专精特新发展评价得分达到60分以上（复核）"), "S10"
    ),
    # Chongqing's local-characteristic indicator (专精特新 #9): body of the rules not found, [U].
    AttestationDef("local_key_industry", _("主导产品属于本市重点产业体系（地方特色指标）"), "S6"),
    AttestationDef(
        "local_distinctive_product",
        _("拥有非物质文化遗产、地理标志或首台（套）等特色产品（地方特色指标）"),
        "S6",
    ),
    AttestationDef("local_regional_unique", _("具有区域独特性（地方特色指标）"), "S6"),
)

class BarKind(StrEnum):
    """How long a disqualification bars the firm (P3 refined): the one place the two kinds are told apart.

    A *listing* is a status on a register (经营异常名录, 严重失信主体名单, a product in the national
    禁止/限制/淘汰类 catalogue): it bars while it stands, however long ago it began, until it is lifted.
    An *event* happened once (an accident, a tax-evasion finding, data fraud): it bars for the
    ``DISQUALIFICATION_LOOKBACK_YEARS`` after the day it happened ("近三年"), or until lifted sooner.
    """

    LISTING = "listing"
    EVENT = "event"

    @property
    def label(self) -> Promise:
        """What a user reads next to the flag: how long it bars."""
        return BAR_KIND_LABELS[self]


BAR_KIND_LABELS: dict[BarKind, Promise] = {
    BarKind.LISTING: _("列入名录期间"),
    BarKind.EVENT: _("事件发生后三年内"),
}


@dataclass(frozen=True)
class DisqualificationDef(AttestationDef):
    """A disqualifying flag: an ``AttestationDef`` with how long it bars (``BarKind``)."""

    kind: BarKind = BarKind.EVENT


DISQUALIFICATIONS: tuple[DisqualificationDef, ...] = (
    DisqualificationDef(
        "major_accident",
        _("近三年发生重大安全（含网络安全、数据安全）、质量或环境污染事故"),
        "S20, S14",
        BarKind.EVENT,
    ),
    DisqualificationDef("abnormal_operations", _("列入经营异常名录"), "S20", BarKind.LISTING),
    DisqualificationDef("serious_dishonesty", _("列入严重失信主体名单"), "S20, S14", BarKind.LISTING),
    DisqualificationDef("tax_evasion", _("近三年存在偷漏税等违法行为"), "S20, S14", BarKind.EVENT),
    DisqualificationDef("data_fraud", _("申报数据造假"), "S14, S12", BarKind.EVENT),
    # A product in the national 禁止/限制/淘汰类 catalogue is a standing status, like a listing: it bars
    # until the firm no longer offers it (or the catalogue changes), whenever it began.
    DisqualificationDef(
        "banned_products", _("提供的产品或服务属于国家禁止、限制或淘汰类"), "S20", BarKind.LISTING
    ),
)

ATTESTATION_CODES: frozenset[str] = frozenset(a.code for a in ATTESTATIONS)
DISQUALIFICATION_CODES: frozenset[str] = frozenset(d.code for d in DISQUALIFICATIONS)
ATTESTATION_CHOICES: list[tuple[str, Promise]] = [(a.code, a.label) for a in ATTESTATIONS]
DISQUALIFICATION_CHOICES: list[tuple[str, Promise]] = [(d.code, d.label) for d in DISQUALIFICATIONS]
BY_CODE: dict[str, AttestationDef] = {a.code: a for a in (*ATTESTATIONS, *DISQUALIFICATIONS)}
BAR_KINDS: dict[str, BarKind] = {d.code: d.kind for d in DISQUALIFICATIONS}
LISTING_CODES: frozenset[str] = frozenset(d.code for d in DISQUALIFICATIONS if d.kind == BarKind.LISTING)
EVENT_CODES: frozenset[str] = frozenset(d.code for d in DISQUALIFICATIONS if d.kind == BarKind.EVENT)


def label_for(code: str) -> Promise | str:
    """Label of an attestation or disqualification code (the code itself when unknown)."""
    definition = BY_CODE.get(code)
    return definition.label if definition else code

# A disqualifying event counts for this many years after it happened (§1.0a "近三年"), unless lifted sooner.
# A listing has no such limit: it bars until lifted (``BarKind``).
DISQUALIFICATION_LOOKBACK_YEARS = 3


def bar_kind(code: str) -> BarKind:
    """How long the flag ``code`` bars; an unknown code (a retired choice) is treated as an event."""
    return BAR_KINDS.get(code, BarKind.EVENT)


def event_bar_ends_on(occurred_on: date) -> date:
    """The first day an event no longer bars: the same calendar day three years later.

    An event on 2022-06-01 bars through 2025-05-31 and not on 2025-06-01 ("近三年" counts back three
    years from ``as_of``, the as_of day included: 2022-06-02 … 2025-06-01), as a revocation's bar
    ends on the anniversary (``tiers.bar_ends_on``); 29 February ends on 28 February.
    """
    return add_years(occurred_on, DISQUALIFICATION_LOOKBACK_YEARS)


def event_window_start(on: date) -> date:
    """The latest day an event may have happened and no longer bar on ``on``; it bars when later.

    The query form of ``event_bar_ends_on``: ``occurred_on > event_window_start(on)`` exactly when
    ``on < event_bar_ends_on(occurred_on)``, leap days included (28 February 2027 is the end of an
    event on 29 February 2024, so that event no longer bars on that day).
    """
    start = add_years(on, -DISQUALIFICATION_LOOKBACK_YEARS)
    if start.month == 2 and start.day == 28 and calendar.isleap(start.year):
        return start.replace(day=29)
    return start


def bars_on(code: str, occurred_on: date, lifted_on: date | None, on: date) -> bool:
    """Whether a flag recorded with these dates bars the firm on ``on`` (P3 refined).

    Nothing bars before it began or from the day it was lifted; a listing bars whenever it began,
    an event only before ``event_bar_ends_on``. ``DisqualificationQuerySet.in_force`` is the same rule
    as a query, and the what-if's dated flags go through this function.
    """
    if occurred_on > on or (lifted_on is not None and lifted_on <= on):
        return False
    return bar_kind(code) == BarKind.LISTING or on < event_bar_ends_on(occurred_on)
