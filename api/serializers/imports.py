"""Imports as jobs: the upload (``POST /api/imports/``, multipart) and the job it starts.

The upload is checked as the admin's import form checks it (``registry.forms.read_import_file``: size,
content matching the format, readable, ``IMPORT_MAX_ROWS``) before anything is stored; the format is the
file name's (``.csv`` or ``.xlsx``), as the admin's is the one chosen in its form. The job is
``registry.models.ImportJob`` as ``registry.imports`` runs it; its row errors are the job's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registry.forms import read_import_file
from registry.models import ImportJob

# The file name's ending -> whether the file is an XLSX workbook (binary) rather than CSV text.
BINARY_BY_SUFFIX = {".csv": False, ".xlsx": True}


@dataclass(frozen=True)
class CheckedUpload:
    """An uploaded file that may be imported: its bytes, format and data rows."""

    name: str
    data: bytes
    binary: bool
    rows: int


class ImportUploadSerializer(serializers.Serializer):
    """``POST /api/imports/`` (multipart): a CSV or XLSX file and what it holds."""

    file = serializers.FileField(help_text="CSV (UTF-8) or XLSX, with the admin import's column headers")
    kind = serializers.ChoiceField(choices=ImportJob.Kind.choices)
    preview = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: first a dry run; the job then waits (`awaiting`) with its counts and a sample of "
        "the changes until you POST `confirm/` (import) or `cancel/`. false (default): import at once.",
    )

    def validate_file(self, upload) -> CheckedUpload:
        binary = BINARY_BY_SUFFIX.get(PurePath(upload.name).suffix.lower())
        if binary is None:
            raise serializers.ValidationError(_("只能导入 CSV 或 XLSX 文件（文件名以 .csv 或 .xlsx 结尾）。"))
        data, rows = read_import_file(upload, binary=binary)
        if rows == 0:
            raise serializers.ValidationError(_("文件中没有数据行（第一行是表头），本次未导入任何数据。"))
        return CheckedUpload(name=upload.name, data=data, binary=binary, rows=rows)


class ImportProgressSerializer(serializers.Serializer):
    """How far the job is: data rows processed of the file's total."""

    processed = serializers.IntegerField(source="rows_processed")
    total = serializers.IntegerField(source="rows_total")
    percent = serializers.IntegerField()


class ImportCountsSerializer(serializers.Serializer):
    """What the job did: rows added, changed, left as they were; rows refused (then nothing was imported)."""

    new = serializers.IntegerField(source="new_count")
    updated = serializers.IntegerField(source="updated_count")
    skipped = serializers.IntegerField(source="skipped_count")
    refused = serializers.IntegerField(source="error_count")


class ImportRowErrorSerializer(serializers.Serializer):
    """One refused row's messages for one field (``row`` 1 is the first data row; 0: the whole file)."""

    row = serializers.IntegerField()
    field = serializers.CharField(allow_blank=True)
    messages = serializers.ListField(child=serializers.CharField())


class ImportCellChangeSerializer(serializers.Serializer):
    """One cell the import would change: the column's header, the stored value and the file's."""

    column = serializers.CharField()
    old = serializers.CharField(allow_blank=True)
    new = serializers.CharField(allow_blank=True)


class ImportRowChangeSerializer(serializers.Serializer):
    """One row of the preview's sample: its number, ``new`` or ``update``, and the cells it changes."""

    row = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["new", "update"])
    changes = ImportCellChangeSerializer(many=True)


class ImportJobSerializer(serializers.ModelSerializer):
    """An import job: its status, progress, counts and refused rows (at most 500 listed); a previewed job
    also its sample of changes while it waits for ``confirm/``."""

    url = serializers.HyperlinkedIdentityField(view_name="import-detail")
    user = serializers.CharField(source="user.username", read_only=True)
    kind = serializers.ChoiceField(choices=ImportJob.Kind.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status = serializers.ChoiceField(choices=ImportJob.Status.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    finished = serializers.BooleanField(read_only=True)
    progress = ImportProgressSerializer(source="*", read_only=True)
    counts = ImportCountsSerializer(source="*", read_only=True)
    errors = ImportRowErrorSerializer(many=True, read_only=True)
    awaiting_confirmation = serializers.BooleanField(source="waiting", read_only=True)
    changes = ImportRowChangeSerializer(many=True, read_only=True, help_text="the first 20 rows that change")

    class Meta:
        model = ImportJob
        fields = (
            "id",
            "url",
            "user",
            "kind",
            "kind_label",
            "file_name",
            "file_format",
            "status",
            "status_label",
            "finished",
            "progress",
            "counts",
            "errors",
            "awaiting_confirmation",
            "changes",
            "detail",
            "created_at",
            "confirmed_at",
            "started_at",
            "finished_at",
        )
        read_only_fields = fields
