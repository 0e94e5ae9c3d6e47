"""A bigram index for two-character name searches (issue 21), PostgreSQL only.

The trigram index of ``0003`` serves searches of three or more characters. A two-character search (巴山, the
usual way to name a Chinese firm) has no trigram: at a million firms the admin's firm list took about 660 ms,
walking the name index through 277,000 firms for a page of 巴山 and reading every firm to count them.

* ``text_bigrams(text)``: the array of a text's two-character substrings (``{AB,BC,CD}`` for ``ABCD``, empty
  for a single character). ``IMMUTABLE``, so it can be indexed.
* ``firm_name_bigram``: a GIN index on ``text_bigrams(UPPER(name))``, the upper-cased name ``icontains``
  compares. ``registry.name_search.search_firms`` asks it for two-character terms; at a million firms the page
  of 巴山 (55,000 matches) and its count take 156 ms and 102 ms in SQL instead of 554 ms and 174 ms, a rare
  term 0.3 ms and 0.03 ms instead of 166 ms and 165 ms.
* ``ANALYZE registry_firm``: gathers the index's statistics (how common each bigram is), which the planner
  and ``search_firms`` read to leave very common terms (重庆) to the sequential scan.

Building the index reads every firm once (about 13 s at a million). On SQLite this step does nothing.
"""

from django.db import migrations

BIGRAM_FUNCTION = "text_bigrams"
BIGRAM_INDEX = "firm_name_bigram"


def create_bigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE OR REPLACE FUNCTION {BIGRAM_FUNCTION}(value text) RETURNS text[]"
        " LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS"
        " $$ SELECT coalesce(array_agg(substr(value, i, 2)), '{}')"
        " FROM generate_series(1, char_length(value) - 1) AS i $$"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {BIGRAM_INDEX} ON registry_firm"
        f" USING gin ({BIGRAM_FUNCTION}(UPPER(name::text)))"
    )
    schema_editor.execute("ANALYZE registry_firm")


def drop_bigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {BIGRAM_INDEX}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {BIGRAM_FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_figures_year_rd_index")]

    operations = [
        migrations.RunPython(create_bigram_index, drop_bigram_index, elidable=False),
    ]
