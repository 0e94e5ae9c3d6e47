"""Forms that refuse to save over a change made since they were drawn (issue 19).

The form carries the record's version (``registry.versions``) in a hidden field; on a save the
write service compares it with the stored row under the row's lock (``check_version``) and refuses
with "该记录已被他人修改…" rather than overwrite someone else's change. A post without the field (a
form drawn before it existed, a script) is not compared, as before.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME as HISTORY_ATTRIBUTE

from .services import check_version
from .versions import StaleRecordError, version_of


class VersionedFormMixin(forms.ModelForm):
    """A model form that remembers the version it was drawn with and checks it when cleaned.

    The admin's change view runs in one transaction, so the lock taken by this check holds until its
    save; the portal, outside one, passes ``expected_version()`` to the service, which checks again.
    """

    version = forms.CharField(label=_("版本"), widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.instance._state.adding:
            self.fields["version"].initial = version_of(self.drawn_over())

    def drawn_over(self):
        """The record as stored now: the instance, or for the history's revert page (which draws a
        past version) the current row, the one a revert would overwrite."""
        if getattr(self.instance, HISTORY_ATTRIBUTE, None) is None:
            return self.instance
        current = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
        return current or self.instance

    def expected_version(self) -> str | None:
        """The version the form was drawn with, or None for a new record or a post without it."""
        return (getattr(self, "cleaned_data", {}).get("version") or None) if self.instance.pk else None

    def clean(self):
        cleaned = super().clean()
        try:
            check_version(self.instance, self.expected_version())
        except StaleRecordError as error:
            self.add_error(None, error)
        return cleaned
