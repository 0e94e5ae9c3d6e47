"""Who may apply for what: held tiers and renewals, parallel applications, the ladder, the 3-year bar,
eligibility at submission, and bad input."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cultivation.models import Application, Attestation, Designation
from cultivation.services import application_transition, create_application, refusals_to_apply
from cultivation.tiers import (
    HARDTECH_POOL,
    INNOVATIVE_SME,
    REVOCATION_BAR_YEARS,
    SRDI_SME,
    bar_ends_on,
    expiry_for,
    renewal_opens_on,
)
from cultivation.workflow import Action, Status
from registry.models import AnnualFigures
from tests.factories import FirmFactory, add_figures, application_in, designation, today

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def refusals(firm, tier=INNOVATIVE_SME, kind="new", on=None):
    return refusals_to_apply(firm=firm, tier=tier, kind=kind, on=on or today())


def granted_expiring_on(firm, expires_on: datetime.date, tier=INNOVATIVE_SME) -> Designation:
    granted_on = expires_on.replace(year=expires_on.year - 3) + DAY
    assert expiry_for(tier, granted_on) == expires_on
    return designation(firm, tier, granted_on=granted_on)


def test_a_held_tier_cannot_be_applied_for_again(firm, people):
    designation(firm)
    with pytest.raises(ValidationError, match="已持有该称号"):
        create_application(firm=firm, tier=INNOVATIVE_SME, actor=people.firm_user)


def test_renewal_opens_six_months_before_expiry(firm, people):
    held = granted_expiring_on(firm, today() + datetime.timedelta(days=120))
    application = create_application(firm=firm, tier=INNOVATIVE_SME, kind="renewal", actor=people.firm_user)
    assert application.kind == Application.Kind.RENEWAL
    opens = renewal_opens_on(held.expires_on)
    assert refusals(firm, kind="renewal", on=opens - DAY) != []
    assert [r for r in refusals(firm, kind="renewal", on=opens) if "复核" in r] == []


def test_renewal_before_the_window_or_without_a_designation_is_refused(firm, people):
    with pytest.raises(ValidationError, match="未持有有效的该称号"):
        create_application(firm=firm, tier=INNOVATIVE_SME, kind="renewal", actor=people.firm_user)
    granted_expiring_on(firm, today() + datetime.timedelta(days=400))
    with pytest.raises(ValidationError, match="起受理"):
        create_application(firm=firm, tier=INNOVATIVE_SME, kind="renewal", actor=people.firm_user)


def test_no_two_open_applications_for_the_same_tier(firm, people):
    first = create_application(firm=firm, tier=INNOVATIVE_SME, actor=people.firm_user)
    with pytest.raises(ValidationError, match="进行中申请"):
        create_application(firm=firm, tier=INNOVATIVE_SME, actor=people.firm_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(firm=firm, tier=INNOVATIVE_SME)  # the database agrees
    application_transition(application=first, action=Action.WITHDRAW, actor=people.firm_user)
    create_application(firm=firm, tier=INNOVATIVE_SME, actor=people.firm_user)


def test_the_ladder_prerequisite_comes_first(firm, people):
    with pytest.raises(ValidationError, match="创新型中小企业"):
        create_application(firm=firm, tier=SRDI_SME, actor=people.firm_user)
    designation(firm, INNOVATIVE_SME)
    assert create_application(firm=firm, tier=SRDI_SME, actor=people.firm_user).status == Status.DRAFT


def test_a_revoked_firm_is_barred_for_three_years(firm, people):
    revoked_on = today() - datetime.timedelta(days=30)
    designation(
        firm,
        granted_on=revoked_on - datetime.timedelta(days=200),
        status=Designation.Status.REVOKED,
        revoked_on=revoked_on,
        revoked_reason="数据造假",
    )
    with pytest.raises(ValidationError, match="不得申请"):
        create_application(firm=firm, tier=INNOVATIVE_SME, actor=people.firm_user)
    ends = bar_ends_on(revoked_on)
    assert ends == revoked_on.replace(year=revoked_on.year + REVOCATION_BAR_YEARS)
    assert any("不得申请" in r for r in refusals(firm, on=ends - DAY))
    assert refusals(firm, on=ends) == []


def test_the_bar_also_stops_a_resubmission(firm, people):
    application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=people.firm_user)
    designation(
        firm, tier="gazelle", status=Designation.Status.REVOKED, revoked_on=today(), revoked_reason="偷税"
    )
    with pytest.raises(ValidationError, match="不得申请"):
        application_transition(application=application, action=Action.SUBMIT, actor=people.firm_user)


def test_a_firm_the_rules_reject_cannot_submit_and_is_told_why(people):
    firm = FirmFactory()
    user = people.firm_user.__class__.objects.create(username="bare-firm", firm=firm)
    application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=user)
    with pytest.raises(ValidationError) as refused:
        application_transition(application=application, action=Action.SUBMIT, actor=user)
    text = " ".join(refused.value.messages)
    assert "暂不符合" in text and "数据缺失" in text
    application.refresh_from_db()
    assert (application.status, application.revision, application.snapshot) == (Status.DRAFT, 0, {})
    assert not application.events.exists()


def test_pending_attestations_do_not_stop_a_submission(people):
    firm = FirmFactory(strategic_emerging=False)
    user = people.firm_user.__class__.objects.create(username="pending-firm", firm=firm)
    last = today().year - 1
    for offset in range(3):
        row = add_figures(firm, last - offset, "5000")
        AnnualFigures.objects.filter(pk=row.pk).update(
            rd_expense=Decimal("10"), class1_ip=0, class2_ip=0, main_business_revenue=Decimal("2000")
        )
    Attestation.objects.create(
        firm=firm, code="high_tech_enterprise", evidence="evidence/x.pdf", claimed_by=user
    )
    application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=user)
    application = application_transition(application=application, action=Action.SUBMIT, actor=user)
    assert application.snapshot["report"]["tiers"][INNOVATIVE_SME]["eligible"] is None
    assert application.status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("tier", "kind", "field"),
    [(HARDTECH_POOL, "new", "tier"), ("nonsense", "new", "tier"), (INNOVATIVE_SME, "x", "kind")],
)
def test_unknown_tiers_and_kinds_are_refused(firm, people, tier, kind, field):
    with pytest.raises(ValidationError) as refused:
        create_application(firm=firm, tier=tier, kind=kind, actor=people.firm_user)
    assert field in refused.value.message_dict


@pytest.mark.parametrize("who", ["other_firm_user", "other_district_cw", "expert", "nobody"])
def test_only_the_firm_or_a_caseworker_in_scope_opens_an_application(firm, people, who):
    with pytest.raises(PermissionDenied):
        create_application(firm=firm, tier=INNOVATIVE_SME, actor=getattr(people, who))


def test_a_caseworker_may_open_one_for_a_firm_in_their_district(firm, people):
    application = create_application(firm=firm, tier=INNOVATIVE_SME, actor=people.district_cw)
    assert application.created_by == people.district_cw


@pytest.mark.parametrize(
    ("status", "action", "inputs", "field"),
    [
        (Status.DISTRICT_REVIEW, Action.RETURN, {"reason": "  "}, "reason"),
        (Status.DISTRICT_REVIEW, Action.REJECT, {}, "reason"),
        (Status.CITY_REVIEW, Action.REVIEW, {"score": 101, "recommendation": "approve"}, "score"),
        (Status.CITY_REVIEW, Action.REVIEW, {"score": -1, "recommendation": "approve"}, "score"),
        (Status.CITY_REVIEW, Action.REVIEW, {"recommendation": "approve"}, "score"),
        (Status.CITY_REVIEW, Action.REVIEW, {"score": 80, "recommendation": "maybe"}, "recommendation"),
        (Status.PUBLIC_NOTICE, Action.OBJECT, {"objection": ""}, "objection"),
        (Status.NOTICE_PAUSED, Action.DISMISS_OBJECTION, {}, "reason"),
    ],
)
def test_bad_input_is_a_validation_error(firm, people, status, action, inputs, field):
    application = application_in(status, firm, reviewers=[people.expert])
    actor = people.expert if action == Action.REVIEW else people.city_cw
    with pytest.raises(ValidationError) as refused:
        application_transition(application=application, action=action, actor=actor, **inputs)
    assert field in refused.value.message_dict
    application.refresh_from_db()
    assert application.status == status and not application.events.exists()


def test_an_unknown_action_is_a_validation_error(firm, people):
    application = application_in(Status.SUBMITTED, firm)
    with pytest.raises(ValidationError):
        application_transition(application=application, action="promote", actor=people.city_cw)


def test_missing_the_30_april_figures_deadline_costs_the_renewal():
    """P9: a firm without last year's figures after 30 April may not file a 复核."""
    import datetime as dt

    from cultivation.models import Designation
    from cultivation.services.applications import refusals_to_apply
    from tests.factories import FiguresFactory, FirmFactory

    firm = FirmFactory()
    Designation.objects.create(
        firm=firm, tier="innovative_sme", granted_on=dt.date(2024, 1, 10), expires_on=dt.date(2027, 1, 9)
    )
    on = dt.date(2026, 8, 1)  # inside the renewal window, after the 2025 figures deadline
    refusals = refusals_to_apply(firm=firm, tier="innovative_sme", kind="renewal", on=on)
    assert any("2025" in text and "复核" in text for text in refusals)
    FiguresFactory(firm=firm, year=2025)
    assert refusals_to_apply(firm=firm, tier="innovative_sme", kind="renewal", on=on) == []
