"""Digital maturity (issue 18, item 3): a firm's level 1-4 with its day and evidence; at or above the
programme's level (a setting, default 2, provisional) it counts as transformed; the next level is shown."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cultivation.models import MaturityAssessment
from cultivation.services import maturity_standing, record_maturity
from tests.factories import YUBEI, YUZHONG, caseworker, firm_user, make_firm, reviewer, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm():
    return make_firm(YUBEI, founded_on=datetime.date(2015, 3, 1))


@pytest.fixture
def yubei():
    return caseworker(YUBEI)


def record(firm, actor, level=2, on=datetime.date(2025, 5, 10), evidence="渝数评〔2025〕001号"):
    return record_maturity(firm=firm, level=level, assessed_on=on, evidence=evidence, actor=actor)


def test_recorded_with_day_evidence_and_history(firm, yubei):
    saved = record(firm, yubei)
    assert (saved.level, saved.assessed_on, saved.evidence) == (
        2,
        datetime.date(2025, 5, 10),
        "渝数评〔2025〕001号",
    )
    assert saved.history.latest().history_user == yubei


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"level": 5}, "level"),
        ({"level": 0}, "level"),
        ({"on": today() + datetime.timedelta(days=1)}, "assessed_on"),
        ({"on": datetime.date(2014, 1, 1)}, "assessed_on"),  # before the firm was founded
        ({"evidence": "   "}, "evidence"),
    ],
)
def test_bad_input_is_refused_on_its_field(firm, yubei, changes, field):
    with pytest.raises(ValidationError) as refused:
        record(firm, yubei, **changes)
    assert field in refused.value.message_dict
    assert not MaturityAssessment.objects.exists()


def test_one_assessment_a_day(firm, yubei):
    record(firm, yubei)
    with pytest.raises(ValidationError):
        record(firm, yubei, level=3)
    assert MaturityAssessment.objects.count() == 1


@pytest.mark.parametrize("who", ["other district", "reviewer", "firm user"])
def test_only_the_firms_caseworkers_record(firm, who):
    actor = {
        "other district": lambda: caseworker(YUZHONG),
        "reviewer": reviewer,
        "firm user": lambda: firm_user(firm),
    }[who]()
    with pytest.raises(PermissionDenied):
        record(firm, actor)


def test_standing_is_the_latest_level_and_the_next_one(firm, yubei):
    never = maturity_standing(firm)
    assert (never.level, never.transformed, never.next_level) == (None, False, 1)
    record(firm, yubei, level=1, on=datetime.date(2024, 4, 1))
    assert (maturity_standing(firm).level, maturity_standing(firm).transformed) == (1, False)
    record(firm, yubei, level=2, on=datetime.date(2025, 4, 1))
    standing = maturity_standing(firm)
    assert (standing.level, standing.transformed, standing.next_level) == (2, True, 3)
    assert (standing.level_label, standing.next_level_label) == ("二级", "三级")
    record(firm, yubei, level=4, on=datetime.date(2025, 9, 1))
    assert maturity_standing(firm).next_level is None


def test_the_transformed_level_is_a_setting(firm, yubei, settings):
    record(firm, yubei, level=2)
    settings.DIGITAL_TRANSFORMED_MIN_LEVEL = 3
    standing = maturity_standing(firm)
    assert (standing.transformed, standing.min_level) == (False, 3)


def test_the_firm_sees_its_level_and_the_next_on_the_self_check_and_home(client, firm, yubei):
    record(firm, yubei, level=2)
    other = make_firm(YUBEI, name="重庆另一家企业")
    record(other, yubei, level=4, evidence="另一家")
    client.force_login(firm_user(firm))
    for url in ("/self-check/", "/"):
        page = client.get(url).content.decode()
        assert 'data-maturity-level="2"' in page and 'data-maturity-next="3"' in page, url
        assert "计为已实现数字化转型" in page and 'data-maturity-level="4"' not in page


def test_a_firm_never_assessed_is_told_how_to_start(client, firm):
    client.force_login(firm_user(firm))
    page = client.get("/self-check/").content.decode()
    assert "尚无中小企业数字化水平评测结果" in page and "二级" in page
