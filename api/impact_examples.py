"""Examples of the impact-report API (issue 16), shown in the schema and docs/API.md."""

from __future__ import annotations

IMPACT_REQUEST = {"to": "CN-2026-D1", "as_of": "2026-06-30", "district": "500112"}
SWEEP_REQUEST = {
    "to": "CN-2026-D1",
    "sweep": {
        "path": "srdi_sme.c2_rd_expense",
        "param": "threshold",
        "start": "80",
        "stop": "200",
        "step": "20",
    },
}
IMPACT_QUEUED = {
    "url": "https://tiermark.example.cn/api/impact-reports/8/",
    "id": 8,
    "kind": "impact",
    "status": "queued",
    "percent": 0,
    "done": 0,
    "total": 0,
    "to": "CN-2026-D1",
    "from": "",
    "from_key": "",
    "as_of": "2026-06-30",
    "district": "500112",
    "cluster": "",
    "sweep_path": "",
    "sweep_param": "",
    "sweep_values": [],
    "created_by": "programme-admin",
    "created_at": "2026-06-30T09:00:00+08:00",
    "started_at": None,
    "finished_at": None,
    "detail": "",
    "result": None,
}
IMPACT_DONE = {
    **IMPACT_QUEUED,
    "status": "succeeded",
    "percent": 100,
    "done": 3,
    "total": 3,
    "from_key": "CN-2026+CQ-2024",
    "started_at": "2026-06-30T09:00:01+08:00",
    "finished_at": "2026-06-30T09:00:09+08:00",
    "result": {
        "as_of": "2026-06-30",
        "from": "CN-2026+CQ-2024",
        "to": "CN-2026-D1+CQ-2024",
        "scope": {"district": "500112", "cluster": None},
        "firms": 5210,
        "tiers": [
            {
                "tier": "srdi_sme",
                "label": "专精特新中小企业",
                "a": 412,
                "b": 377,
                "gained": 0,
                "lost": 35,
                "unchanged": 377,
                "lost_held": 21,
            }
        ],
        "breakdowns": {
            "district": [
                {
                    "key": "500112",
                    "label": "渝北区",
                    "tier": "srdi_sme",
                    "a": 412,
                    "b": 377,
                    "gained": 0,
                    "lost": 35,
                    "unchanged": 377,
                    "lost_held": 21,
                }
            ],
            "cluster": [],
            "stage": [],
        },
        "changes": [
            {
                "credit_code": "91500112MA5U7XKQ3B",
                "name": "重庆甲精密制造有限公司",
                "district": "500112",
                "district_name": "渝北区",
                "tier": "srdi_sme",
                "tier_label": "专精特新中小企业",
                "a": True,
                "b": False,
                "held": True,
                "criterion": "c2_rd_expense",
                "criterion_label": "上一年度研发费用总额不低于100万元",
            }
        ],
        "changes_total": 35,
    },
}
