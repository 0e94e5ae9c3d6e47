"""Finding firms by part of their name or by their credit code, through PostgreSQL's indexes (issues 9, 21).

``icontains`` compares ``UPPER(name) LIKE UPPER('%term%')``. On PostgreSQL a search of three or more
characters is served by the trigram index ``firm_name_trgm`` (migration ``registry/0003``). A two-character
search — how Chinese firms are usually called, 巴山 for 重庆巴山仪器有限公司 — has no trigram, so PostgreSQL
read every firm, or walked the name index until it had a page of matches (277,000 rows for 巴山 at a million
firms).

Migration ``registry/0011`` adds ``text_bigrams(text)``, the array of a text's two-character substrings, and a
GIN index on ``text_bigrams(UPPER(name))``. A two-character term is in a name exactly when it is one of the
name's bigrams, so for such a term ``search_firms`` adds "the name's bigrams contain the term" beside the
``icontains`` (which keeps the result exactly what it was), and the database reads the matches from the index.

Two things keep that from backfiring:

* Computing the bigrams of a row costs about 7 µs, against 0.4 µs for the ``LIKE``. When a term is in a
  large share of the names (重庆, 公司), PostgreSQL rightly reads the table instead of the index and would
  compute the bigrams of every row: 2.8 s instead of 0.2 s at a million firms. Such a term (``COMMON_SHARE``
  or more of the names, by the index's statistics, the planner's own from ``ANALYZE``) is searched as before.
* The condition is written ``(icontains OR code) AND (bigrams OR code)`` rather than the equivalent
  ``(icontains AND bigrams) OR code``: the second part is then exactly what the index answered, so PostgreSQL
  does not compute the bigrams again for each match it reads (95 ms instead of 507 ms to count 巴山).

Everything here is PostgreSQL only; on SQLite (``make run``) a search is the plain ``icontains`` as before.
"""

from __future__ import annotations

import json

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.db import connections
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Upper

from .credit_code import normalise

BIGRAM_FUNCTION = "text_bigrams"
BIGRAM_INDEX = "firm_name_bigram"
BIGRAM_LENGTH = 2
# A term in at least this share of the names is searched without the bigram index (see the module docstring).
COMMON_SHARE = 0.10
# A list sorts a search's matches itself when the planner expects at most this many (``sorts_matches``).
SORT_AT_MOST = 100_000


class Bigrams(Func):
    """``text_bigrams(UPPER(name))``: the expression the GIN index ``firm_name_bigram`` is built on."""

    function = BIGRAM_FUNCTION
    output_field = ArrayField(TextField())

    def __init__(self, field: str) -> None:
        super().__init__(Upper(F(field)))


class AsBigram(Func):
    """``ARRAY[UPPER(term)]``: upper-cased by the database, as ``icontains`` upper-cases the term."""

    template = "ARRAY[%(expressions)s]"
    output_field = ArrayField(TextField())

    def __init__(self, term: str) -> None:
        super().__init__(Upper(Value(term)))


def search_firms(queryset: QuerySet, term: str, prefix: str = "") -> QuerySet:
    """Rows whose firm's name contains ``term`` or whose firm has exactly that credit code."""
    term = term.strip()
    if not term:
        return queryset
    by_code = Q(**{f"{prefix}credit_code": normalise(term)})
    condition = Q(**{f"{prefix}name__icontains": term}) | by_code
    if uses_bigram_index(queryset.db, term):
        condition &= Q(DataContains(Bigrams(f"{prefix}name"), AsBigram(term))) | by_code
    return queryset.filter(condition)


def uses_bigram_index(alias: str, term: str) -> bool:
    """Whether a search for ``term`` (stripped) on database ``alias`` goes through the bigram index."""
    if connections[alias].vendor != "postgresql":
        return False
    if len(term) != BIGRAM_LENGTH or len(term.upper()) != BIGRAM_LENGTH:
        return False  # e.g. "ß" upper-cases to "SS": not a bigram of the upper-cased name
    return share_of_names(alias, term) < COMMON_SHARE


def share_of_names(alias: str, term: str) -> float:
    """The share of firm names containing ``term`` per the index's statistics; 0 for a term not among the
    most common bigrams (or before the first ``ANALYZE``)."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT bigram.share FROM pg_stats AS stats"
            " CROSS JOIN LATERAL unnest(stats.most_common_elems::text::text[], stats.most_common_elem_freqs)"
            " AS bigram(element, share)"
            " WHERE stats.schemaname = current_schema() AND stats.tablename = %s"
            " AND bigram.element = UPPER(%s)",
            [BIGRAM_INDEX, term],
        )
        row = cursor.fetchone()
    return float(row[0]) if row else 0.0


def sorts_matches(alias: str, term: str) -> bool:
    """Whether a name-ordered list of a search's matches should sort the matches rather than walk the name
    index until a page of them turns up.

    The planner walks the name index whenever it expects a page of matches early on, as if they were spread
    evenly through the alphabet; they are not (巴山仪器: 4,000 matches, 500 ms of walking at a million firms,
    against 30 ms to read them from the trigram index and sort them). Sorting pays while the matches are few:
    a two-character term that goes through the bigram index, or a longer one the planner expects in at most
    ``SORT_AT_MOST`` firms; a common term (有限公司) is still found fastest by the walk."""
    term = term.strip()
    if connections[alias].vendor != "postgresql" or len(term) < BIGRAM_LENGTH:
        return False
    if len(term) == BIGRAM_LENGTH:
        return uses_bigram_index(alias, term)
    from .models import Firm  # the models import this module's neighbours; a late import keeps it simple

    plan = json.loads(Firm.objects.using(alias).filter(name__icontains=term).explain(format="json"))
    return plan[0]["Plan"]["Plan Rows"] <= SORT_AT_MOST
