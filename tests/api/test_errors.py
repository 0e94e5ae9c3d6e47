"""Every error the API gives has one shape, ``{"detail": str, "fields": {name: [str]}}``, in the caller's
language (Chinese by default, English with ``Accept-Language: en``), and bad input never becomes a 500.
Also: authentication (401 with a challenge, CSRF on session writes) and CORS (closed unless listed)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from registry.models import Firm
from tests.api.world import World, firm_body

pytestmark = pytest.mark.django_db

ZH, EN = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}, {"HTTP_ACCEPT_LANGUAGE": "en"}


def error(response, status: int) -> dict:
    """The body of an error answer, after checking its status and shape."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "fields"} and isinstance(body["detail"], str) and body["detail"]
    assert all(isinstance(m, list) and all(isinstance(x, str) for x in m) for m in body["fields"].values())
    return body


def requests(world: World) -> dict:
    """One request per error status, as (client, method, path, extra)."""
    city, firm_b, anonymous = world.client("city"), world.client("firm_b"), APIClient()
    code = world.firm_a.credit_code
    return {
        "400": (city, "post", "/api/firms/", {"data": {}, "format": "json"}),
        "401": (anonymous, "get", "/api/firms/", {}),
        "403": (firm_b, "get", "/api/dashboard/", {}),
        "404": (firm_b, "get", f"/api/firms/{code}/", {}),
        "405": (city, "delete", f"/api/firms/{code}/", {}),
        "406": (city, "get", "/api/firms/", {"HTTP_ACCEPT": "text/csv"}),
        "409": (
            city,
            "post",
            f"/api/applications/{world.in_review.pk}/transition/",
            {"data": {"action": "accept"}, "format": "json"},
        ),
        "415": (city, "generic", "/api/firms/", {"data": "a", "content_type": "text/plain"}),
    }


# (status, the Chinese message, the English message) — DRF's own messages and ours.
MESSAGES = {
    "400": ("请求数据有误，请检查各字段。", "The request data is invalid. Please check each field."),
    "401": ("身份认证信息未提供。", "Authentication credentials were not provided."),
    "403": ("您没有执行该操作的权限。", "You do not have permission to perform this action."),
    "404": ("未找到。", "Not found."),
    "405": ("方法 “DELETE” 不被允许。", 'Method "DELETE" not allowed.'),
    "406": ("无法满足Accept HTTP头的请求。", "Could not satisfy the request Accept header."),
    "415": ("不支持请求中的媒体类型 “text/plain”。", 'Unsupported media type "text/plain" in request.'),
}


def send(world: World, status: str, language: dict):
    client, method, path, extra = requests(world)[status]
    extra = {**extra, **language}
    if method == "generic":
        return client.generic("POST", path, extra.pop("data"), **extra)
    return getattr(client, method)(path, **extra)


@pytest.mark.parametrize("status", [*sorted(MESSAGES), "409"])
def test_error_shape_and_language(world, status):
    chinese = error(send(world, status, ZH), int(status))
    english = error(send(world, status, EN), int(status))
    if status in MESSAGES:
        assert (chinese["detail"], english["detail"]) == MESSAGES[status]
    else:  # 409: the workflow's own message, naming the stage
        assert "市级复审" in chinese["detail"] and "City review" in english["detail"]


def test_field_errors_name_the_fields(world):
    body = error(world.client("city").post("/api/firms/", {"name": ""}, format="json"), 400)
    assert {"credit_code", "name", "district"} <= set(body["fields"])


def test_not_found_never_names_the_model(world):
    body = error(world.client("firm_b").get(f"/api/firms/{world.firm_a.credit_code}/", **EN), 404)
    assert body["detail"] == "Not found."  # not "No Firm matches the given query."


def test_broken_json_is_a_parse_error_and_changes_nothing(world):
    before = Firm.objects.count()
    response = world.client("city").generic("POST", "/api/firms/", "{broken", content_type="application/json")
    assert error(response, 400)["detail"].startswith("请求体无法解析")
    assert Firm.objects.count() == before


def test_body_over_one_megabyte_is_refused_before_parsing(world):
    big = '{"name": "' + "x" * (1024 * 1024) + '"}'
    for language, message in ((ZH, "请求体过大"), (EN, "Request body too large")):
        response = world.client("city").generic(
            "POST", "/api/firms/", big, content_type="application/json", **language
        )
        assert error(response, 413)["detail"].startswith(message)


def test_throttled_caller_gets_429_with_retry_after(world, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "2/min"})
    cache.clear()
    client = world.client("city")
    answers = [client.get("/api/me/", **EN) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert error(answers[-1], 429)["detail"].startswith("Request was throttled.")
    assert int(answers[-1]["Retry-After"]) > 0
    cache.clear()


@pytest.mark.parametrize(
    "path",
    [
        "/api/applications/abc/",
        "/api/applications/99999999999999999999/",
        "/api/alerts/abc/",
        "/api/firms/not-a-code/",
        "/api/firms/{code}/figures/99999999999999999999/",
        "/api/targets/1.5/",
        "/api/no-such-resource/",
    ],
)
def test_unknown_or_malformed_ids_are_404(world, path):
    path = path.replace("{code}", world.firm_a.credit_code)
    error(world.client("admin").get(path), 404)


def test_post_to_a_malformed_alert_id_is_404(world):
    error(world.client("admin").post("/api/alerts/abc/read/"), 404)


@pytest.mark.parametrize(
    "query",
    [
        {"page": "99999999999999999999"},
        {"page": "0"},
        {"page": "abc"},
    ],
)
def test_pages_out_of_range_are_404(world, query):
    error(world.client("admin").get("/api/firms/", query), 404)


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/firms/", {"ordering": "password"}, "ordering"),
        ("/api/applications/", {"ordering": "-snapshot"}, "ordering"),
        ("/api/targets/", {"ordering": "year,nope"}, "ordering"),
        ("/api/firms/", {"founded_after": "yesterday"}, "founded_after"),
        ("/api/firms/", {"revenue_min": "1e400"}, "revenue_min"),
        ("/api/firms/", {"tier": "emperor"}, "tier"),
        ("/api/figures/", {"year": "99999999999999999999"}, "year"),
        ("/api/applications/", {"status": "limbo"}, "status"),
        ("/api/applications/", {"assigned_to_me": "perhaps"}, "assigned_to_me"),
        ("/api/alerts/", {"unread": "maybe"}, "unread"),
        ("/api/reviews/", {"application": "-1"}, "application"),
        ("/api/pool/", {"cohort_year": "1e9"}, "cohort_year"),
    ],
)
def test_bad_filters_and_orderings_are_400_naming_the_parameter(world, path, query, field):
    assert field in error(world.client("admin").get(path, query), 400)["fields"]


def test_page_size_is_clamped_to_500(world):
    page = world.client("admin").get("/api/clusters/", {"page_size": 100000}).json()
    assert page["count"] == len(page["results"]) == 30  # the whole list fits: nothing refused
    from api.pagination import StandardPagination

    assert StandardPagination.max_page_size == 500


# --- authentication ---


def test_anonymous_call_is_401_with_token_challenge(world):
    response = APIClient().get("/api/me/")
    assert error(response, 401) and response["WWW-Authenticate"] == "Token"


def test_bad_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    response = client.get("/api/me/")
    assert error(response, 401) and response["WWW-Authenticate"] == "Token"


def test_session_writes_need_the_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["city"])
    assert client.get("/api/me/").json()["username"] == "cw-city"  # session reads work
    before = Firm.objects.count()
    refused = client.post("/api/firms/", firm_body(), format="json")
    assert "CSRF" in error(refused, 403)["detail"]
    assert Firm.objects.count() == before


def test_token_writes_need_no_csrf_token(world):
    from rest_framework.authtoken.models import Token

    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.users['city']).key}")
    assert client.post("/api/firms/", firm_body(), format="json").status_code == 201


def test_tokens_are_managed_in_the_admin(world):
    from rest_framework.authtoken.models import Token

    Token.objects.create(user=world.users["firm_a"])
    client = APIClient()
    client.force_login(world.users["admin"])
    page = client.get("/admin/authtoken/tokenproxy/")
    assert page.status_code == 200 and "firm-a" in page.text


# --- CORS ---


def preflight(origin: str):
    return APIClient().options("/api/firms/", HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")


def test_cors_is_closed_by_default(db):
    assert "Access-Control-Allow-Origin" not in preflight("https://evil.example")


def test_cors_opens_to_a_listed_origin_only(db):
    with override_settings(CORS_ALLOWED_ORIGINS=["https://dashboard.example"]):
        allowed = preflight("https://dashboard.example")
        other = preflight("https://evil.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://dashboard.example"
    assert "Access-Control-Allow-Origin" not in other


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/eligibility/", {"as_of": "1125-03-19"}),
        ("get", "/api/firms/{code}/eligibility/", {"as_of": "1125-03-19"}),
    ],
)
def test_evaluating_before_any_rule_set_is_a_400(world, method, path, body):
    """Found by schemathesis on PostgreSQL: a day before the first rule set was a 500."""
    client = world.client("city")
    path = path.replace("{code}", world.firm_a.credit_code)
    response = client.post(path, body, format="json") if method == "post" else client.get(path, body)
    assert "as_of" in error(response, 400)["fields"]
