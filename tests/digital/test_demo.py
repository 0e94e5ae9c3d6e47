"""The demo's digital recognitions, platforms and 技改 projects: valid rows, the programme's shape, reruns."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cultivation.demo import DEMO_FIRM_CODE
from cultivation.models import DigitalRecognition, IndustryBrain, UpgradeProject
from cultivation.rules.digital import NOT_COMPLETED

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return DigitalRecognition.objects.count(), IndustryBrain.objects.count(), UpgradeProject.objects.count()


def test_the_demo_tells_the_digital_story_and_a_rerun_adds_nothing(django_capture_on_commit_callbacks):
    call_command("seed_demo", firms=1500, seed=5, verbosity=0)
    first = counts()
    call_command("seed_demo", firms=1500, seed=5, verbosity=0)
    assert counts() == first
    levels = list(DigitalRecognition.objects.values_list("level", flat=True))
    workshops, factories = levels.count("digital_workshop"), levels.count("smart_factory")
    assert 8 <= workshops <= 40 and 0 < factories < workshops  # about 1.2% of firms, one in seven raised
    sites = set(DigitalRecognition.objects.values_list("firm_id", "site_name"))
    assert DigitalRecognition.objects.counting().count() == len(sites)  # each site counts once
    projects = list(UpgradeProject.objects.all())
    assert 40 <= len(projects) <= 200  # about 1.5% of firms a year, over four years
    statuses = {p.status for p in projects}
    assert {"planned", "under_way", "accepted"} <= statuses
    accepted = [p.productivity_change for p in projects if p.status == "accepted" and p.kind == "intelligent"]
    assert accepted and 40 <= sum(accepted) / len(accepted) <= 75  # "almost 60%" for 智能化改造
    for record in [*DigitalRecognition.objects.all(), *IndustryBrain.objects.all(), *projects]:
        record.full_clean()  # every demo row obeys the rules a caseworker's entry does
    assert IndustryBrain.objects.exists()


def test_the_demo_firm_has_a_raised_workshop_and_a_late_project():
    call_command("seed_demo", firms=0, seed=1, verbosity=0)
    mine = DigitalRecognition.objects.filter(firm__credit_code=DEMO_FIRM_CODE).with_counts()
    assert {(r.level, r.counts) for r in mine} == {("digital_workshop", False), ("smart_factory", True)}
    projects = UpgradeProject.objects.filter(firm__credit_code=DEMO_FIRM_CODE)
    assert {p.status for p in projects} == {"accepted", "under_way"}
    assert (
        UpgradeProject.objects.filter(firm__credit_code=DEMO_FIRM_CODE)
        .overdue(projects.first().created_at.date())
        .filter(status__in=NOT_COMPLETED)
        .exists()
    )
