"""Forms of the portal: they parse and display input; the rules stay in models and services.

* ``FiguresForm`` is a ``ModelForm`` on ``AnnualFigures``: the model's ``clean()`` carries the
  cross-field rules and the frozen-year refusal, so a message shown here is the same one the admin,
  the import and the API give.
* ``WhatIfForm`` validates one year of hypothetical figures with the same model rules and is never
  saved (``save`` refuses): the page evaluates the changed facts and throws them away.
* ``ApplyForm``, ``ActionForm``, ``AssignReviewersForm``, ``AttestationClaimForm`` and
  ``EmailPreferenceForm`` only parse what the services (``create_application``,
  ``application_transition``, ``assign_reviewers``, ``claim_attestation``, ``set_email_preference``)
  need; those services decide, and their ``ValidationError`` is attached to the form with
  ``attach_errors``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from registry.models import AnnualFigures, User
from registry.number_fields import NumberFieldsMixin
from registry.versioned_forms import VersionedFormMixin

from .models import Application, Review
from .models.alerts import EmailMode
from .models.applications import SCORE_MAX, SCORE_MIN
from .rules.attestations import ATTESTATION_CHOICES
from .selectors import FIGURE_FIELDS
from .tiers import DESIGNATION_TIER_CHOICES
from .validators import MAX_EVIDENCE_BYTES
from .workflow import OFFERED_ACTIONS, Action, assignable_reviewers

EVIDENCE_ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


def attach_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form: per field where the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _format(message, params: dict) -> str:
    return str(message) % params


def lazy_format(message, **params) -> str:
    """``message % params`` in the language of the page that shows it: a lazy string formatted with ``%``
    at import time would stay in the default language (the English attestation page showed Chinese)."""
    return lazy(_format, str)(message, params)

class FiguresForm(NumberFieldsMixin, VersionedFormMixin):
    """One fiscal year of a firm's figures, as the firm enters or corrects it (P9).

    The year is fixed by the page (shown, not editable); the firm is set by the view from the
    signed-in user, never from the request. A year changed since the page was drawn (by a caseworker,
    or the firm's other user) is refused rather than overwritten (``VersionedFormMixin``).
    """

    class Meta:
        model = AnnualFigures
        fields = ("year", *FIGURE_FIELDS, "audited")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.refusal_for_firm = True  # the firm's own form: a frozen year's refusal for the firm
        self.fields["year"].disabled = True  # numbers as text boxes with a numeric keyboard (the mixin)


class WhatIfForm(NumberFieldsMixin, forms.ModelForm):
    """Hypothetical figures for one year, checked by the model's rules and never stored.

    Every figure is optional (a blank one counts as missing, like the API's what-if), and the
    firm may assume that its claims awaiting confirmation are confirmed.
    """

    assume_confirmed = forms.BooleanField(
        label=_("假设待确认的佐证事项均已确认"),
        required=False,
        help_text=_("只影响本次测算，不改变佐证事项的状态。"),
    )

    class Meta:
        model = AnnualFigures
        fields = ("year", *FIGURE_FIELDS)

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"] = forms.TypedChoiceField(
            label=AnnualFigures._meta.get_field("year").verbose_name,
            choices=[(year, str(year)) for year in years],
            coerce=int,
        )
        for name in FIGURE_FIELDS:
            self.fields[name].required = False

    def save(self, commit: bool = True):  # pragma: no cover - a guard, never called
        raise NotImplementedError("A what-if is never saved.")


class AttestationClaimForm(forms.Form):
    """A claim of an attested criterion with its evidence (checked by ``claim_attestation``)."""

    code = forms.ChoiceField(label=_("认定事项"), choices=ATTESTATION_CHOICES)
    evidence = forms.FileField(
        label=_("证明材料"),
        help_text=lazy_format(_("PDF、PNG 或 JPEG，不超过 %(limit)d MB。"), limit=MAX_EVIDENCE_BYTES >> 20),
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ApplyForm(forms.Form):
    """The tier to apply for and whether it is a new application or a re-review (复核)."""

    tier = forms.ChoiceField(label=_("申请称号"), choices=DESIGNATION_TIER_CHOICES, widget=forms.RadioSelect)
    kind = forms.ChoiceField(
        label=_("申请类型"), choices=Application.Kind.choices, initial=Application.Kind.NEW
    )


class ActionForm(forms.Form):
    """One workflow action with the inputs the table may ask for (see ``Transition.inputs``).

    Mirrors the API's ``TransitionSerializer``: which inputs an action needs, and their limits, are
    checked by ``application_transition``.
    """

    # Only the actions offered to people, as the API's: a service-only one (``terminate``) is refused here
    # with a clear message, and ``application_transition`` refuses it again.
    action = forms.ChoiceField(
        choices=[(a.value, a.label) for a in Action if a.value in OFFERED_ACTIONS],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("“%(value)s”不是可在此办理的操作。")},
    )
    reason = forms.CharField(
        label=_("理由"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    score = forms.IntegerField(
        label=_("评分"),
        required=False,
        min_value=SCORE_MIN,
        max_value=SCORE_MAX,
        help_text=lazy_format(_("%(min)d 至 %(max)d 分。"), min=SCORE_MIN, max=SCORE_MAX),
        error_messages={"invalid": _("评分请输入整数（如 85），不要输入文字。")},
    )
    recommendation = forms.ChoiceField(
        label=_("评审建议"),
        required=False,
        choices=[("", _("请选择")), *Review.Recommendation.choices],
    )
    comment = forms.CharField(
        label=_("评审意见"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    objection = forms.CharField(
        label=_("异议内容"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def service_kwargs(self) -> dict:
        """The cleaned inputs as ``application_transition`` keyword arguments."""
        data = self.cleaned_data
        return {
            "action": data["action"],
            "reason": data.get("reason") or "",
            "score": data.get("score"),
            "recommendation": data.get("recommendation") or "",
            "comment": data.get("comment") or "",
            "objection": data.get("objection") or "",
        }


NOT_ASSIGNABLE = _("所选人员不能评审该申请：评审专家须为本区县或市级评审专家（编号 %(value)s）。")


class AssignReviewersForm(forms.Form):
    """Experts for the city review and their due date (``assign_reviewers`` checks who and when).

    Lists only the experts who may be assigned to the application (``workflow.assignable_reviewers``:
    city-level reviewers and those of the firm's district).
    """

    reviewers = forms.ModelMultipleChoiceField(
        label=_("评审专家"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": NOT_ASSIGNABLE},
    )
    due_at = forms.DateField(
        label=_("截止日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def __init__(self, *args, application: Application, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = assignable_reviewers({application.firm.district_id})


class EmailPreferenceForm(forms.Form):
    """How alert emails reach the signed-in person (``set_email_preference`` stores it)."""

    email = forms.ChoiceField(label=_("邮件提醒"), choices=EmailMode.choices, widget=forms.RadioSelect)
