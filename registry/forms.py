"""The admin's import form: an uploaded file is checked by its content before anything parses it.

django-import-export would otherwise hand a GBK or binary file to its parser and answer with the
name of a Python exception. Here the file must really be what the chosen format says -- an XLSX
workbook (a ZIP container) or UTF-8 text for CSV -- and fit the size limit; every refusal says what
to do instead, and nothing is read further or stored. Its data rows are then counted without parsing a
cell (``registry.imports.count_rows``): over ``IMPORT_MAX_ROWS`` the file is refused whole, and the
count (``row_count``) tells the admin whether to preview it or run it as a background job.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.forms import ImportForm, SelectableFieldsExportForm

from .file_formats import offer
from .imports import UnreadableFile, count_rows, row_limit_error

MAX_IMPORT_BYTES = 5 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
BINARY_MAGIC = (ZIP_MAGIC, b"MZ", b"\x7fELF", b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0")


def text_error(data: bytes) -> str | None:
    """Why ``data`` is not a UTF-8 CSV/TSV file, or None."""
    if data.startswith(UTF16_BOMS):
        return _("文件为 UTF-16 编码，请另存为 UTF-8 编码的 CSV（Excel 中选择“CSV UTF-8（逗号分隔）”）。")
    if data.startswith(BINARY_MAGIC) or b"\x00" in data[:65536]:
        return _("文件内容不是文本表格（CSV），可能是其他类型的文件。请上传 CSV 或 XLSX 文件。")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _("文件不是 UTF-8 编码（可能是 GBK）。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后重新上传。")
    if text.lstrip().startswith("<"):
        return _("文件内容是网页（HTML）而不是 CSV 表格。请上传 CSV 或 XLSX 文件。")
    return None


def binary_error(data: bytes) -> str | None:
    """Why ``data`` is not an XLSX workbook, or None (the parser judges what is inside the ZIP)."""
    if not data.startswith(ZIP_MAGIC):
        return _("所选格式为 Excel 工作簿（xlsx），但文件内容不是 xlsx 文件。请检查文件或改选 CSV 格式。")
    return None


def read_import_file(upload, binary: bool) -> tuple[bytes, int]:
    """The bytes of an uploaded import file and its data rows, when it may be imported as XLSX
    (``binary``) or CSV; otherwise ``ValidationError`` saying in words what to do instead: over the size
    limit (refused before it is read), not what the format says, unreadable, or over ``IMPORT_MAX_ROWS``.
    The admin's import form and the API's upload (``api.serializers.imports``) both check with it."""
    if upload.size > MAX_IMPORT_BYTES:
        raise ValidationError(_("导入文件不能超过 %(limit)d MB。") % {"limit": MAX_IMPORT_BYTES >> 20})
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    error = binary_error(data) if binary else text_error(data)
    if error:
        raise ValidationError(error)
    try:
        rows = count_rows(data, binary=binary)
    except UnreadableFile as unreadable:
        raise ValidationError(str(unreadable)) from unreadable
    error = row_limit_error(rows)
    if error:
        raise ValidationError(error)
    return data, rows


class CheckedImportForm(ImportForm):
    """``ImportForm`` that refuses a file whose content does not match the chosen format."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        offer(self)  # CSV or XLSX, XLSX unless the file's name says otherwise
        self.formats = formats
        self.fields["import_file"].help_text = _(
            "每个文件最多 %(max)s 行数据；超过 %(sync)s 行的文件将转为后台导入任务，"
            "完成后在“导入任务”中查看结果。"
        ) % {"max": f"{settings.IMPORT_MAX_ROWS:,}", "sync": f"{settings.IMPORT_SYNC_MAX_ROWS:,}"}
        self.row_count: int | None = None
        self.file_data: bytes | None = None

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        choice = cleaned.get("format")
        if upload is None or choice in (None, ""):
            return cleaned
        file_format = self.formats[int(choice)]()
        try:
            self.file_data, self.row_count = read_import_file(upload, binary=file_format.is_binary())
        except ValidationError as refused:
            self.add_error("import_file", refused)
        return cleaned


class ExportForm(SelectableFieldsExportForm):
    """The export form offering XLSX (chosen) or CSV, without the empty choice."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        offer(self)
