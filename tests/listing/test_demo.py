"""The demo register tells the digital-transformation and listing story (issue 18, item 6): a third of the
firms assessed, mostly at 一级-二级; a few percent on the road to listing; every listed firm listed on an
exchange through its track; the days of a track rising and none in the future; and the demo firm's portal
shows its level and its road."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cultivation.demo import DEMO_FIRM_CODE
from cultivation.models import ListingTrack, MaturityAssessment
from cultivation.models.listing import STAGE_DATE_FIELDS
from cultivation.rules.listing import EXCHANGE_BOARDS, LISTING_STAGES
from registry.models import Firm
from tests.factories import today

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", firms=1500, seed=5, verbosity=0)
        yield
        transaction.set_rollback(True)


def test_about_a_third_is_assessed_mostly_low(seeded):
    firms = Firm.objects.count()
    assessed = MaturityAssessment.objects.values("firm").distinct().count()
    assert 0.2 < assessed / firms < 0.45
    current = MaturityAssessment.objects.latest_per_firm()
    low = current.filter(level__lte=2).count()
    assert low > current.filter(level__gte=3).count() and current.filter(level=4).exists()
    assert not MaturityAssessment.objects.filter(assessed_on__gt=today()).exists()


def test_the_road_to_listing_is_realistic(seeded):
    tracks = ListingTrack.objects.select_related("firm")
    assert 0.02 < tracks.count() / Firm.objects.count() < 0.12
    assert {"cultivating", "tutoring", "listed"} <= set(tracks.values_list("stage", flat=True))
    for track in tracks:
        days = [getattr(track, STAGE_DATE_FIELDS[stage]) for stage in LISTING_STAGES]
        reached = [day for day in days if day]
        assert reached == sorted(reached) and reached[-1] <= today()
        assert track.stage_since is not None
        listed_on_exchange = track.stage == "listed" and track.board in EXCHANGE_BOARDS
        assert track.firm.is_listed == listed_on_exchange, track
        assert not listed_on_exchange or track.stock_code
    assert set(Firm.objects.filter(is_listed=True).values_list("pk", flat=True)) <= set(
        tracks.values_list("firm_id", flat=True)
    )


def test_the_demo_firm_shows_its_level_and_its_road(seeded, client):
    from registry.models import User

    client.force_login(User.objects.get(username="demo-firm"))
    page = client.get("/").content.decode()
    assert 'data-maturity-level="1"' in page and 'data-maturity-next="2"' in page
    assert 'data-listing-stage="cultivating"' in page and "区域性股权市场专精特新专板" in page
    assert Firm.objects.get(credit_code=DEMO_FIRM_CODE).listing_track.board == "regional"
