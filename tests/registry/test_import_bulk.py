"""Issue 17 item 8: the figures import validates in Python and writes a chunk at a time.

An 8,000-row file took 229 s as a job (about 35 queries a row). Now the file's firms and stored years are
read once, the model's rules and check constraints are checked in Python, and each chunk of rows is
written by one insert and one update, with its history, change-feed and scan-log rows in bulk. These tests
pin what a caseworker would notice: the queries do not grow with the rows, and the audit is the one a
row saved alone leaves.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cultivation.dashboard_cache import data_version
from cultivation.models import FirmChange
from registry.models import AnnualFigures, Change
from registry.resources import CHUNK_ROWS, AnnualFiguresResource
from registry.roles import role_names
from tests.factories import add_figures

from .import_files import FIGURE_HEADERS, figure_row, figure_rows, make_firms

pytestmark = pytest.mark.django_db


def run(user, rows: list[list], dry_run: bool = False):
    dataset = tablib.Dataset(*rows, headers=FIGURE_HEADERS)
    return AnnualFiguresResource(user=user).import_data(dataset, dry_run=dry_run)


def queries_for(user, rows: list[list], dry_run: bool = False) -> int:
    """The queries of one import as ``user`` (their roles already read, as in any request)."""
    role_names(user)
    with CaptureQueriesContext(connection) as captured:
        result = run(user, rows, dry_run)
    assert not (result.has_errors() or result.has_validation_errors())
    return len(captured)


def test_the_queries_of_an_import_do_not_grow_with_its_rows(caseworker):
    firms = make_firms(60)
    for firm in firms[:30]:  # half the rows change a stored year, half are new
        add_figures(firm, 2016, revenue="100")
    small = [figure_row(firm, 2016) for firm in firms[:5]] + [figure_row(firm, 2016) for firm in firms[30:35]]
    large = [figure_row(firm, 2016) for firm in firms[5:30]] + [figure_row(firm, 2016) for firm in firms[35:]]

    few, many = queries_for(caseworker, small), queries_for(caseworker, large)

    # The firms, the stored keys, the visible ones, the locked rows; per chunk the insert, the update
    # (after re-reading its rows under lock), two history inserts, two feed and two scan-log inserts,
    # and the savepoints around them. It was about 35 queries a row.
    assert few == many == 26
    assert AnnualFigures.objects.count() == 60


def test_a_preview_reads_and_writes_nothing_per_row(caseworker):
    firms = make_firms(40)
    few = queries_for(caseworker, figure_rows(firms, 5), dry_run=True)
    many = queries_for(caseworker, figure_rows(firms, 40), dry_run=True)
    assert few == many == 11  # the reads above and savepoints: a preview writes nothing
    assert not AnnualFigures.objects.exists()


def test_a_file_over_one_chunk_adds_a_fixed_number_of_queries_per_chunk(caseworker, monkeypatch):
    firms = make_firms(30)
    monkeypatch.setattr(AnnualFiguresResource._meta, "batch_size", 10)
    one = queries_for(caseworker, figure_rows(firms, 10))
    AnnualFigures.objects.all().delete()
    three = queries_for(caseworker, figure_rows(firms, 30))
    per_chunk, odd = divmod(three - one, 2)
    assert not odd and per_chunk == 8  # the insert, its history, feed and scan-log rows, 2 savepoints
    assert CHUNK_ROWS >= 100


def test_imported_years_leave_the_audit_of_a_single_save(caseworker):
    firms = make_firms(3)
    stored = add_figures(firms[0], 2016, revenue="100")
    history_before = stored.history.count()
    rows = [figure_row(firm, 2016) for firm in firms]
    version = data_version()

    result = run(caseworker, rows)

    assert data_version() != version  # the dashboards' cached counts are out of date
    assert result.totals["new"] == 2 and result.totals["update"] == 1
    created = AnnualFigures.objects.exclude(pk=stored.pk)
    for row in created:
        (entry,) = row.history.all()
        assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
            "+",
            caseworker,
            None,
        )
        assert row.filed_on is not None and not row.frozen
    stored.refresh_from_db()
    assert stored.operating_revenue == Decimal(5000)
    latest = stored.history.first()
    assert stored.history.count() == history_before + 1
    assert (latest.history_type, latest.history_user, latest.operating_revenue) == ("~", caseworker, 5000)
    feed = Change.objects.filter(kind=Change.Kind.FIGURES).order_by("id")
    assert {
        (c.key, c.action, c.firm_id) for c in feed if c.record_id != stored.pk or c.action == "updated"
    } >= {
        (f"{firms[0].credit_code}/2016", "updated", firms[0].pk),
        (f"{firms[1].credit_code}/2016", "created", firms[1].pk),
        (f"{firms[2].credit_code}/2016", "created", firms[2].pk),
    }
    assert set(FirmChange.objects.values_list("firm_id", flat=True)) >= {firm.pk for firm in firms}


def test_an_unchanged_row_writes_no_history(caseworker):
    firms = make_firms(1)
    run(caseworker, [figure_row(firms[0], 2016)])
    row = AnnualFigures.objects.get()
    changes = Change.objects.count()

    result = run(caseworker, [figure_row(firms[0], 2016)])

    assert result.totals["skip"] == 1 and row.history.count() == 1 and Change.objects.count() == changes


def test_a_frozen_year_is_refused_with_its_message_and_nothing_is_written(caseworker):
    firms = make_firms(2)
    frozen = add_figures(firms[0], 2016, revenue="100")
    AnnualFigures.objects.filter(pk=frozen.pk).freeze("申请 7 已提交")
    rows = [figure_row(firms[1], 2016), figure_row(firms[0], 2016)]

    result = run(caseworker, rows)

    (invalid,) = result.invalid_rows
    assert invalid.number == 2
    assert "2016 年度数据已冻结（申请 7 已提交），不能修改" in " ".join(invalid.error.messages)
    assert AnnualFigures.objects.count() == 1  # the good row too: all or nothing


def test_every_check_constraint_is_stated_by_the_python_rules(caseworker):
    """The import skips Django's one query per check constraint: the fields' validators and
    ``check_rules`` must refuse every row a constraint would, or the database would refuse the chunk."""
    firm = make_firms(1)[0]
    good = AnnualFigures(
        firm=firm, year=2016, **dict(zip(FIGURE_HEADERS[2:], figure_row(firm, 2016)[2:], strict=True))
    )
    good.full_clean(validate_constraints=True)
    amounts = [
        "operating_revenue",
        "main_business_revenue",
        "rd_expense",
        "total_assets",
        "total_liabilities",
    ]
    variants = [
        {"year": 1979},
        {"year": 2101},
        *({"main_business_revenue": Decimal(0), name: Decimal(-1)} for name in amounts),
        {"equity_financing": Decimal(-1)},
        {"valuation_usd_m": Decimal(-1)},
        {"cumulative_financing_usd_m": Decimal(-1)},
        {"rd_staff": 101, "employees": 100},
        {"main_business_revenue": Decimal(6000), "operating_revenue": Decimal(5000)},
    ]
    checks = [c for c in AnnualFigures._meta.constraints if c.__class__.__name__ == "CheckConstraint"]
    covered = set()
    for changes in variants:
        row = copy.copy(good)
        for name, value in changes.items():
            setattr(row, name, value)
        for constraint in checks:
            try:
                constraint.validate(AnnualFigures, row)
            except ValidationError:
                covered.add(constraint.name)
        with pytest.raises(ValidationError):
            row.clean_fields()
            row.check_rules()
    assert covered == {c.name for c in checks}  # a new constraint needs its example here
