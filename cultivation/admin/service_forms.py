"""Admin add pages that save through a service, not a model form: the shared form base, page and errors.

Recording a historical designation and admitting a firm to the pool are published decisions whose rules
live in their services; the admin page only collects the inputs, calls the service and shows its
refusals on the form (nothing saved). Both pages share this module so they look and behave alike.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from registry.models import Firm


class ScopedFirmForm(forms.Form):
    """A form whose ``firm`` is chosen by id among the firms the user may see (the admin's raw-id widget)."""

    firm = forms.ModelChoiceField(label=_("企业"), queryset=Firm.objects.none())
    firm_of: type[models.Model]  # the model whose ``firm`` foreign key the widget's lookup link follows

    def __init__(self, *args, user, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["firm"]
        field.queryset = Firm.objects.visible_to(user)
        field.widget = ForeignKeyRawIdWidget(self.firm_of._meta.get_field("firm").remote_field, admin_site)


def show_on_form(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the fields it names, the rest on the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def service_form_page(model_admin, request, form: forms.Form, *, title, intro, submit) -> TemplateResponse:
    """The add page: ``intro`` says what the service decides, ``submit`` labels the button."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "form": form,
        "media": model_admin.media + form.media,
        "title": title,
        "intro": intro,
        "submit_label": submit,
    }
    return TemplateResponse(request, "admin/cultivation/service_form.html", context)
