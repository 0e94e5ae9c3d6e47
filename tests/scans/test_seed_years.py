"""``seed_demo --years N``: the benchmark register gives every generated firm exactly N fiscal years."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count

from cultivation.demo import DEMO_FIRM_CODE
from registry.models import Firm

pytestmark = pytest.mark.django_db


def test_every_generated_firm_has_the_years_asked_for():
    call_command("seed_demo", firms=40, seed=3, years=5, verbosity=0)
    counts = Firm.objects.exclude(credit_code=DEMO_FIRM_CODE).annotate(n=Count("figures"))
    assert counts.count() == 40
    assert set(counts.values_list("n", flat=True)) == {5}


def test_years_out_of_range_is_refused_and_writes_nothing():
    with pytest.raises(SystemExit):
        call_command("seed_demo", firms=5, years=0, verbosity=0)
    assert not Firm.objects.exists()
