"""Writes through the admin: outside the user's scope or role nothing changes, inside it the same request
works (so each refusal is about access, not about bad data)."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from cultivation.models import (
    Application,
    Attestation,
    Designation,
    Disqualification,
    RuleSet,
)
from cultivation.models.alerts import AlertDelivery
from cultivation.rules.attestations import DISQUALIFICATION_CHOICES
from cultivation.workflow import Status
from registry.models import FIGURE_FIELDS, AnnualFigures, Firm

from .matrix import admin_object
from .world import MARKERS

GONE_URL = "/admin/"


def snapshot(obj) -> dict | None:
    return type(obj).objects.filter(pk=obj.pk).values().first()


def admin_url(obj, view: str) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


# Firm A's records that caseworkers may change or delete: cw_out must not touch them, nor the reviewer.
SCOPED = [
    "registry.Firm",
    "registry.AnnualFigures",
    "cultivation.Designation",
    "cultivation.PoolMembership",
    "cultivation.Attestation",
    "cultivation.Disqualification",
    "cultivation.ReviewAssignment",
    "cultivation.DigitalRecognition",
    "cultivation.IndustryBrain",
    "cultivation.UpgradeProject",
]


@pytest.mark.parametrize("label", SCOPED)
@pytest.mark.parametrize("view", ["change", "delete"])
def test_out_of_scope_or_read_only_staff_change_and_delete_nothing(label, view, world, client_for):
    obj = admin_object(world, label)
    before = snapshot(obj)
    url = admin_url(obj, view)
    data = {"post": "yes"} if view == "delete" else {"change_reason": "matrix"}
    response = client_for("cw_out").post(url, data)
    assert (response.status_code, response.get("Location")) in ((302, GONE_URL), (403, None))
    response = client_for("reviewer").post(url, data)
    assert response.status_code == 403
    assert snapshot(obj) == before


def test_the_districts_own_caseworker_may_delete_there(world, client_for):
    figures = admin_object(world, "registry.AnnualFigures")
    response = client_for("cw_in").post(admin_url(figures, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert snapshot(figures) is None


def test_history_of_another_districts_firm_is_neither_shown_nor_reverted(world, client_for):
    """simple-history looked records up past ``get_queryset``: cw_out read firm A's history and could
    post an old version back (fixed by ``registry.admin.ScopedHistoryMixin``)."""
    firm = world.a.firm
    old = firm.history.latest("history_date")
    firm.name = "甲矩阵精密制造有限公司（更名）"
    firm.save()
    url = reverse("admin:registry_firm_simple_history", args=[firm.pk, old.history_id])
    data = {"name": old.name, "credit_code": firm.credit_code, "_change_history": "1"}
    for role in ("cw_out", "firm_b"):
        response = client_for(role).post(url, data)
        assert response.status_code in (302, 404) and MARKERS["a"] not in response.content.decode()
    assert client_for("cw_out").get(reverse("admin:registry_firm_history", args=[firm.pk])).status_code == 404
    firm.refresh_from_db()
    assert firm.name == "甲矩阵精密制造有限公司（更名）"


def _add_data(world, label: str, firm: Firm) -> dict:
    if label == "cultivation.Disqualification":
        return {
            "firm": firm.pk,
            "code": DISQUALIFICATION_CHOICES[1][0],
            "occurred_on": "2016-03-01",
            "reason": "矩阵",
        }
    figures = AnnualFigures.objects.filter(firm=firm).order_by("year").first()
    values = {name: getattr(figures, name) for name in FIGURE_FIELDS}
    return {"firm": firm.pk, "year": figures.year - 1, **{k: v for k, v in values.items() if v is not None}}


# Designations are not here: only city caseworkers and programme admins record them, who see every firm
# (tests/workflow/test_designation_records.py). Nor pool members: admission judges the entry rule, so
# its scope and override refusals are in tests/cultivation/test_pool_admission.py.
ADDABLE = {
    "cultivation.Disqualification": Disqualification,
    "registry.AnnualFigures": AnnualFigures,
}


@pytest.mark.parametrize("label", ADDABLE)
def test_a_record_cannot_be_filed_under_a_firm_outside_the_scope(label, world, client_for):
    """The raw-id firm box accepted any firm's id: cw_out could add records to firm A
    (fixed in ``registry.admin.ScopedAdminMixin.formfield_for_foreignkey``)."""
    model = ADDABLE[label]
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
    data = _add_data(world, label, world.a.firm)
    count = model.objects.filter(firm=world.a.firm).count()
    refused = client_for("cw_out").post(url, data)
    assert refused.status_code == 200 and "errornote" in refused.content.decode()
    assert model.objects.filter(firm=world.a.firm).count() == count
    accepted = client_for("cw_in").post(url, data)
    assert accepted.status_code == 302, accepted.content.decode()[-2000:]
    assert model.objects.filter(firm=world.a.firm).count() == count + 1


def test_a_record_cannot_be_moved_to_a_firm_outside_the_scope(world, client_for):
    theirs = world.b.disqualification
    data = {"firm": world.a.firm.pk, "code": theirs.code, "occurred_on": theirs.occurred_on.isoformat()}
    response = client_for("cw_out").post(admin_url(theirs, "change"), data)
    assert response.status_code == 200
    theirs.refresh_from_db()
    assert theirs.firm_id == world.b.firm.pk


def _firms_file(world) -> io.BytesIO:
    firm = world.a.firm
    book = openpyxl.Workbook()
    book.active.append(["credit_code", "name", "district", "cluster", "founded_on", "niche_since", "sector"])
    founded = firm.founded_on.isoformat()
    book.active.append(
        [firm.credit_code, "改名", firm.district.code, "", founded, firm.niche_since, firm.sector]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "firms.xlsx"
    return buffer


def test_experts_cannot_import_into_the_register(world, client_for):
    """import-export lets anyone with admin access import unless told otherwise: experts only read."""
    data = {"resource": "0", "format": "1", "import_file": _firms_file(world)}
    response = client_for("reviewer").post(reverse("admin:registry_firm_import"), data)
    assert response.status_code == 403
    world.a.firm.refresh_from_db()
    assert world.a.firm.name == MARKERS["a"]


def test_an_export_holds_only_the_users_scope(world, client_for):
    data = {"resource": "0", "format": "0", "firmresource_credit_code": "on", "firmresource_name": "on"}
    body = client_for("cw_out").post(reverse("admin:registry_firm_export"), data).content.decode("utf-8-sig")
    assert MARKERS["b"] in body and MARKERS["a"] not in body and world.a.firm.credit_code not in body


def _action(client, model, action: str, pk: int, **extra):
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    return client.post(url, {"action": action, "_selected_action": [pk], **extra})


def test_admin_actions_reach_only_records_in_scope(world, client_for):
    designation, claim = world.a.designation, world.a.attestation
    _action(client_for("cw_out"), Designation, "revoke_selected", designation.pk, apply="1", reason="矩阵")
    _action(client_for("cw_out"), Attestation, "confirm_selected", claim.pk)
    _action(client_for("reviewer"), Attestation, "confirm_selected", claim.pk)
    _action(client_for("cw_out"), AlertDelivery, "mark_read", world.staff_delivery.pk)
    _action(client_for("cw_in"), Application, "assign_reviewers_selected", world.a.city_application.pk)
    designation.refresh_from_db()
    claim.refresh_from_db()
    assert designation.status == Designation.Status.ACTIVE
    assert claim.status == Attestation.Status.CLAIMED
    assert AlertDelivery.objects.get(pk=world.staff_delivery.pk).read_at is None
    _action(client_for("cw_in"), Attestation, "confirm_selected", claim.pk)
    claim.refresh_from_db()
    assert claim.status == Attestation.Status.CONFIRMED


@pytest.mark.parametrize(("role", "moves"), [("cw_out", False), ("reviewer", False), ("cw_in", True)])
def test_admin_workflow_buttons_follow_scope_and_role(role, moves, world, client_for):
    application = world.a.application
    url = reverse("admin:cultivation_application_transition", args=[application.pk, "accept"])
    client_for(role).post(url, {"csrfmiddlewaretoken": "as-a-browser-sends"})  # accept takes no inputs
    application.refresh_from_db()
    assert (application.status == Status.DISTRICT_REVIEW) is moves


@pytest.mark.parametrize("role", ["cw_city", "reviewer"])
def test_only_programme_admins_publish_rule_set_versions(role, world, client_for):
    base = RuleSet.objects.order_by("pk").first()
    data = {
        "code": "CQ-MATRIX",
        "effective_from": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
        "note": "矩阵",
        "overrides": '{"srdi_sme.rd_expense": {"min_expense": "120"}}',
    }
    count = RuleSet.objects.count()
    response = client_for(role).post(reverse("admin:cultivation_ruleset_derive", args=[base.pk]), data)
    assert response.status_code == 403
    assert RuleSet.objects.count() == count
