"""seed_demo: a realistic register, reproducible, and idempotent per seed."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.test import RequestFactory

from cultivation.demo import DEMO_FIRM_CODE
from cultivation.models import Designation, PoolMembership
from cultivation.tiers import derive_stage
from registry.credit_code import is_valid
from registry.models import AnnualFigures, Firm, User

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Firm.objects.count(),
        AnnualFigures.objects.count(),
        Designation.objects.count(),
        PoolMembership.objects.count(),
        User.objects.count(),
    )


def test_seed_twice_with_the_same_seed_duplicates_nothing():
    call_command("seed_demo", firms=300, seed=7, verbosity=0)
    first = counts()
    call_command("seed_demo", firms=300, seed=7, verbosity=0)
    assert counts() == first
    assert first[0] == 301  # 300 generated + the demo firm


def test_register_is_realistic():
    call_command("seed_demo", firms=600, seed=3, verbosity=0)
    assert Firm.objects.values("district").distinct().count() > 20
    assert Firm.objects.values("cluster").distinct().count() > 20
    per_firm = AnnualFigures.objects.values("firm").annotate(n=Count("id")).values_list("n", flat=True)
    assert set(per_firm) <= {1, 2, 3, 4, 5} and max(per_firm) >= 3
    assert all(is_valid(code) for code in Firm.objects.values_list("credit_code", flat=True))
    tiers = set(Designation.objects.values_list("tier", flat=True))
    assert {"innovative_sme", "srdi_sme"} <= tiers
    assert PoolMembership.objects.exists()
    for firm in Firm.objects.prefetch_related("designations")[:200]:
        active = [d.tier for d in firm.designations.all() if d.status == "active"]
        assert firm.stage == derive_stage(active, listed=firm.is_listed)


def test_different_seeds_give_different_registers():
    call_command("seed_demo", firms=50, seed=1, verbosity=0)
    call_command("seed_demo", firms=50, seed=2, verbosity=0)
    assert Firm.objects.count() == 101


def test_demo_accounts_sign_in_with_the_demo_password(settings):
    call_command("seed_demo", firms=0, seed=1, verbosity=0)
    request = RequestFactory().post("/accounts/login/")  # django-axes counts sign-ins per request
    firm_user = authenticate(request, username="demo-firm", password=settings.DEMO_PASSWORD)
    assert firm_user is not None and firm_user.firm.credit_code == DEMO_FIRM_CODE
    for name in ("demo-caseworker", "demo-reviewer", "demo-admin"):
        assert authenticate(request, username=name, password=settings.DEMO_PASSWORD) is not None
    assert AnnualFigures.objects.filter(firm=firm_user.firm).count() == 3


def test_if_empty_skips_a_loaded_register(capsys):
    call_command("seed_demo", firms=10, seed=1)
    call_command("seed_demo", firms=500, seed=1, if_empty=True)
    assert Firm.objects.count() == 11
    assert "skipping" in capsys.readouterr().out
