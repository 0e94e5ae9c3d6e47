"""Examples of the programme-action routes (experts, designations, disqualifications, pool, calendar, inbox)
for the OpenAPI document; kept apart from ``api.examples`` only so each subject's examples stay together."""

from __future__ import annotations

from .examples import CREDIT_CODE, DESIGNATION, FIRM_NAME, POOL_MEMBER

ASSIGN_REQUEST = {"reviewers": ["expert.zhao", "expert.qian"], "due_on": "2026-12-20"}
ASSIGNMENTS = [
    {
        "reviewer": "expert.zhao",
        "due_on": "2026-12-20",
        "assigned_by": "city.li",
        "assigned_at": "2026-12-02T10:15:00+08:00",
        "reviewed": False,
    },
    {
        "reviewer": "expert.qian",
        "due_on": "2026-12-20",
        "assigned_by": "city.li",
        "assigned_at": "2026-12-02T10:15:00+08:00",
        "reviewed": False,
    },
]

DESIGNATION_RECORD_REQUEST = {
    "firm": CREDIT_CODE,
    "tier": "srdi_sme",
    "granted_on": "2022-06-30",
    "batch": "2022年第一批",
    "reason": "系统启用前认定，渝经信发〔2022〕12号",
}
DESIGNATION_RECORDED = {
    **DESIGNATION,
    "granted_on": "2022-06-30",
    "expires_on": "2025-06-29",
    "status": "expired",
    "status_label": "已过期",
    "batch": "2022年第一批",
    "source_application": None,
}
REVOKE_REQUEST = {"reason": "发生重大安全事故（暂行办法第十六条）。"}
DESIGNATION_REVOKED = {
    **DESIGNATION,
    "status": "revoked",
    "status_label": "已撤销",
    "revoked_on": "2026-12-02",
    "revoked_reason": REVOKE_REQUEST["reason"],
}

DISQUALIFICATION_REQUEST = {
    "firm": CREDIT_CODE,
    "code": "abnormal_operations",
    "occurred_on": "2026-03-02",
    "reason": "市场监管局列入经营异常名录",
}
DISQUALIFICATION = {
    "id": 5,
    "firm": CREDIT_CODE,
    "firm_name": FIRM_NAME,
    "code": "abnormal_operations",
    "code_label": "列入经营异常名录",
    "bar_kind": "listing",
    "occurred_on": "2026-03-02",
    "reason": "市场监管局列入经营异常名录",
    "bars_until": None,
    "recorded_by": "cw.wang",
    "recorded_at": "2026-03-03T09:30:00+08:00",
    "lifted_on": None,
    "lifted_reason": "",
}
LIFT_REQUEST = {"reason": "已移出经营异常名录", "lifted_on": "2026-09-01"}
DISQUALIFICATION_LIFTED = {
    **DISQUALIFICATION,
    "bars_until": "2026-09-01",
    "lifted_on": "2026-09-01",
    "lifted_reason": LIFT_REQUEST["reason"],
}

POOL_ADMIT_REQUEST = {"firm": CREDIT_CODE, "entered_on": "2026-07-01", "override_reason": ""}
POOL_ADMITTED = {
    **POOL_MEMBER,
    "cohort_year": 2026,
    "entered_on": "2026-07-01",
    "baseline_year": 2025,
    "check_year": 2028,
    "latest_year": None,
    "latest_revenue": None,
    "status": "unrated",
    "status_label": "待评估",
    "rating_reason": "",
    "rating_reason_label": "",
    "judged_on": None,
    "entry_rule_set": "CQ-2024",
}
POOL_EXIT_REQUEST = {"reason": "企业迁出本市"}

HOLIDAY_REQUEST = {"day": "2026-10-01", "name": "国庆节", "is_workday": False}
HOLIDAY = {"id": 31, **HOLIDAY_REQUEST}
MAKE_UP_DAY = {"id": 32, "day": "2026-10-10", "name": "国庆节调休补班", "is_workday": True}

ALERTS_MARKED = {"marked": 3}
EMAIL_PREFERENCE = {"email": "daily"}
