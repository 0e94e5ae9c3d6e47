"""Annual figures on the portal: the model's messages in the user's language, frozen years, the what-if."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import FIGURE_FIELDS, AnnualFigures

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1


def posted(row: AnnualFigures, **changes) -> dict:
    """The figures form as the browser would post it for ``row``, with some values changed."""
    blank = ("valuation_usd_m", "cumulative_financing_usd_m")  # optional: posted empty
    data = {name: getattr(row, name) for name in FIGURE_FIELDS if name not in blank}
    data.update(dict.fromkeys(blank, ""), audited="on")
    data.update(changes)
    return data


def test_a_firm_enters_a_new_year(firm_client, firm):
    year = LAST_YEAR - 4
    template = firm.figures.get(year=LAST_YEAR)
    response = firm_client.post(reverse("portal:figures-edit", args=[year]), posted(template, employees=90))
    assert response.status_code == 302
    row = firm.figures.get(year=year)
    assert row.employees == 90 and row.operating_revenue == template.operating_revenue
    assert row.history.first().history_user.username == "firm-a"


def test_a_correction_is_saved(firm_client, firm):
    row = firm.figures.get(year=LAST_YEAR)
    url = reverse("portal:figures-edit", args=[LAST_YEAR])
    response = firm_client.post(url, posted(row, rd_expense="480.00"))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.rd_expense == Decimal("480.00")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh-hans", "研发人员不能多于从业人员。"),
        ("en", "R&amp;D staff cannot exceed the number of employees."),
    ],
)
def test_model_rules_answer_in_the_users_language(firm_client, firm, language, message):
    row = firm.figures.get(year=LAST_YEAR)
    url = reverse("portal:figures-edit", args=[LAST_YEAR])
    response = firm_client.post(url, posted(row, rd_staff=500), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    row.refresh_from_db()
    assert row.rd_staff == 42


def test_the_language_cookie_wins_over_the_browser(firm_client, firm):
    firm_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    row = firm.figures.get(year=LAST_YEAR)
    url = reverse("portal:figures-edit", args=[LAST_YEAR])
    response = firm_client.post(
        url, posted(row, main_business_revenue="99999"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "Main business revenue cannot exceed operating revenue." in response.text
    assert '<html lang="en">' in response.text


def test_a_frozen_year_is_read_only_with_its_reason(firm_client, firm):
    AnnualFigures.objects.filter(firm=firm, year=LAST_YEAR).update(
        frozen=True, frozen_reason="申请 #7 的评审依据"
    )
    response = firm_client.get(reverse("portal:figures-edit", args=[LAST_YEAR]))
    assert response.status_code == 200
    assert "该年度已冻结" in response.text and "申请 #7 的评审依据" in response.text
    assert 'name="operating_revenue"' not in response.text
    listing = firm_client.get(reverse("portal:figures"))
    assert "已冻结" in listing.text and "申请 #7 的评审依据" in listing.text


def test_a_frozen_year_refuses_a_posted_change(firm_client, firm):
    AnnualFigures.objects.filter(firm=firm, year=LAST_YEAR).update(frozen=True, frozen_reason="评审依据")
    row = firm.figures.get(year=LAST_YEAR)
    response = firm_client.post(reverse("portal:figures-edit", args=[LAST_YEAR]), posted(row, rd_expense="1"))
    assert response.status_code == 400
    assert "已冻结（评审依据），不能修改" in response.text
    assert "请联系所在区县的经办人" in response.text  # the firm asks; the caseworker's route is not theirs
    assert "退回补充材料" not in response.text
    row.refresh_from_db()
    assert row.rd_expense == Decimal("440.00")


def test_letters_in_a_number_field_are_named_as_such(firm_client, firm):
    row = firm.figures.get(year=LAST_YEAR)
    url = reverse("portal:figures-edit", args=[LAST_YEAR])
    page = firm_client.get(url).text
    assert 'name="rd_expense"' in page and 'type="number"' not in page  # the browser keeps the letters
    response = firm_client.post(url, posted(row, rd_expense="四百万", employees="25人"))
    assert response.status_code == 400
    assert "请输入数字（如 1234.56）" in response.text and "请输入整数（如 25）" in response.text
    row.refresh_from_db()
    assert row.rd_expense == Decimal("440.00")


def test_years_outside_the_register_are_not_found(firm_client):
    assert firm_client.get(reverse("portal:figures-edit", args=[1970])).status_code == 404


def test_the_figures_page_offers_missing_recent_years(firm_client):
    response = firm_client.get(reverse("portal:figures"))
    assert reverse("portal:figures-edit", args=[LAST_YEAR - 3]) in response.text


def test_self_check_shows_every_tier_with_value_bar_and_gap(firm_client):
    response = firm_client.get(reverse("portal:self-check"))
    assert response.status_code == 200
    tiers = response.context["report"]
    assert {t.code for t in tiers} >= {"innovative_sme", "srdi_sme", "little_giant", "gazelle"}
    assert next(t for t in tiers if t.code == "innovative_sme").eligible is True
    srdi = next(t for t in tiers if t.code == "srdi_sme")
    assert srdi.eligible is False
    cells = [c["cells"] for t in tiers for c in t.criteria]
    assert any(c["bar"] and c["value"] for c in cells)
    assert any(c["gap"] for c in cells)
    assert "还差" in response.text and "企业数值" in response.text


def what_if_data(firm, **changes) -> dict:
    data = posted(firm.figures.get(year=LAST_YEAR), year=LAST_YEAR)
    data.pop("audited")
    data.update(changes)
    return data


def test_what_if_re_evaluates_without_saving(firm_client, firm):
    before = list(AnnualFigures.objects.filter(firm=firm).values())
    history = AnnualFigures.history.count()
    data = what_if_data(firm, rd_expense="0", class1_ip="0", class2_ip="0", main_business_revenue="3000")
    response = firm_client.post(reverse("portal:self-check"), data)
    assert response.status_code == 200
    assert "测算结果（未保存）" in response.text
    changed = {row["code"]: row for row in response.context["comparison"]}
    assert changed["innovative_sme"]["changed"] and changed["innovative_sme"]["after_eligible"] is False
    assert list(AnnualFigures.objects.filter(firm=firm).values()) == before
    assert AnnualFigures.history.count() == history


def test_what_if_checks_figures_with_the_models_rules(firm_client, firm):
    before = list(AnnualFigures.objects.filter(firm=firm).values())
    response = firm_client.post(reverse("portal:self-check"), what_if_data(firm, rd_staff=900))
    assert response.status_code == 400
    assert "研发人员不能多于从业人员。" in response.text
    assert "what_if" not in response.context
    assert list(AnnualFigures.objects.filter(firm=firm).values()) == before


def test_what_if_works_on_a_frozen_year_and_still_saves_nothing(firm_client, firm):
    AnnualFigures.objects.filter(firm=firm).update(frozen=True, frozen_reason="评审依据")
    response = firm_client.post(reverse("portal:self-check"), what_if_data(firm, rd_expense="900"))
    assert response.status_code == 200
    assert firm.figures.get(year=LAST_YEAR).rd_expense == Decimal("440.00")


def test_what_if_prefills_the_chosen_year(firm_client, firm):
    response = firm_client.get(reverse("portal:self-check"), {"year": LAST_YEAR - 1})
    form = response.context["form"]
    assert form.initial["year"] == LAST_YEAR - 1
    assert Decimal(form.initial["operating_revenue"]) == Decimal("6100.00")
