"""The bad-input corpus shared by every table in ``tests/badinput``: hostile values by kind, and the
"changes nothing" check (every row of every table a form or endpoint could write, and the audit trail).
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from cultivation.models import (
    Application,
    ApplicationEvent,
    Attestation,
    DigitalRecognition,
    IndustryBrain,
    ListingTrack,
    MaturityAssessment,
    UpgradeProject,
)
from cultivation.models.alerts import AlertPreference
from registry.credit_code import make_code
from registry.models import AnnualFigures, Firm, User

THIS_YEAR = timezone.localdate().year
TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
HUGE = "企" * 20_000  # 60 KB of UTF-8: under the 1 MB body limit, far over every field's length (≤ 4000)

WRONG_TYPES = [[], {}, [1, 2], {"a": 1}]
BAD_AMOUNTS = [
    "abc",
    "-1",
    "-0.01",
    "1e400",
    "NaN",
    "Infinity",
    "9" * 40,
    "1.234",
    "12,5",
    HUGE,
    *WRONG_TYPES,
]
BAD_COUNTS = ["many", -1, 1.5, 10**20, "1e3", "", HUGE, *WRONG_TYPES]
BAD_YEARS = [THIS_YEAR + 1, 3000, 1900, -1, 0, "2024a", 10**12, *WRONG_TYPES]
BAD_DATES = ["2025-13-40", "tomorrow", TOMORROW, "0000-00-00", "20240101x", HUGE, *WRONG_TYPES]
BAD_TEXT = [HUGE, "nul\x00byte", *WRONG_TYPES]
GOOD_CODE = make_code("91500112MA60000A1")
BAD_CODES = [
    "",
    "123",
    GOOD_CODE[:17] + ("0" if GOOD_CODE[17] != "0" else "1"),  # wrong check character
    "91500112MA60000OIZ",  # letters outside the alphabet
    "ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵ",  # full-width
    GOOD_CODE[:17] + "\x00",
    "<script>alert(1)</script>",
    "9" * 500,
    *WRONG_TYPES,
]


def case_id(value) -> str:
    """A short readable test id for a hostile value."""
    text = repr(value)
    return text if len(text) <= 24 else f"{text[:12]}…len{len(text)}"


WRITABLE = (Firm, AnnualFigures, Application, ApplicationEvent, Attestation, AlertPreference, Token, User)
WRITABLE += (MaturityAssessment, ListingTrack)
WRITABLE += (DigitalRecognition, IndustryBrain, UpgradeProject)


def snapshot() -> dict:
    """Every row of every table a corpus request could write, with the audit trail's size."""
    tables = {
        model.__name__: list(model.objects.order_by("pk").values()) for model in WRITABLE if model is not User
    }
    tables["User"] = list(User.objects.order_by("pk").values("pk", "username", "firm_id", "district_id"))
    tables["history"] = [Firm.history.count(), AnnualFigures.history.count()]
    return tables


def row_counts() -> tuple[int, ...]:
    """How many rows each writable table (and the audit trail) holds, in one query: the cheap check
    made after every case; ``snapshot`` compares every value before and after a whole table."""
    tables = [model._meta.db_table for model in WRITABLE]
    tables += [Firm.history.model._meta.db_table, AnnualFigures.history.model._meta.db_table]
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {table})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def field_errors(response) -> dict:
    """The API's ``fields`` or the page form's errors, whichever the response carries."""
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        assert set(body) == {"detail", "fields"}, body
        assert isinstance(body["detail"], str) and body["detail"]
        return body["fields"]
    form = response.context["form"]
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}
