"""Bad files and bad rows to the admin imports of recognitions, platforms and 技改 projects (issue 18): each
is refused with a message the caseworker can act on, no confirmation is offered, and nothing is saved."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import caseworker, make_firm

from .corpus import HUGE, THIS_YEAR, row_counts, snapshot
from .test_import_corpus import CSV, FILE_CASES, csv_bytes, refused

pytestmark = pytest.mark.django_db

LAST_YEAR = THIS_YEAR - 1
MODELS = ("digitalrecognition", "industrybrain", "upgradeproject")
RECOGNITION_HEADER = "firm,site_name,level,year,batch,valid_until,note"
PROJECT_HEADER = "firm,name,kind,investment,planned_start,planned_finish,status"


@pytest.fixture
def admin_client(client):
    client.force_login(caseworker("500112"))
    return client


@pytest.fixture
def firms():
    return make_firm("500112"), make_firm("500103")


def post_import(client, model: str, content: bytes, file_format: str = CSV, name: str = "upload.csv"):
    upload = SimpleUploadedFile(name, content)
    return client.post(
        f"/admin/cultivation/{model}/import/", {"resource": "0", "format": file_format, "import_file": upload}
    )


def run_cases(client, model: str, header: str, cases) -> list[str]:
    problems = []
    start = snapshot()
    for case, lines, phrase in cases:
        before = row_counts()
        page = refused(post_import(client, model, csv_bytes(header, *lines), CSV, f"{case}.csv"))
        if phrase not in page:
            problems.append(f"{case}: no message with {phrase!r}: {page[:300]}")
        if row_counts() != before:
            problems.append(f"{case}: rows were added or removed")
    if snapshot() != start:
        problems.append("a value in the database changed")
    return problems


@pytest.mark.parametrize("model", MODELS)
def test_bad_files_are_refused_with_a_message(admin_client, model):
    problems = []
    start = snapshot()
    for case, content, file_format, phrase in FILE_CASES:
        page = refused(post_import(admin_client, model, content, file_format, f"{case}.csv"))
        if phrase not in page:
            problems.append(f"{case}: no message with {phrase!r}: {page[:300]}")
    assert problems == []
    assert snapshot() == start


def test_a_file_over_the_synchronous_limit_is_refused_by_count(admin_client, firms, settings):
    settings.IMPORT_SYNC_MAX_ROWS = 3
    row = f"{firms[0].credit_code},车间{{n}},数字化车间,{LAST_YEAR},,,"
    content = csv_bytes(RECOGNITION_HEADER, *[row.format(n=n) for n in range(4)])
    assert "超过每个文件 3 行的上限" in refused(post_import(admin_client, "digitalrecognition", content))


def test_bad_recognition_rows_save_nothing(admin_client, firms):
    mine, theirs = firms
    good = f"{mine.credit_code},一号车间,数字化车间,{LAST_YEAR},2024年第一批,,"
    cases = [
        ("duplicate", [good, good.replace("2024年第一批", "改")], "与第 1 行重复"),
        ("bad-level", [good.replace("数字化车间", "黑灯工厂")], "黑灯工厂"),
        ("future-year", [good.replace(f",{LAST_YEAR},", f",{THIS_YEAR + 1},")], "不能晚于今年"),
        ("year-words", [good.replace(f",{LAST_YEAR},", ",去年,")], "不是有效的数字"),
        ("validity-before", [good.replace(",,", f",{LAST_YEAR - 1}-06-30,", 1)], "有效期应晚于认定年度"),
        ("bad-date", [good.replace(",,", ",2024-13-45,", 1)], "valid_until"),
        ("huge-site", [good.replace("一号车间", HUGE[:500])], "site_name: "),
        ("unknown-firm", [good.replace(mine.credit_code, "91500112MA60000ZZ0")], "91500112MA60000ZZ0"),
        (
            "other-district",
            [good.replace(mine.credit_code, theirs.credit_code)],
            "您无权导入其他区县企业的数据",
        ),
        ("one-bad-of-two", [good, good.replace("一号车间", "二号车间").replace("数字化车间", "x")], "x"),
    ]
    assert run_cases(admin_client, "digitalrecognition", RECOGNITION_HEADER, cases) == []


def test_bad_project_rows_save_nothing(admin_client, firms):
    mine, _theirs = firms
    good = f"{mine.credit_code},能耗在线监测,绿色化改造,320,{LAST_YEAR}-03-01,{LAST_YEAR}-12-31,计划"
    cases = [
        ("duplicate", [good, good.replace("320", "400")], "与第 1 行重复"),
        ("negative", [good.replace(",320,", ",-320,")], "investment: "),
        ("words", [good.replace(",320,", ",很多,")], "不是有效的数字"),
        (
            "finish-before-start",
            [good.replace(f"{LAST_YEAR}-12-31", f"{LAST_YEAR}-01-01")],
            "不能早于计划开工日期",
        ),
        ("bad-kind", [good.replace("绿色化改造", "魔法改造")], "魔法改造"),
        ("started-without-day", [good.replace(",计划", ",实施中")], "须填写实际开工日期"),
        ("huge-name", [good.replace("能耗在线监测", HUGE[:500])], "name: "),
    ]
    assert run_cases(admin_client, "upgradeproject", PROJECT_HEADER, cases) == []
