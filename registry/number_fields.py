"""Number fields that say what is wrong with letters typed into them.

A browser's number input drops letters silently and the server then answers "required", or Django's
"Enter a number." in a form that is otherwise Chinese: the figure forms (the admin's and the portal's)
use text inputs with a numeric keyboard instead, so the server sees what was typed and says so.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

NUMBER_ONLY = _("请输入数字（如 1234.56），不要输入文字、单位或逗号。")
WHOLE_NUMBER_ONLY = _("请输入整数（如 25），不要输入文字、单位或小数。")
NUMBER_INPUT_ATTRS = ("step", "min", "max")


class NumberFieldsMixin:
    """Every decimal and integer field of the form: a text box with a numeric keyboard and a message
    that names the problem when what was typed is not a number."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField):  # before IntegerField: its subclass
                say_numbers(field, NUMBER_ONLY, "decimal")
            elif isinstance(field, forms.IntegerField):
                say_numbers(field, WHOLE_NUMBER_ONLY, "numeric")


def say_numbers(field: forms.Field, message: str, inputmode: str) -> None:
    """``field`` as a text box (``inputmode`` keyboard) whose invalid input gets ``message``."""
    field.error_messages = {**field.error_messages, "invalid": message}
    attrs = {k: v for k, v in field.widget.attrs.items() if k not in NUMBER_INPUT_ATTRS}
    field.widget = forms.TextInput(attrs={**attrs, "inputmode": inputmode})
