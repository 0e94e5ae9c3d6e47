"""The firm hears about its application: an inbox alert at each step it must know or act on, emailed
by its preference, with the reason or the notice's end date in words and a link to the application."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from cultivation.models.alerts import AlertDelivery, AlertKind, AlertPreference
from cultivation.scans import run_scans
from cultivation.services.alerts import send_daily_digests
from cultivation.workflow import Action
from tests.workflow.test_paths import act, reviewed, submitted

pytestmark = pytest.mark.django_db

INBOX = reverse("portal:inbox")


def inbox_texts(client, user) -> list[str]:
    client.force_login(user)
    response = client.get(INBOX)
    assert response.status_code == 200
    return [d.message for d in response.context["page"]]


def firm_alerts(user):
    return AlertDelivery.objects.filter(
        user=user, channel="inbox", alert__kind=AlertKind.APPLICATION_UPDATE
    ).order_by("alert__created_at", "id")


def test_the_firms_inbox_follows_its_application_to_the_designation(client, firm, people):
    application = submitted(firm, people)
    assert not firm_alerts(people.firm_user).exists(), "its own submission needs no notice"

    act(application, Action.ACCEPT, people.district_cw)
    assert "您的申请已受理" in inbox_texts(client, people.firm_user)[0]

    act(application, Action.RETURN, people.district_cw, reason="请补充近三年审计报告")
    newest = inbox_texts(client, people.firm_user)[0]
    assert "退回补充材料" in newest and "请补充近三年审计报告" in newest

    act(application, Action.RESUBMIT, people.firm_user)
    act(application, Action.ACCEPT, people.district_cw)
    act(application, Action.RECOMMEND, people.district_cw, reason="材料齐全")
    assert "通过区县初审" in inbox_texts(client, people.firm_user)[0]

    application = act(reviewed(application, people), Action.APPROVE, people.city_cw)
    newest = inbox_texts(client, people.firm_user)[0]
    assert f"公示期至 {application.notice_ends_on.isoformat()}" in newest

    run_scans(application.notice_ends_on + datetime.timedelta(days=1), only=["notice_closing"])
    texts = inbox_texts(client, people.firm_user)
    assert "已予以认定" in texts[0]
    assert len(texts) == firm_alerts(people.firm_user).count() == 6
    for code in ("accept", "return", "recommend", "approve", "designate", "public_notice"):
        assert not any(code in text for text in texts)
    other = firm_alerts(people.other_firm_user).exists() or firm_alerts(people.district_cw).exists()
    assert not other, "only the firm's own users hear of its application"


def test_an_alert_links_to_the_application(client, firm, people):
    application = submitted(firm, people)
    act(application, Action.ACCEPT, people.district_cw)
    act(application, Action.REJECT, people.district_cw, reason="不符合申报条件")
    client.force_login(people.firm_user)
    response = client.get(INBOX)
    link = reverse("portal:application", args=[application.pk])
    assert f'href="{link}"' in response.text and "不符合申报条件" in response.text
    assert client.get(link).status_code == 200


def test_email_follows_the_firms_preference(firm, people, celery_eager, django_capture_on_commit_callbacks):
    people.firm_user.email = "clerk@example.com"
    people.firm_user.save()
    daily = type(people.firm_user).objects.create(username="firm-daily", email="d@example.com", firm=firm)
    daily.groups.set(people.firm_user.groups.all())
    AlertPreference.objects.create(user=daily, email="daily")
    quiet = type(people.firm_user).objects.create(username="firm-quiet", email="q@example.com", firm=firm)
    quiet.groups.set(people.firm_user.groups.all())
    AlertPreference.objects.create(user=quiet, email="off")
    application = submitted(firm, people)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        act(application, Action.RETURN, people.district_cw, reason="缺少知识产权证明")
    assert [m.to for m in mail.outbox] == [["clerk@example.com"]]
    assert "缺少知识产权证明" in mail.outbox[0].body and "申请进展" in mail.outbox[0].subject

    assert send_daily_digests() == 1
    assert mail.outbox[-1].to == ["d@example.com"] and "缺少知识产权证明" in mail.outbox[-1].body
    assert not AlertDelivery.objects.filter(user=quiet, channel="email").exists()
    assert AlertDelivery.objects.filter(user=quiet, channel="inbox").exists()
