"""Who sees which firms: one rule (``registry.roles.scope_of``) behind every list."""

from __future__ import annotations

import pytest

from cultivation.models import Designation
from registry.models import AnnualFigures, Firm
from tests.factories import FiguresFactory, FirmFactory, UserFactory, district

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_districts():
    yubei = FirmFactory(name="渝北企业", district=district("500112"))
    jiangbei = FirmFactory(name="江北企业", district=district("500105"))
    FiguresFactory(firm=yubei)
    FiguresFactory(firm=jiangbei)
    return yubei, jiangbei


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def test_city_caseworker_sees_every_district(two_districts, caseworker):
    assert names(Firm.objects.visible_to(caseworker)) == {"渝北企业", "江北企业"}
    assert AnnualFigures.objects.visible_to(caseworker).count() == 2


def test_district_caseworker_sees_only_their_district(two_districts):
    user = UserFactory(roles=["caseworker"], district=district("500112"), is_staff=True)
    assert names(Firm.objects.visible_to(user)) == {"渝北企业"}
    assert {f.firm.name for f in AnnualFigures.objects.visible_to(user)} == {"渝北企业"}


def test_district_reviewer_is_scoped_like_a_caseworker(two_districts):
    user = UserFactory(roles=["reviewer"], district=district("500105"), is_staff=True)
    assert names(Firm.objects.visible_to(user)) == {"江北企业"}


def test_firm_user_sees_only_their_own_firm(two_districts):
    yubei, _ = two_districts
    user = UserFactory(roles=["firm"], firm=yubei)
    assert names(Firm.objects.visible_to(user)) == {"渝北企业"}
    assert AnnualFigures.objects.visible_to(user).get().firm == yubei


def test_user_without_role_or_anonymous_sees_nothing(two_districts):
    from django.contrib.auth.models import AnonymousUser

    assert not Firm.objects.visible_to(UserFactory()).exists()
    assert not Firm.objects.visible_to(AnonymousUser()).exists()


def test_inactive_staff_sees_nothing(two_districts):
    user = UserFactory(roles=["caseworker"], is_active=False)
    assert not Firm.objects.visible_to(user).exists()


def test_programme_records_follow_the_same_scope(two_districts):
    yubei, jiangbei = two_districts
    for firm in (yubei, jiangbei):
        Designation.objects.create(firm=firm, tier="innovative_sme", granted_on="2025-01-01")
    user = UserFactory(roles=["caseworker"], district=district("500105"), is_staff=True)
    assert [d.firm for d in Designation.objects.visible_to(user)] == [jiangbei]


def test_district_caseworker_cannot_open_another_districts_firm_in_admin(client, two_districts):
    yubei, jiangbei = two_districts
    user = UserFactory(roles=["caseworker"], district=district("500112"), is_staff=True)
    client.force_login(user)
    assert client.get(f"/admin/registry/firm/{yubei.pk}/change/").status_code == 200
    response = client.get(f"/admin/registry/firm/{jiangbei.pk}/change/")
    assert response.status_code == 302  # the admin redirects "does not exist" to the index
    listing = client.get("/admin/registry/firm/")
    assert "渝北企业" in listing.text and "江北企业" not in listing.text


def test_reviewer_can_read_but_not_change_firms(client, two_districts):
    yubei, _ = two_districts
    client.force_login(UserFactory(roles=["reviewer"], is_staff=True))
    page = client.get(f"/admin/registry/firm/{yubei.pk}/change/")
    assert page.status_code == 200
    response = client.post(f"/admin/registry/firm/{yubei.pk}/change/", {"name": "改名"})
    assert response.status_code == 403
    yubei.refresh_from_db()
    assert yubei.name == "渝北企业"
