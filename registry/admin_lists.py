"""What keeps the caseworkers' admin lists fast at 100,000 firms (issue #9), measured by bench/bench_web.py.

* ``search_firms`` (``registry.name_search``): name *or* exact credit code, as the API's ``q`` filter; the
  code is normalised and compared as stored, so PostgreSQL ORs the name's trigram (or, for two characters,
  bigram) index with the code's unique index (the admin's default ``=credit_code`` compares ``UPPER(code)``,
  which no index covers, and so scanned every firm).
* ``FiguresOfYearFilter``: the years on offer from ``MIN``/``MAX`` of the year index, instead of ``SELECT
  DISTINCT year`` over every row of figures on each page view.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Max, Min
from django.utils.translation import gettext_lazy as _

from .name_search import search_firms
from .years import FIRST_YEAR, LAST_YEAR

__all__ = ["FiguresOfYearFilter", "fiscal_year", "search_firms"]


class FiguresOfYearFilter(admin.SimpleListFilter):
    """Figures of one fiscal year; the choices span the years on record (newest first)."""

    title = _("年度")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        span = model_admin.model.objects.aggregate(first=Min("year"), last=Max("year"))
        if span["first"] is None:
            return []
        return [(str(year), str(year)) for year in range(span["last"], span["first"] - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(year=fiscal_year(value)) if value else queryset


def fiscal_year(value: str) -> int:
    """A year filter's value as a year, or the admin's "?e=1" for "abc", "²" or 99999 (never a 500)."""
    if value.isascii() and value.isdigit() and FIRST_YEAR <= int(value) <= LAST_YEAR:
        return int(value)
    raise IncorrectLookupParameters(value)
