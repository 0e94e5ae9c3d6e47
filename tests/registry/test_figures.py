"""Annual figures: database constraints, form-level messages, and frozen years."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.models import AnnualFigures, FrozenFiguresError
from tests.factories import FiguresFactory, FirmFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "changes",
    [
        {"operating_revenue": Decimal("-0.01"), "main_business_revenue": Decimal("-1")},
        {"rd_expense": Decimal("-0.01")},
        {"total_assets": Decimal("-1")},
        {"total_liabilities": Decimal("-1")},
        {"equity_financing": Decimal("-5")},
        {"valuation_usd_m": Decimal("-1")},
        {"cumulative_financing_usd_m": Decimal("-1")},
        {"rd_staff": 151, "employees": 150},
        {"main_business_revenue": Decimal("8000.01")},
        {"year": 1979},
        {"year": 2101},
    ],
)
def test_database_refuses_impossible_figures(changes):
    firm = FirmFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FiguresFactory(firm=firm, **changes)
    assert not AnnualFigures.objects.filter(firm=firm).exists()


def test_one_row_per_firm_and_year():
    row = FiguresFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FiguresFactory(firm=row.firm, year=row.year)


def test_negative_net_profit_is_a_loss_not_an_error():
    row = FiguresFactory(net_profit=Decimal("-120.50"))
    row.full_clean()


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"rd_staff": 200, "employees": 150}, "rd_staff", "研发人员不能多于从业人员"),
        ({"main_business_revenue": Decimal("9000")}, "main_business_revenue", "不能高于营业收入"),
        (
            {"operating_revenue": Decimal("-1"), "main_business_revenue": Decimal("-2")},
            "operating_revenue",
            "",
        ),
        ({"year": 2999}, "year", "年度应在"),
    ],
)
def test_form_validation_names_the_field(changes, field, text):
    row = FiguresFactory.build(firm=FirmFactory(), **changes)
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert field in caught.value.message_dict
    assert text in " ".join(caught.value.message_dict[field])


def freeze(row: AnnualFigures) -> None:
    AnnualFigures.objects.filter(pk=row.pk).update(frozen=True, frozen_reason="申请 #12 评审依据")
    row.refresh_from_db()


def test_frozen_year_refuses_edits_with_a_clear_message():
    row = FiguresFactory()
    freeze(row)
    row.rd_expense = Decimal("999.00")
    with pytest.raises(FrozenFiguresError) as caught:
        row.save()
    assert "已冻结" in caught.value.messages[0] and "申请 #12" in caught.value.messages[0]
    row.refresh_from_db()
    assert row.rd_expense == Decimal("400.00")


def test_frozen_year_can_be_saved_unchanged_but_not_deleted():
    row = FiguresFactory()
    freeze(row)
    row.save()  # e.g. the firm page re-submits its inline rows untouched
    with pytest.raises(FrozenFiguresError):
        row.delete()
    assert AnnualFigures.objects.filter(pk=row.pk).exists()


def test_frozen_year_fails_form_validation():
    row = FiguresFactory()
    freeze(row)
    row.class1_ip = 9
    with pytest.raises(ValidationError):
        row.full_clean()
