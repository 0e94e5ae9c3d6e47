"""The firm portal: home, annual figures, self-check with what-if, attestations, applications.

Each view parses its input, calls one selector or service and renders. The firm is always the
signed-in user's own (``access.firm_page``); applications and evidence are looked up among the
records ``visible_to`` the user, so another firm's id answers 404.
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.models import FIGURE_FIELDS, FIRST_YEAR, LAST_YEAR, AnnualFigures, Firm, FrozenFiguresError
from registry.services import save_figures
from registry.versions import StaleRecordError

from ..forms import ApplyForm, AttestationClaimForm, FiguresForm, WhatIfForm, attach_errors
from ..models import Application, Attestation, Designation, ListingTrack
from ..reports import ELIGIBLE_LABELS, render_eligibility
from ..rules.facts import Attest, YearFigures
from ..rules.listing import LISTING_STAGE_CHOICES
from ..selectors import eligibility_of_firm, facts_for_firm
from ..selectors import self_check as self_check_report
from ..services import claim_attestation, create_application, refusals_to_apply
from ..services.alerts import alert_text, inbox_for
from ..services.maturity import maturity_standing
from ..tiers import DESIGNATION_TIER_CHOICES, TIERS, renewal_opens_on
from ..validators import sniff
from ..workflow import SNAPSHOT_WRITABLE, STAGES, Action, Status, stage_label
from . import presenters
from .access import firm_page, is_caseworker, is_reviewer
from .actions import action_forms, action_label, application_detail_queryset, bind_action_form, take_action
from .digital import digital_context
from .notice import notice_clock

HOME_ALERTS = 5  # unread alerts shown on the firm home; the rest are in the inbox
WHAT_IF_YEARS = 4  # the years a what-if may change: last year and the three before (growth rules)
RECENT_YEARS = 6  # years offered for entry on the figures page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """``/``: a firm user's home; staff go to their queue; anyone else has no portal."""
    user = request.user
    if user.firm_id:
        return firm_home(request)
    if is_caseworker(user):
        return redirect("portal:case-queue")
    if is_reviewer(user):
        return redirect("portal:review-queue")
    raise PermissionDenied(_("您的账号尚未分配门户角色，请联系项目管理员。"))


@firm_page
def firm_home(request: HttpRequest, firm: Firm) -> HttpResponse:
    """Where the firm stands: stage, designations and expiry, open applications, what is due next, and
    its newest unread alerts."""
    today = timezone.localdate()
    designations = list(
        Designation.objects.visible_to(request.user).active(today).filter(firm=firm).order_by("expires_on")
    )
    for designation in designations:
        designation.renewal_opens_on = (
            renewal_opens_on(designation.expires_on) if designation.expires_on else None
        )
    applications = list(
        Application.objects.visible_to(request.user).open().filter(firm=firm).order_by("-created_at")
    )
    for application in applications:
        application.stage_label = stage_label(application.status, request.user)
    verdicts = {code: tier.eligible for code, tier in eligibility_of_firm(firm, today).tiers.items()}
    alerts = list(
        inbox_for(request.user)
        .filter(read_at__isnull=True)
        .order_by("-id")[:HOME_ALERTS]  # newest first, as the inbox
    )
    for delivery in alerts:
        delivery.message = alert_text(delivery.alert)[1]
    context = {
        "firm": firm,
        "designations": designations,
        "applications": applications,
        "due": presenters.due_items(firm, applications, designations, verdicts, today),
        "alerts": alerts,
        "maturity": maturity_standing(firm),
        **_listing_context(request.user, firm),
        **digital_context(request.user, firm),
    }
    return render(request, "portal/home.html", context)


def _listing_context(user, firm: Firm) -> dict:
    """The firm's listing track and its road, stage by stage with the day each was reached (P14)."""
    track = ListingTrack.objects.visible_to(user).filter(firm=firm).first()
    if track is None:
        return {"listing": None, "listing_steps": []}
    steps = [
        {"label": label, "day": track.reached_on(code), "current": code == track.stage}
        for code, label in LISTING_STAGE_CHOICES
    ]
    return {"listing": track, "listing_steps": steps}


@firm_page
def figures(request: HttpRequest, firm: Firm) -> HttpResponse:
    """Every year on file, frozen ones marked with their reason, and the recent years still missing."""
    rows = list(AnnualFigures.objects.visible_to(request.user).filter(firm=firm).order_by("-year"))
    last_year = timezone.localdate().year - 1
    have = {row.year for row in rows}
    missing = [year for year in range(last_year, last_year - RECENT_YEARS, -1) if year not in have]
    return render(request, "portal/figures.html", {"firm": firm, "rows": rows, "missing": missing})


@firm_page
def figures_edit(request: HttpRequest, firm: Firm, year: int) -> HttpResponse:
    """Enter or correct one year; the model's own rules answer, in the user's language.

    A frozen year is shown read-only with its reason; a POST to it gets the model's refusal.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    row = AnnualFigures.objects.visible_to(request.user).filter(firm=firm, year=year).first()
    row = row or AnnualFigures(firm=firm, year=year)
    status = 200
    if request.method == "POST":
        form = FiguresForm(request.POST, instance=row)
        if form.is_valid():
            row, version = form.save(commit=False), form.expected_version()
            try:
                save_figures(row, user=request.user, reason=_("企业在门户填报"), expected_version=version)
            except (FrozenFiguresError, StaleRecordError) as error:  # frozen or changed since it was read
                attach_errors(form, error)
            else:
                messages.success(request, _("%(year)d 年度数据已保存。") % {"year": year})
                return redirect("portal:figures")
        status = 400
    else:
        form = FiguresForm(instance=row)
    context = {"firm": firm, "form": form, "row": row, "year": year}
    return render(request, "portal/figures_form.html", context, status=status)


@firm_page
def self_check(request: HttpRequest, firm: Firm) -> HttpResponse:
    """Every tier against the firm's records, and a what-if on changed figures that saves nothing.

    The what-if replaces one year of the stored facts (``Facts.with_changes``) and evaluates them
    with the same selector as the stored report; the form is validated by the model's rules and
    never saved.
    """
    facts = facts_for_firm(firm)
    report = self_check_report(facts).to_dict()
    current = presenters.report_tiers(report)
    years = list(range(facts.last_year, facts.last_year - WHAT_IF_YEARS, -1))
    context = {
        "firm": firm,
        "report": current,
        "rule_set": report["rule_set"],
        "as_of": facts.as_of,
        "years": years,
        "open_codes": presenters.tiers_to_open(current, set(facts.designations)),
        "renewals": _renewal_refusals(firm, facts),
        "maturity": maturity_standing(firm),
    }
    status = 200
    if request.method == "POST":
        form = WhatIfForm(request.POST, instance=AnnualFigures(firm=firm), years=years)
        if form.is_valid():
            data = form.cleaned_data
            changed = dict(facts.years)
            figures = {name: data.get(name) for name in FIGURE_FIELDS}
            changed[data["year"]] = YearFigures(data["year"], **figures)
            changes = {"years": changed}
            if data["assume_confirmed"]:
                changes["attested"] = {code: Attest.CONFIRMED for code in facts.attested}
            what_if = presenters.report_tiers(self_check_report(facts.with_changes(**changes)).to_dict())
            comparison = presenters.compare_verdicts(current, what_if)
            context["what_if"] = what_if
            context["comparison"] = comparison
            context["what_if_open"] = context["open_codes"] | {
                row["code"] for row in comparison if row["changed"]
            }
        else:
            status = 400
    else:
        year = _int(request.GET.get("year"), facts.last_year)
        year = year if year in years else facts.last_year
        stored = facts.year(year)
        initial = stored.to_dict() if stored else {"year": year}
        form = WhatIfForm(initial=initial, instance=AnnualFigures(firm=firm), years=years)
    context["form"] = form
    return render(request, "portal/self_check.html", context, status=status)


def _renewal_refusals(firm: Firm, facts) -> list[dict]:
    """For each tier the firm holds: why it may not file its 复核 today (window, 30 April rule…)."""
    return [
        {
            "label": label,
            "refusals": refusals_to_apply(
                firm=firm, tier=code, kind=Application.Kind.RENEWAL, on=facts.as_of
            ),
        }
        for code, label in DESIGNATION_TIER_CHOICES
        if code in facts.designations
    ]


def _int(raw: str | None, default: int) -> int:
    try:
        return int(raw) if raw is not None else default
    except ValueError:
        return default


@firm_page
def attestations(request: HttpRequest, firm: Firm) -> HttpResponse:
    """The firm's claims and their confirmation state, and a form to claim one with evidence."""
    status = 200
    if request.method == "POST":
        form = AttestationClaimForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                claim_attestation(
                    firm=firm,
                    code=form.cleaned_data["code"],
                    evidence=form.cleaned_data["evidence"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("已提交申报，等待经办人确认。"))
                return redirect("portal:attestations")
        status = 400
    else:
        form = AttestationClaimForm(initial={"code": request.GET.get("code")})
    claims = Attestation.objects.visible_to(request.user).filter(firm=firm).select_related("decided_by")
    context = {"firm": firm, "form": form, "claims": claims}
    return render(request, "portal/attestations.html", context, status=status)


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, to whoever may see the claim (the firm, its caseworkers); as a download."""
    claim = get_object_or_404(Attestation.objects.visible_to(request.user), pk=pk)
    handle = claim.evidence.open("rb")
    kind = sniff(handle.read(16)) or ""
    handle.seek(0)
    content_type = {"PDF": "application/pdf", "PNG": "image/png", "JPEG": "image/jpeg"}.get(kind)
    name = f"evidence-{claim.pk}{mimetypes.guess_extension(content_type or '') or ''}"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


@firm_page
def applications(request: HttpRequest, firm: Firm) -> HttpResponse:
    """All the firm's applications with the stage as the firm sees it."""
    rows = list(Application.objects.visible_to(request.user).filter(firm=firm).order_by("-created_at", "-pk"))
    for row in rows:
        row.stage_label = stage_label(row.status, request.user)
        row.terminal = STAGES[row.status].terminal
    return render(request, "portal/applications.html", {"firm": firm, "applications": rows})


@firm_page
def apply(request: HttpRequest, firm: Firm) -> HttpResponse:
    """Choose a tier (new, or 复核 of one held); each shows today's verdict and any refusal."""
    today = timezone.localdate()
    report = eligibility_of_firm(firm, today).to_dict()
    status = 200
    if request.method == "POST":
        form = ApplyForm(request.POST)
        if form.is_valid():
            unmet = _unmet(report, form.cleaned_data["tier"])
            if (
                unmet is not None
                and request.POST.get("confirm") != "1"
                and not refusals_to_apply(firm=firm, on=today, **form.cleaned_data)
            ):  # a draft the service would create, for a tier the firm does not qualify for
                return _confirm_apply(request, firm, form, unmet)
            try:
                application = create_application(firm=firm, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("已创建申请草稿，请核对后提交。"))
                return redirect("portal:application", application.pk)
        status = 400
    else:
        form = ApplyForm(initial={"tier": request.GET.get("tier"), "kind": request.GET.get("kind", "new")})
    held = set(
        Designation.objects.visible_to(request.user)
        .active(today)
        .filter(firm=firm)
        .values_list("tier", flat=True)
    )
    tiers = []
    for code, label in DESIGNATION_TIER_CHOICES:
        kind = Application.Kind.RENEWAL if code in held else Application.Kind.NEW
        answer = report["tiers"].get(code, {})
        verdict = answer.get("eligible")
        in_force = answer.get("in_force", True)
        tiers.append(
            {
                "code": code,
                "label": label,
                "kind": kind,
                "kind_label": kind.label,
                "eligible": verdict if in_force else False,
                # A tier whose rules start later says when (issue 15), not "pending" or "not eligible".
                "verdict": ELIGIBLE_LABELS[verdict] if in_force else answer.get("message", ""),
                "refusals": refusals_to_apply(firm=firm, tier=code, kind=kind, on=today),
                "unmet": _unmet(report, code) or [],
            }
        )
    return render(request, "portal/apply.html", {"firm": firm, "form": form, "tiers": tiers}, status=status)


def _unmet(report: dict, tier: str) -> list[dict] | None:
    """The criteria of ``tier`` that today's report finds unmet or missing; None when the firm qualifies
    (or its verdict waits on an attestation), so only a "not eligible" verdict asks to confirm."""
    answer = report["tiers"].get(tier, {})
    if answer.get("eligible") is not False:
        return None
    return [c for c in answer.get("criteria", []) if c.get("status") in ("not_met", "missing")]


def _confirm_apply(request: HttpRequest, firm: Firm, form: ApplyForm, unmet: list[dict]) -> HttpResponse:
    """A tier the firm does not qualify for: say why, and create the draft only if asked again."""
    context = {
        "firm": firm,
        "tier": form.cleaned_data["tier"],
        "tier_label": TIERS[form.cleaned_data["tier"]].label,
        "kind": form.cleaned_data["kind"],
        "unmet": unmet,
    }
    return render(request, "portal/apply_confirm.html", context)


@firm_page
def application(request: HttpRequest, firm: Firm, pk: int) -> HttpResponse:
    """One application as the firm sees it: firm stage labels, its history, the snapshot, its actions."""
    return _application_page(request, firm, pk)


def _application_page(
    request: HttpRequest, firm: Firm, pk: int, bound=None, status: int = 200
) -> HttpResponse:
    item = get_object_or_404(application_detail_queryset(request.user).filter(firm=firm), pk=pk)
    events = presenters.visible_events(item, request.user)
    report = item.snapshot.get("report") if item.snapshot else None
    preview = None
    refusals: list[str] = []
    if item.status in SNAPSHOT_WRITABLE:  # what a (re)submission would be judged on, as of today
        preview = render_eligibility(presenters.only_tier(eligibility_of_firm(firm).to_dict(), item.tier))
        refusals = refusals_to_apply(
            firm=firm, tier=item.tier, kind=item.kind, on=timezone.localdate(), ignore=item
        )
    context = {
        "firm": firm,
        "application": item,
        "tier_label": TIERS[item.tier].label,
        "stage_label": stage_label(item.status, request.user),
        "terminal": STAGES[item.status].terminal,
        "events": events,
        "return_reason": presenters.return_reason(events) if item.status == Status.RETURNED else "",
        "snapshot": render_eligibility(presenters.only_tier(report, item.tier)) if report else None,
        "preview": preview,
        "refusals": refusals,
        "actions": action_forms(item, request.user, bound),
        "clock": notice_clock(item),
        "withdraw_url": reverse("portal:application-withdraw", args=[item.pk]),
        "withdraw_label": action_label(Action.WITHDRAW, item.status),
    }
    return render(request, "portal/application.html", context, status=status)


@firm_page
def application_withdraw(request: HttpRequest, firm: Firm, pk: int) -> HttpResponse:
    """Asks before a draft is discarded or an application withdrawn; the form posts to ``application_act``.

    A page, not a script dialog (the CSP allows no inline script), reached from the button on the
    application page; where withdrawing is no longer open the application page says why.
    """
    item = get_object_or_404(application_detail_queryset(request.user).filter(firm=firm), pk=pk)
    forms = action_forms(item, request.user)
    offered = [(row, form) for row, form, *_ in forms if row.action == Action.WITHDRAW]
    if not offered:
        return redirect("portal:application", item.pk)
    row, form = offered[0]
    context = {
        "firm": firm,
        "application": item,
        "tier_label": TIERS[item.tier].label,
        "draft": item.status == Status.DRAFT,
        "label": action_label(Action.WITHDRAW, item.status),
        "form": form,
        "inputs": [form[str(name)] for name in row.inputs],
    }
    return render(request, "portal/application_withdraw.html", context)


@require_POST
@firm_page
def application_act(request: HttpRequest, firm: Firm, pk: int) -> HttpResponse:
    """Submit, resubmit or withdraw: ``application_transition`` decides; errors go back onto the page."""
    item = get_object_or_404(application_detail_queryset(request.user).filter(firm=firm), pk=pk)
    form = bind_action_form(request.POST)
    if take_action(request, item, form):
        return redirect("portal:application", item.pk)
    return _application_page(request, firm, pk, bound=form, status=400)
