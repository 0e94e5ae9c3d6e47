"""Malformed values in admin URLs and list filters answer as Django's admin does, never a 500 (issue 14)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tests.factories import FiguresFactory, FirmFactory

pytestmark = pytest.mark.django_db

BAD_VALUES = ["abc", "²", "٣", "99999", "2024 ", "-1", "1e3"]


@pytest.fixture
def logged_in(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/admin/registry/firm/", "figures_year"),
        ("/admin/registry/annualfigures/", "year"),
        ("/admin/registry/firm/", "tier"),
    ],
)
@pytest.mark.parametrize("value", BAD_VALUES)
def test_a_malformed_filter_value_is_the_admins_error_page_not_a_500(logged_in, url, parameter, value):
    FiguresFactory()
    response = logged_in.get(url, {parameter: value})
    assert response.status_code == 302 and response["Location"].endswith("?e=1"), response.status_code


def test_good_filter_values_still_filter(logged_in):
    FiguresFactory(year=2023)
    assert logged_in.get("/admin/registry/firm/", {"figures_year": "missing"}).status_code == 200
    assert logged_in.get("/admin/registry/annualfigures/", {"year": "2023"}).status_code == 200


def history_admins() -> list[str]:
    """Every admin with simple-history's history pages, as ``app/model``."""
    return sorted(
        f"{model._meta.app_label}/{model._meta.model_name}"
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    )


@pytest.mark.parametrize("model", history_admins())
@pytest.mark.parametrize(
    "path", ["abc/history/", "abc/history/1/", "1/history/abc/", "1/history/99999999999999/"]
)
def test_a_malformed_id_in_a_history_url_is_404(logged_in, model, path):
    assert logged_in.get(f"/admin/{model}/{path}").status_code == 404


def test_the_firm_history_page_with_a_bad_version_is_404_and_a_good_one_opens(logged_in):
    firm = FirmFactory()
    record = firm.history.latest()
    assert logged_in.get(f"/admin/registry/firm/{firm.pk}/history/abc/").status_code == 404
    assert logged_in.get(f"/admin/registry/firm/{firm.pk}/history/{record.history_id}/").status_code == 200
