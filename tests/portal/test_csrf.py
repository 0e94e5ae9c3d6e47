"""Every form that posts carries a CSRF token, and a post without one is refused."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cultivation.services import application_transition, assign_reviewers, create_application

pytestmark = pytest.mark.django_db

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)


def post_forms(html: str) -> list[str]:
    return [body for attrs, body in FORM.findall(html) if re.search(r'method="post"', attrs, re.I)]


def assert_tokens(html: str) -> int:
    forms = post_forms(html)
    for body in forms:
        assert 'name="csrfmiddlewaretoken"' in body
    return len(forms)


def test_every_firm_form_has_a_token(firm_client, firm, firm_user):
    application = create_application(firm=firm, tier="innovative_sme", actor=firm_user)
    pages = [
        reverse("portal:home"),
        reverse("portal:figures-edit", args=[timezone.localdate().year - 1]),
        reverse("portal:self-check"),
        reverse("portal:attestations"),
        reverse("portal:apply"),
        reverse("portal:application", args=[application.pk]),
        reverse("password_change"),
    ]
    counted = sum(assert_tokens(firm_client.get(url).text) for url in pages)
    assert counted >= len(pages) * 2  # each page has its own form(s) besides language switch and sign-out


def test_every_staff_form_has_a_token(client, firm, firm_user, caseworker, reviewer):
    application = create_application(firm=firm, tier="innovative_sme", actor=firm_user)
    application_transition(application=application, action="submit", actor=firm_user)
    client.force_login(caseworker)
    assert assert_tokens(client.get(reverse("portal:case-queue")).text) >= 3
    application_transition(application=application, action="accept", actor=caseworker)
    application_transition(application=application, action="recommend", actor=caseworker)
    assert assert_tokens(client.get(reverse("portal:staff-application", args=[application.pk])).text) >= 4
    due = timezone.localdate() + datetime.timedelta(days=5)
    assign_reviewers(application=application, reviewers=[reviewer], due_at=due, actor=caseworker)
    client.force_login(reviewer)
    assert assert_tokens(client.get(reverse("portal:staff-application", args=[application.pk])).text) >= 3


def test_sign_in_and_reset_forms_have_a_token(client):
    for url in (reverse("login"), reverse("password_reset")):
        assert assert_tokens(client.get(url).text) >= 2


def test_a_post_without_a_token_is_refused(firm_user, firm):
    client = Client(enforce_csrf_checks=True)
    client.force_login(firm_user)
    response = client.post(reverse("portal:apply"), {"tier": "innovative_sme", "kind": "new"})
    assert response.status_code == 403
    assert not firm.applications.exists()
