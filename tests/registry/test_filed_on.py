"""The day a year's figures were first filed (P9, issue 15 item 10): stamped once by the write path,
and backfilled by migration 0006 for rows entered before the field existed."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from registry.models import AnnualFigures
from tests.factories import FirmFactory

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("registry.migrations.0006_figures_filed_on").backfill_filed_on


def new_row(firm, year: int) -> AnnualFigures:
    return AnnualFigures.objects.create(
        firm=firm,
        year=year,
        operating_revenue=1000,
        main_business_revenue=900,
        rd_expense=50,
        net_profit=10,
        total_assets=2000,
        total_liabilities=900,
        employees=50,
        rd_staff=5,
    )


def test_a_new_row_is_stamped_today_and_an_edit_never_moves_the_day():
    row = new_row(FirmFactory(), 2024)
    assert row.filed_on == timezone.localdate()
    AnnualFigures.objects.filter(pk=row.pk).update(filed_on=datetime.date(2025, 4, 30))
    row = AnnualFigures.objects.get(pk=row.pk)
    row.employees = 60
    row.filed_on = datetime.date(2030, 1, 1)  # not a field anyone edits: the stored day stays
    row.save()
    row.refresh_from_db()
    assert row.employees == 60 and row.filed_on == datetime.date(2025, 4, 30)


def test_the_backfill_takes_the_first_history_row_else_the_last_update():
    firm = FirmFactory()
    recorded = new_row(firm, 2023)
    created = timezone.localdate(recorded.history.earliest("history_date").history_date)
    AnnualFigures.objects.filter(pk=recorded.pk).update(filed_on=None)
    recorded.history.update(history_date=timezone.now() - datetime.timedelta(days=400))
    first = timezone.localdate(recorded.history.earliest("history_date").history_date)
    unrecorded = new_row(firm, 2024)
    unrecorded.history.all().delete()  # a bulk insert leaves no history
    AnnualFigures.objects.filter(pk=unrecorded.pk).update(filed_on=None)

    backfill(apps, None)

    assert created == timezone.localdate()
    assert AnnualFigures.objects.get(pk=recorded.pk).filed_on == first
    unrecorded = AnnualFigures.objects.get(pk=unrecorded.pk)
    assert unrecorded.filed_on == timezone.localdate(unrecorded.updated_at)
