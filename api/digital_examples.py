"""Example payloads of the digital-transformation endpoints (issue 18), for the OpenAPI schema.

The same fictional firm as ``api.examples`` (its credit code and name): a workshop recognised in 2022 and
raised to a smart factory in 2024, the industry platform it leads, and a 技改 project accepted with its
productivity gain. ``tests/api/test_schema.py`` validates each against its schema.
"""

from __future__ import annotations

from .examples import CREDIT_CODE, FIRM_NAME

RECOGNITION_REQUEST = {
    "firm": CREDIT_CODE,
    "site_name": "两江智能装备产业园一号厂区",
    "level": "smart_factory",
    "year": 2024,
    "batch": "2024年第一批",
    "valid_until": None,
    "note": "",
}
RECOGNITION = {
    "id": 7,
    **RECOGNITION_REQUEST,
    "firm_name": FIRM_NAME,
    "level_label": "智能工厂",
    "counts": True,
    "has_evidence": True,
    "evidence_url": "/digital/recognition/7/evidence/",
    "created_at": "2024-11-20T10:00:00+08:00",
}
INDUSTRY_BRAIN_REQUEST = {
    "name": "智能装备行业产业大脑",
    "industry": "智能装备",
    "firm": CREDIT_CODE,
    "year": 2024,
    "batch": "2024年",
    "valid_until": None,
    "note": "",
}
INDUSTRY_BRAIN = {
    "id": 2,
    **INDUSTRY_BRAIN_REQUEST,
    "firm_name": FIRM_NAME,
    "has_evidence": False,
    "evidence_url": None,
    "created_at": "2024-12-02T09:30:00+08:00",
}
UPGRADE_REQUEST = {
    "firm": CREDIT_CODE,
    "name": "焊接产线智能化改造",
    "kind": "intelligent",
    "investment": "1800.00",
    "planned_start": "2024-03-01",
    "planned_finish": "2024-12-31",
    "note": "",
}
UPGRADE = {
    "id": 31,
    **UPGRADE_REQUEST,
    "firm_name": FIRM_NAME,
    "kind_label": "智能化改造",
    "status": "accepted",
    "status_label": "已验收",
    "actual_start": "2024-03-15",
    "actual_finish": "2024-12-20",
    "accepted_on": "2025-01-10",
    "productivity_change": "58.6",
    "overdue": False,
    "next_status": None,
}
UPGRADE_PLANNED = {
    **UPGRADE,
    "status": "planned",
    "status_label": "计划",
    "actual_start": None,
    "actual_finish": None,
    "accepted_on": None,
    "productivity_change": None,
    "next_status": "under_way",
}
ADVANCE_REQUEST = {"to": "accepted", "on": "2025-01-10", "productivity_change": "58.6", "reason": "验收通过"}
