"""Example payloads of digital maturity and the road to listing, for the same fictional firm as
``api.examples`` (validated against the schema by ``tests/api/test_schema.py``)."""

from __future__ import annotations

from .examples import CREDIT_CODE, FIRM_NAME

MATURITY_REQUEST = {
    "firm": CREDIT_CODE,
    "level": 3,
    "assessed_on": "2025-09-15",
    "evidence": "渝数评〔2025〕0123号",
}
MATURITY = {
    "id": 17,
    "firm": CREDIT_CODE,
    "firm_name": FIRM_NAME,
    "level": 3,
    "level_label": "三级",
    "assessed_on": "2025-09-15",
    "evidence": "渝数评〔2025〕0123号",
    "transformed": True,
    "next_level": 4,
    "recorded_at": "2025-09-16T10:02:00+08:00",
}
MATURITY_PATCH = {"evidence": "渝数评〔2025〕0123号（复评）"}

LISTING_OPEN_REQUEST = {
    "firm": CREDIT_CODE,
    "board": "star",
    "stage": "cultivating",
    "on": "2024-03-01",
    "note": "列入市级上市后备企业库",
}
LISTING_ADVANCE_REQUEST = {"stage": "tutoring", "on": "2025-06-20", "reason": "重庆证监局辅导备案"}
LISTING_PATCH = {"note": "保荐机构已进场"}
LISTING = {
    "id": 5,
    "firm": CREDIT_CODE,
    "firm_name": FIRM_NAME,
    "board": "star",
    "board_label": "科创板",
    "stage": "tutoring",
    "stage_label": "辅导备案",
    "stage_since": "2025-06-20",
    "next_stage": "accepted",
    "cultivating_on": "2024-03-01",
    "tutoring_on": "2025-06-20",
    "accepted_on": None,
    "approved_on": None,
    "listed_on": None,
    "stock_code": "",
    "note": "保荐机构已进场",
    "pool_status": "on_track",
    "pool_status_label": "进度正常",
}
