"""Example payloads for the OpenAPI schema, in one place so every operation shows the same firm.

One fictional Chongqing manufacturer (in 渝北区, cluster 智能装备及智能制造) runs through every example:
its credit code carries a valid check character (``registry.credit_code.is_valid``), its figures are
those of the what-if example, and its application, review, designation and alerts refer to each other.
Values are in the shape the API answers; Chinese text stays Chinese (zh-hans is the default language).
``tests/api/test_schema.py`` validates every example against the schema it illustrates.

List examples are single items: drf-spectacular wraps them in the paginated envelope
(``count``/``next``/``previous``/``results``) of ``api.pagination.StandardPagination`` itself.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

CREDIT_CODE = "91500112MA5U7CKX2B"
FIRM_NAME = "重庆示例智能装备有限公司"

FIRM_REQUEST = {
    "credit_code": CREDIT_CODE,
    "name": FIRM_NAME,
    "district": "500112",
    "cluster": "intelligent-equipment",
    "founded_on": "2016-04-01",
    "niche_since": 2017,
    "sector": "industry",
    "strategic_emerging": True,
    "is_listed": False,
    "contact_name": "王经理",
    "contact_phone": "023-67000000",
    "contact_email": "wang@example.cn",
    "address": "重庆市渝北区",
}
FIRM = {**FIRM_REQUEST, "stage": "growth"}

FIGURES_REQUEST = {
    "year": 2024,
    "operating_revenue": "8000.00",
    "main_business_revenue": "7200.00",
    "rd_expense": "400.00",
    "net_profit": "600.00",
    "total_assets": "9000.00",
    "total_liabilities": "4000.00",
    "employees": 150,
    "rd_staff": 30,
    "class1_ip": 3,
    "class2_ip": 8,
    "equity_financing": "0.00",
    "valuation_usd_m": None,
    "cumulative_financing_usd_m": None,
    "audited": True,
}
# The what-if body (docs/API.md): a firm's facts with one year of figures, nothing stored.
WHAT_IF_EXAMPLE = {
    "rule_set": "CN-2022",
    "as_of": "2025-06-30",
    "founded_on": "2016-04-01",
    "niche_since": 2017,
    "sector": "industry",
    "strategic_emerging": True,
    "designations": ["innovative_sme"],
    "cluster": "intelligent-equipment",
    "attested": {"quality_certification": True, "own_brand": True},
    "years": [{name: value for name, value in FIGURES_REQUEST.items() if name != "audited"}],
}
FIGURES = {
    "firm": CREDIT_CODE,
    **FIGURES_REQUEST,
    "frozen": False,
    "frozen_reason": "",
    "updated_at": "2025-04-18T10:12:00+08:00",
}
FIGURES_UPDATE_REQUEST = {"net_profit": "650.00", "audited": True}

CLUSTER = {
    "code": "intelligent-equipment",
    "name": "智能装备及智能制造",
    "name_zh": "智能装备及智能制造",
    "name_en": "Intelligent equipment and intelligent manufacturing",
    "level": "500bn",
    "provisional": False,
}
DISTRICT = {"code": "500112", "name": "渝北区", "name_zh": "渝北区", "name_en": "Yubei"}

RULE_SET = {
    "code": "CN-2022",
    "jurisdiction": "CN",
    "title": "优质中小企业梯度培育管理暂行办法（2022）及制造业单项冠军认定标准",
    "effective_from": "2022-08-01",
    "effective_until": "2025-05-14",
    "effective_from_provisional": False,
    "effective_from_note": "",
    "provisional": False,
    "has_provisional_criteria": True,
    "source": "S1, S2, S8, S9, S22",
    "builtin": True,
    "based_on": None,
    "in_force": False,
    "note": "",
}
RULE_SET_DETAIL = {
    **RULE_SET,
    "definition": {
        "code": "CN-2022",
        "effective_from": "2022-08-01",
        "title": RULE_SET["title"],
        "provisional": False,
        "based_on": None,
        "note": "",
        "common": [
            {
                "code": "sme_size",
                "label": "属于中小企业（《中小企业划型标准规定》）",
                "kind": "common",
                "check": "sme_size",
                "params": {
                    "year": 0,
                    "sectors": {
                        "industry": {"employees_below": 1000, "revenue_below": "40000"},
                        "software": {"employees_below": 300, "revenue_below": "10000"},
                    },
                },
                "score_class": None,
                "direct": False,
                "provisional": False,
                "source": "S20, S29",
                "confidence": "C",
                "note": "",
                "applies_to": ["innovative_sme", "srdi_sme", "little_giant", "hardtech_pool"],
            }
        ],
        "tiers": {
            "innovative_sme": {
                "tier": "innovative_sme",
                "scored": True,
                "pass_rule": {
                    "any": ["score", "d1_st_award", "d2_honours", "d3_rd_institution", "d4_equity_financing"]
                },
                "classes": [
                    {"code": "innovation", "label": "创新能力", "maximum": 40},
                    {"code": "growth", "label": "成长性", "maximum": 30},
                    {"code": "specialisation", "label": "专业化", "maximum": 30},
                ],
                "note": "",
                "criteria": [],
            }
        },
    },
}

# An eligibility report, cut to one tier and two of its criteria (the real one covers every tier).
ELIGIBILITY_REPORT = {
    "rule_set": "CN-2022",
    "rule_sets": ["CN-2022"],
    "as_of": "2025-06-30",
    "provisional": False,
    "tiers": {
        "innovative_sme": {
            "eligible": True,
            "in_force": True,
            "rule_set": "CN-2022",
            "application_kind": "new",
            "score": "70",
            "provisional": False,
            "criteria": [
                {
                    "code": "ip",
                    "label": "与主导产品相关的有效知识产权",
                    "kind": "measurable",
                    "status": "met",
                    "value": "class1_ip",
                    "threshold": None,
                    "op": None,
                    "unit": None,
                    "gap": None,
                    "gap_unit": None,
                    "points": 10,
                    "max_points": 20,
                    "provisional": False,
                    "message": "与主导产品相关的有效知识产权：得 10 分（满分 20 分）",
                },
                {
                    "code": "rd_intensity",
                    "label": "上年度研发费用总额占营业收入总额比重",
                    "kind": "measurable",
                    "status": "met",
                    "value": "5.00",
                    "threshold": None,
                    "op": None,
                    "unit": "pct",
                    "gap": None,
                    "gap_unit": None,
                    "points": 20,
                    "max_points": 20,
                    "provisional": False,
                    "message": "上年度研发费用总额占营业收入总额比重：5.00%，得 20 分（满分 20 分）",
                },
            ],
            "potential_score": "70",
            "class_scores": {"innovation": "30", "growth": "10", "specialisation": "30"},
            "direct_met": [],
        }
    },
}

APPLICATION = {
    "id": 42,
    "firm": CREDIT_CODE,
    "firm_name": FIRM_NAME,
    "tier": "srdi_sme",
    "tier_label": "专精特新中小企业",
    "kind": "new",
    "status": "district_review",
    "status_label": "区县初审",
    "revision": 1,
    "rule_set": "CN-2022",
    "submitted_at": "2025-05-06T09:30:00+08:00",
    "notice_starts_on": None,
    "notice_ends_on": None,
    "decided_at": None,
    "created_at": "2025-05-05T16:02:00+08:00",
    "available_actions": ["accept", "return", "reject"],
}
APPLICATION_DRAFT = {
    **APPLICATION,
    "status": "draft",
    "status_label": "草稿",
    "submitted_at": None,
    "available_actions": ["submit", "withdraw"],
    "snapshot": None,
    "events": [],
    "reviews": [],
    "objections": [],
}
APPLICATION_DETAIL = {
    **APPLICATION,
    "status": "city_review",
    "status_label": "市级复审（专家评审）",
    "available_actions": [],
    "snapshot": {"rule_set": "CN-2022", "as_of": "2025-05-06", "tier": "srdi_sme", "eligible": True},
    "events": [
        {
            "action": "submit",
            "action_label": "提交申请",
            "from_status": "draft",
            "from_label": "草稿",
            "to_status": "submitted",
            "to_label": "已提交待受理",
            "reason": "",
            "revision": 1,
            "actor": "firm.wang",
            "created_at": "2025-05-06T09:30:00+08:00",
        },
        {
            "action": "recommend",
            "action_label": "初审通过，报市级复审",
            "from_status": "district_review",
            "from_label": "区县初审",
            "to_status": "city_review",
            "to_label": "市级复审（专家评审）",
            "reason": "",
            "revision": 1,
            "actor": "caseworker.wang",
            "created_at": "2025-05-20T15:00:00+08:00",
        },
    ],
    "reviews": [
        {
            "reviewer": "expert.zhang",
            "revision": 1,
            "score": 86,
            "recommendation": "approve",
            "comment": "研发投入稳定。",
            "submitted_at": "2025-06-03T11:20:00+08:00",
        }
    ],
    "objections": [],
}
APPLICATION_CREATE_REQUEST = {"firm": CREDIT_CODE, "tier": "srdi_sme", "kind": "new"}

DESIGNATION = {
    "id": 7,
    "firm": CREDIT_CODE,
    "firm_name": FIRM_NAME,
    "tier": "srdi_sme",
    "tier_label": "专精特新中小企业",
    "granted_on": "2025-07-15",
    "expires_on": "2028-07-14",
    "status": "active",
    "status_label": "有效",
    "batch": "2025年第一批",
    "revoked_on": None,
    "revoked_reason": "",
    "source_application": 42,
}

ALERT = {
    "id": 311,
    "kind": "designation_expiring",
    "kind_label": "称号即将到期",
    "tier": "srdi_sme",
    "firm": CREDIT_CODE,
    "firm_name": FIRM_NAME,
    "period": "2028-07-14",
    "payload": {"expires_on": "2028-07-14"},
    "created_at": "2028-04-15T02:00:00+08:00",
    "read": False,
    "read_at": None,
    "message": f"称号即将到期 — {FIRM_NAME}（{CREDIT_CODE}） · 专精特新中小企业\n称号将于 2028-07-14 到期。",
}
ALERT_READ = {**ALERT, "read": True, "read_at": "2028-04-15T09:41:00+08:00"}

POOL_MEMBER = {
    "id": 12,
    "firm": CREDIT_CODE,
    "firm_name": FIRM_NAME,
    "cohort_year": 2024,
    "entered_on": "2024-12-18",
    "baseline_year": 2023,
    "baseline_revenue": "6200.00",
    "target_revenue": "12400.00",
    "check_year": 2026,
    "latest_year": 2024,
    "latest_revenue": "8000.00",
    "check_revenue": None,
    "status": "on_track",
    "status_label": "进度正常",
    "rating_reason": "on_path",
    "rating_reason_label": "最新年度营业收入达到倍增路径",
    "judged_on": "2025-06-01",
    "entry_rule_set": "CN-2022",
    "entry_override_reason": "",
    "listing_stage": "tutoring",
    "listing_stage_label": "辅导备案",
    "listing_board": "star",
}

REVIEW_REQUEST = {"application": 42, "score": 86, "recommendation": "approve", "comment": "研发投入稳定。"}
REVIEW_RECORD = {
    "id": 19,
    "application": 42,
    "firm": CREDIT_CODE,
    "reviewer": "expert.zhang",
    "revision": 1,
    "score": 86,
    "recommendation": "approve",
    "recommendation_label": "建议通过",
    "comment": "研发投入稳定。",
    "submitted_at": "2025-06-03T11:20:00+08:00",
}

ATTESTATION_CLAIM_REQUEST = {
    "firm": CREDIT_CODE,
    "code": "own_brand",
    "evidence": "商标注册证.pdf",
    "note": "第 35 类注册商标。",
}
ATTESTATION = {
    "id": 5,
    "firm": CREDIT_CODE,
    "firm_name": FIRM_NAME,
    "code": "own_brand",
    "code_label": "拥有自主品牌",
    "note": "第 35 类注册商标。",
    "status": "claimed",
    "status_label": "待确认",
    "claimed_at": "2025-03-02T10:00:00+08:00",
    "decided_at": None,
    "decision_reason": "",
    "evidence_url": "/portal/evidence/5/",
}
ATTESTATION_CONFIRMED = {
    **ATTESTATION,
    "status": "confirmed",
    "status_label": "已确认",
    "decided_at": "2025-03-05T14:30:00+08:00",
}

IMPORT_REQUEST = {"file": "年度数据.xlsx", "kind": "figures"}
IMPORT_JOB = {
    "id": 17,
    "url": "https://tiermark.example.cn/api/imports/17/",
    "user": "caseworker.wang",
    "kind": "figures",
    "kind_label": "年度数据",
    "file_name": "年度数据.xlsx",
    "file_format": "xlsx",
    "status": "queued",
    "status_label": "排队中",
    "finished": False,
    "progress": {"processed": 0, "total": 3200, "percent": 0},
    "counts": {"new": 0, "updated": 0, "skipped": 0, "refused": 0},
    "errors": [],
    "awaiting_confirmation": False,
    "changes": [],
    "detail": "",
    "created_at": "2025-03-02T10:00:00+08:00",
    "confirmed_at": "2025-03-02T10:00:00+08:00",
    "started_at": None,
    "finished_at": None,
}
IMPORT_JOB_SUCCEEDED = {
    **IMPORT_JOB,
    "status": "succeeded",
    "status_label": "已完成",
    "finished": True,
    "progress": {"processed": 3200, "total": 3200, "percent": 100},
    "counts": {"new": 3150, "updated": 40, "skipped": 10, "refused": 0},
    "started_at": "2025-03-02T10:00:01+08:00",
    "finished_at": "2025-03-02T10:01:30+08:00",
}
IMPORT_JOB_FAILED = {
    **IMPORT_JOB_SUCCEEDED,
    "status": "failed",
    "status_label": "失败",
    "counts": {"new": 0, "updated": 0, "skipped": 0, "refused": 1},
    "errors": [{"row": 235, "field": "rd_staff", "messages": ["研发人员数不能超过从业人员数。"]}],
    "detail": "有 1 行数据未通过校验，未导入任何数据。请修改后重新导入。",
}
IMPORT_JOB_AWAITING = {
    **IMPORT_JOB,
    "status": "awaiting",
    "status_label": "待确认",
    "progress": {"processed": 3200, "total": 3200, "percent": 100},
    "counts": {"new": 3150, "updated": 40, "skipped": 10, "refused": 0},
    "awaiting_confirmation": True,
    "changes": [
        {
            "row": 12,
            "action": "update",
            "changes": [{"column": "营业收入（万元）", "old": "5000.00", "new": "5200.00"}],
        }
    ],
    "detail": "校验通过：确认后将新增 3150 条、更新 40 条，10 条未变化。请核对后点击“确认导入”，或取消。",
    "started_at": "2025-03-02T10:00:01+08:00",
}
IMPORT_JOB_CONFIRMED = {
    **IMPORT_JOB_AWAITING,
    "status": "queued",
    "status_label": "排队中",
    "progress": {"processed": 0, "total": 3200, "percent": 0},
    "awaiting_confirmation": False,
    "confirmed_at": "2025-03-02T10:02:00+08:00",
}
IMPORT_JOB_CANCELLED = {
    **IMPORT_JOB_AWAITING,
    "status": "cancelled",
    "status_label": "已取消",
    "finished": True,
    "awaiting_confirmation": False,
    "detail": "已取消，未导入任何数据。",
    "finished_at": "2025-03-02T10:02:00+08:00",
}

TARGET_REQUEST = {"subject": "little_giant", "year": 2027, "kind": "active_by", "count": 500, "note": ""}
TARGET = {
    "id": 3,
    "subject": "little_giant",
    "subject_label": "专精特新“小巨人”企业",
    "year": 2027,
    "kind": "active_by",
    "kind_label": "到期末存量",
    "count": 500,
    "note": "",
}

# The dashboard as the city sees it; its keys are those ``serializers.dashboard.DashboardSerializer``
# describes (tests/dashboard check both this and the computed answer against it).
DASHBOARD = {
    "year": 2026,
    "as_of": "2026-11-26",
    "filters": {"district": None, "cluster": None},
    "tiers": [
        {
            "code": "srdi_sme",
            "label": "专精特新中小企业",
            "ladder": "quality",
            "active": 8482,
            "new": 2611,
            "target": {"kind": "new_in_year", "year": 2026, "count": 400, "measured": 2611},
            "progress": 6.5275,
        },
        {
            "code": "gazelle",
            "label": "瞪羚企业",
            "ladder": "growth",
            "active": 212,
            "new": 80,
            "target": {"kind": "active_by", "year": 2027, "count": 300, "measured": 212},
            "progress": 0.7067,
        },
    ],
    "stages": [{"code": "startup", "label": "初创期", "firms": 88000}],
    "cluster_levels": [
        {
            "level": "trillion",
            "label": "万亿级主导产业集群",
            "firms": 20000,
            "stages": {"startup": 17000, "growth": 2500, "development": 300, "leap": 200},
            "tiers": {"srdi_sme": 1700},
        }
    ],
    "districts": [
        {
            "code": "500112",
            "name": "渝北区",
            "firms": 6000,
            "stages": {"startup": 5300, "growth": 560, "development": 80, "leap": 60},
            "tiers": {"srdi_sme": 576},
        }
    ],
    "pool": {
        "members": 760,
        "new": 50,
        "cohorts": [
            {
                "cohort_year": 2024,
                "baseline_year": 2023,
                "check_year": 2026,
                "members": 76,
                "baseline_revenue": "152000.00",
                "statuses": {"on_track": 40, "at_risk": 30, "doubled": 0, "missed": 0, "unrated": 6},
                "judged_on": "2025-06-01",
                "trajectory": [{"year": 2024, "offset": 1, "members": 70, "ratio": 1.31, "path": 1.2599}],
            }
        ],
    },
    "applications": {
        "total": 12,
        "by_status": [{"status": "city_review", "label": "市级复审（专家评审）", "count": 4}],
    },
    "review_times": [{"status": "district_review", "label": "区县初审", "stays": 9, "average_days": 6.5}],
    "rd_intensity": {
        "fiscal_year": 2025,
        "groups": [
            {
                "code": "register",
                "label": "全部在库企业",
                "firms": 86000,
                "average": 0.024,
                "overall": 0.021,
                "lead_points": 0.0,
            },
            {
                "code": "srdi_sme",
                "label": "专精特新中小企业",
                "firms": 8400,
                "average": 0.054,
                "overall": 0.047,
                "lead_points": 3.0,
            },
        ],
    },
    "digital": {
        "transformed_min_level": 2,
        "measures": [
            {
                "code": "smart_factory",
                "label": "智能工厂",
                "unit": "count",
                "new": 17,
                "active": 144,
                "target": {"kind": "new_in_year", "year": 2024, "count": 10, "measured": 17},
                "progress": 1.7,
            },
            {
                "code": "upgrade_investment",
                "label": "技改投资（万元）",
                "unit": "wan_yuan",
                "new": 2580000.0,
                "active": None,
                "target": None,
                "progress": None,
            },
        ],
        "upgrades": {
            "by_status": [{"status": "under_way", "label": "实施中", "count": 640}],
            "accepted": 310,
            "average_productivity_change": 58.6,
            "overdue": 42,
        },
        "districts": [
            {
                "code": "500112",
                "name": "渝北区",
                "digital_workshop": 96,
                "smart_factory": 14,
                "future_factory": 1,
                "upgrade_projects": 120,
                "upgrade_investment": 210000.0,
                "transformed_sme": 410,
            }
        ],
    },
    "listing": {
        "measures": [
            {
                "code": "listed",
                "label": "境内交易所上市企业",
                "unit": "count",
                "new": 6,
                "active": 88,
                "target": None,
                "progress": None,
            }
        ],
        "tracks": 240,
        "pool_members": 35,
        "stages": [{"code": "tutoring", "label": "辅导备案", "tracks": 41}],
        "boards": [{"code": "star", "label": "科创板", "exchange": True, "tracks": 52, "listed": 11}],
        "districts": [
            {
                "code": "500112",
                "name": "渝北区",
                "tracks": 30,
                "stages": {"cultivating": 18, "tutoring": 6, "accepted": 2, "approved": 1, "listed": 3},
                "listed": 3,
            }
        ],
    },
}

TOKEN_REQUEST = {"username": "caseworker.wang", "password": "在此填写密码"}
TOKEN = {"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "expires_at": "2026-09-28T10:00:00+08:00"}


def response_example(
    name: str, value: dict, summary: str = "", status_codes: tuple[str, ...] = ()
) -> OpenApiExample:
    """A response example (for a list operation, one item: the paginated envelope is added for us)."""
    return OpenApiExample(
        name, value=value, summary=summary or name, response_only=True, status_codes=status_codes or None
    )


def request_example(
    name: str, value: dict, summary: str = "", media_type: str | None = None
) -> OpenApiExample:
    """A request-body example."""
    return OpenApiExample(
        name, value=value, summary=summary or name, request_only=True, media_type=media_type
    )


CHANGE_FEED = {
    "results": [
        {
            "cursor": "1235",
            "kind": "figures",
            "key": f"{CREDIT_CODE}/2024",
            "change": "updated",
            "status": None,
            "at": "2025-06-30T10:15:00+08:00",
        },
        {
            "cursor": "1236",
            "kind": "application",
            "key": "42",
            "change": "updated",
            "status": "city_review",
            "at": "2025-06-30T10:16:02+08:00",
        },
    ],
    "next": "1236",
    "has_more": False,
}
