"""``figures_year_rd`` (PostgreSQL only): the figures of one year with their revenue and R&D expense in the
index itself, so the dashboard's R&D intensity (issue 21) reads a fiscal year's million rows from the index
instead of the table. On SQLite this step does nothing."""

from django.db import migrations

INDEX = "figures_year_rd"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_annualfigures "
            "(year, firm_id) INCLUDE (operating_revenue, rd_expense)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_import_preview")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
