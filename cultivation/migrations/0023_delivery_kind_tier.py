"""Copy each alert's kind and tier onto its deliveries, and index the inbox on them and on newest first.

At a million firms the first promotion scan of a year leaves the city reviewer 580,000 inbox rows; the inbox
then sorted them by the alert's time over a join (3 s) and grouped them by the alert's kind and tier over
another (1.6 s). With kind and tier on the delivery and the two indexes below, the page reads 25 index
entries and the groups one index-only scan (docs/PERFORMANCE.md, "The inbox at 580,000 alerts").

Not atomic: the copy runs in batches of ``BATCH`` delivery ids, each its own short transaction, so millions
of rows never sit in one transaction holding every delivery's row lock (marking an alert read would wait
for all of it), and the indexes are built concurrently, without blocking new deliveries.
"""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models, transaction

BATCH = 50_000  # about 0.8 s of UPDATE per batch at a million firms

COPY = """
    UPDATE {delivery} AS d SET kind = a.kind, tier = a.tier
    FROM {alert} AS a
    WHERE a.id = d.alert_id AND d.id > %s AND d.id <= %s AND d.kind = ''
"""


class AddIndexQuietly(AddIndexConcurrently):
    """Built concurrently on PostgreSQL (new deliveries never wait for it); plainly on SQLite, the embedded
    database of ``make run``, which has no such thing."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class RemoveIndexQuietly(RemoveIndexConcurrently):
    """Dropped concurrently on PostgreSQL, plainly on SQLite (as ``AddIndexQuietly``)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.RemoveIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.RemoveIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


def copy_kind_and_tier(apps, schema_editor):
    """The deliveries take their alert's kind and tier, one id range at a time (rerunnable: only the
    rows still without a kind are written)."""
    delivery, alert = apps.get_model("cultivation", "AlertDelivery"), apps.get_model("cultivation", "Alert")
    sql = COPY.format(delivery=delivery._meta.db_table, alert=alert._meta.db_table)
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {delivery._meta.db_table}")
        last = cursor.fetchone()[0]
    for start in range(0, last, BATCH):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(sql, [start, start + BATCH])


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cultivation", "0022_alert_email_quota")]

    operations = [
        migrations.AlterModelOptions(
            name="alertdelivery",
            options={"ordering": ["-id"], "verbose_name": "提醒送达", "verbose_name_plural": "提醒送达"},
        ),
        migrations.AddField(
            model_name="alertdelivery",
            name="kind",
            field=models.CharField(
                choices=[
                    ("promotion_due", "可申报更高称号"),
                    ("stage_changed", "发展阶段变化"),
                    ("designation_expiring", "称号即将到期"),
                    ("renewal_window_open", "复核申报已开放"),
                    ("figures_overdue", "年度数据逾期未报"),
                    ("pool_rating", "帮扶库倍增进度变化"),
                    ("pool_check", "帮扶库三年倍增考核"),
                    ("pool_intake", "帮扶库年度入库不足"),
                    ("upgrade_overdue", "技改项目逾期未完工"),
                    ("application_update", "申请进展"),
                    ("scan_summary", "扫描汇总"),
                    ("listing_stage", "上市进程变化"),
                ],
                default="",
                editable=False,
                max_length=24,
                verbose_name="类型",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="alertdelivery",
            name="tier",
            field=models.CharField(
                blank=True,
                choices=[
                    ("innovative_sme", "创新型中小企业"),
                    ("srdi_sme", "专精特新中小企业"),
                    ("little_giant", "专精特新“小巨人”企业"),
                    ("single_champion", "制造业单项冠军企业"),
                    ("gazelle", "瞪羚企业"),
                    ("potential_unicorn", "潜在独角兽企业"),
                    ("unicorn", "独角兽企业"),
                    ("hardtech_pool", "硬科技企业帮扶库"),
                ],
                editable=False,
                max_length=24,
                verbose_name="称号",
            ),
        ),
        migrations.RunPython(copy_kind_and_tier, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="alertdelivery",
            constraint=models.CheckConstraint(condition=~models.Q(kind=""), name="delivery_kind_copied"),
        ),
        RemoveIndexQuietly(model_name="alertdelivery", name="delivery_inbox"),
        AddIndexQuietly(
            model_name="alertdelivery",
            index=models.Index(fields=["user", "channel", "read_at", "kind", "tier"], name="delivery_inbox"),
        ),
        AddIndexQuietly(
            model_name="alertdelivery",
            index=models.Index(fields=["user", "channel", "-id"], name="delivery_newest"),
        ),
    ]
