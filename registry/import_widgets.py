"""Cell readers and writers for the register's spreadsheets: Chinese on the way out, Chinese or codes in.

A clerk's file speaks Chinese -- 渝北区, 智能装备, 工业, 是/否 -- while older files and the API's examples
use the codes (500112, intelligent-equipment, industry, true/false). Each widget writes the Chinese
label and reads either, so a file exported today can be edited and imported back, and a file written
with codes still imports.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from import_export import widgets

YES = _("是")
NO = _("否")


class NameOrCodeWidget(widgets.ForeignKeyWidget):
    """A district or cluster given by its Chinese (or English) name or by its code; written by name.

    The few rows of these tables are read once per import, not looked up once per row."""

    def __init__(self, model, **kwargs):
        super().__init__(model, field="code", **kwargs)
        self._by_key: dict[str, object] | None = None

    def _lookup(self) -> dict[str, object]:
        if self._by_key is None:
            self._by_key = {}
            for item in self.model.objects.all():
                for key in (item.name_en, item.name_zh, item.code):  # codes win a clash
                    if key:
                        self._by_key[str(key).strip().casefold()] = item
        return self._by_key

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        text = str(value).strip()
        if text.endswith(".0") and text[:-2].isdigit():  # a code typed into Excel as a number
            text = text[:-2]
        found = self._lookup().get(text.casefold())
        if found is None:
            model = self.model._meta.verbose_name
            raise ValueError(_("未找到%(model)s“%(value)s”。") % {"model": model, "value": text[:50]})
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value.name)


class ChoiceWidget(widgets.CharWidget):
    """A field with choices: written as its label, read as its label or its stored code."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = list(choices)

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            return text
        text = str(text).strip()
        for code, label in self.choices:
            if text.casefold() in (str(code).casefold(), str(label).casefold()):
                return code
        return text  # not a choice: the model's own validation names it

    def render(self, value, obj=None, **kwargs):
        for code, label in self.choices:
            if code == value:
                return str(label)
        return super().render(value, obj, **kwargs)


class YesNoWidget(widgets.BooleanWidget):
    """是/否 on export; 是/否 or the usual true/false/1/0 on import. Anything else is an error in words,
    not a silent "no"."""

    YES_WORDS = ("是", "yes", "y", "true", "1", "√", "✓")
    NO_WORDS = ("否", "no", "n", "false", "0", "×")

    def clean(self, value, row=None, **kwargs):
        if value in self.NULL_VALUES:
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().casefold().removesuffix(".0")
        if text in self.YES_WORDS or text == str(YES).casefold():
            return True
        if text in self.NO_WORDS or text == str(NO).casefold():
            return False
        raise ValueError(_("“%(value)s”不是有效的是/否，请填写“是”或“否”。") % {"value": str(value)[:50]})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return str(YES) if value else str(NO)
