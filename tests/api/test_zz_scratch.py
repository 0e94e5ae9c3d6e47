import pytest
from django.contrib import admin
from django.test import RequestFactory

from tests.factories import caseworker, firm_user, make_firm, reviewer

pytestmark = pytest.mark.django_db

def test_dump():
    users = {"city": caseworker(), "district": caseworker("500112"), "reviewer": reviewer(), "firm": firm_user(make_firm())}
    for u in users.values():
        u.is_staff = True; u.save()
    for model, ma in admin.site._registry.items():
        for name, user in users.items():
            req = RequestFactory().get("/")
            req.user = user
            perms = [p for p in ("add", "change", "delete") if getattr(ma, f"has_{p}_permission")(req)]
            acts = list(ma.get_actions(req)) if ma.has_module_permission(req) or True else []
            print(model._meta.label, name, perms, acts, [u.name for u in ma.get_urls() if u.name and not u.name.endswith(("_changelist","_add","_change","_delete","_history","_autocomplete"))])
