"""The scan registry and ``manage.py run_scans``: the notice-closing scan designates elapsed notices once."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cultivation import scans
from cultivation.models import Designation
from cultivation.notice_closing import NoticeClosing
from cultivation.workflow import Status
from tests.factories import application_in, today

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def run(*args) -> str:
    out = StringIO()
    call_command("run_scans", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_registry_names_the_notice_closing_scan():
    assert "notice_closing" in scans.SCANS
    with pytest.raises(ValueError):
        scans.registry(NoticeClosing(), NoticeClosing())


def test_run_scans_prints_a_summary_and_designates_elapsed_notices(firm):
    application = application_in(Status.PUBLIC_NOTICE, firm)
    paused = application_in(Status.NOTICE_PAUSED, tier="gazelle")
    after = (application.notice_ends_on + DAY).isoformat()
    output = run("--as-of", after, "--only", "notice_closing")
    assert f"scans as of {after}" in output
    line = next(line for line in output.splitlines() if line.startswith("notice_closing"))
    assert line.split()[:4] == ["notice_closing", "1", "1", "0"]
    application.refresh_from_db()
    paused.refresh_from_db()
    assert application.status == Status.DESIGNATED and paused.status == Status.NOTICE_PAUSED
    assert Designation.objects.filter(source_application=application).count() == 1

    again = run("--as-of", after)
    assert next(line for line in again.splitlines() if line.startswith("notice_closing")).split()[1:3] == [
        "0",
        "0",
    ]
    assert Designation.objects.filter(source_application=application).count() == 1


def test_a_running_notice_is_left_alone(firm):
    application = application_in(Status.PUBLIC_NOTICE, firm)
    run("--as-of", application.notice_ends_on.isoformat(), "--only", "notice_closing")
    application.refresh_from_db()
    assert application.status == Status.PUBLIC_NOTICE


def test_bad_arguments_are_refused():
    with pytest.raises(CommandError):
        run("--as-of", "30/06/2026")
    with pytest.raises(CommandError):
        run("--only", "no_such_scan")


def test_list_names_every_registered_scan():
    listed = run("--list")
    assert "notice_closing" in listed and "公示期满认定" in listed


def test_run_scans_defaults_to_today():
    assert f"scans as of {today().isoformat()}" in run("--only", "notice_closing")


def test_failures_are_reported_and_do_not_stop_the_others(firm, monkeypatch):
    from django.core.exceptions import ValidationError

    from cultivation.services import applications

    first = application_in(Status.PUBLIC_NOTICE, firm)
    second = application_in(Status.PUBLIC_NOTICE, tier="gazelle")

    original = applications.designate_from

    def fail_for_first(*, application, **kwargs):
        if application.pk == first.pk:
            raise ValidationError("认定失败")
        return original(application=application, **kwargs)

    monkeypatch.setattr(applications, "designate_from", fail_for_first)  # as the designate step calls it
    [result] = scans.run_scans(first.notice_ends_on + DAY, only=["notice_closing"])
    assert (result.examined, result.acted) == (2, 1) and "认定失败" in result.problems[0]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.PUBLIC_NOTICE, Status.DESIGNATED)
