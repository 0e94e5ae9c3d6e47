"""Indexes for the caseworkers' lists at 100,000 firms (issue #9).

* ``figures_year_firm``: the figures of one year (admin and API filter), counted from the index alone.
* ``firm_name_trgm`` (PostgreSQL only): a pg_trgm GIN index on ``UPPER(name)``, the expression Django's
  ``icontains`` compares, so a name search of three or more characters reads a few index pages instead of
  every firm. Shorter searches (two Chinese characters) have no trigram and still scan. On SQLite this
  step does nothing.
"""

from django.db import migrations, models

TRIGRAM_INDEX = "firm_name_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON registry_firm USING gin (UPPER(name::text) gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_reference_data")]

    operations = [
        migrations.AddIndex(
            model_name="annualfigures",
            index=models.Index(fields=["year", "firm"], name="figures_year_firm"),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
