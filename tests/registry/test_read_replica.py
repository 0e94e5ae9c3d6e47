"""Reads routed to a read replica (``DATABASE_REPLICA_URL``; ``registry.read_replica``), with a real second
PostgreSQL database as the ``replica`` alias (``tests/settings.py``).

The replica here is not kept in step with the primary: a row written to one only is how the tests see
which database answered. A row only on the replica is one that "replicated" but that the primary no longer
has; a row only on the primary is one the replica has not received yet (lag).
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.cache import caches
from django.db import OperationalError, connections, transaction
from django.http import JsonResponse
from django.test import RequestFactory
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.middleware import ReadReplicaMiddleware
from registry.credit_code import make_code
from registry.models import Change, Cluster, District, Firm
from registry.read_replica import PIN_CACHE, reads_from_replica
from tests.factories import UserFactory, make_firm

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(databases=["default", "replica"]),
]


@pytest.fixture(autouse=True)
def replica_on(settings):
    """``DATABASE_REPLICA_URL`` set: the router sends the reads that ask for it to ``replica``, which holds
    the reference data (districts, clusters) as a real replica would; the project's data migrations write
    to the primary only."""
    for model in (District, Cluster):
        model.objects.using("replica").bulk_create(list(model.objects.all()))
    settings.READ_REPLICA = "replica"
    settings.DATABASE_REPLICA_PIN_SECONDS = 30
    yield
    caches[PIN_CACHE].delete_many([f"replica-pin:{pk}" for pk in range(1, 10_000)])  # the pins set here


def only_on_replica(name: str, serial: int) -> Firm:
    """A firm the replica holds and the primary does not (written there in bulk: no signals, as
    replication applies rows)."""
    yubei = District.objects.using("replica").get(code="500112")
    firm = Firm(
        credit_code=make_code(f"91500112{serial:09d}"),
        name=name,
        district=yubei,
        founded_on=datetime.date(2016, 4, 1),
    )
    Firm.objects.using("replica").bulk_create([firm])
    return firm


def token_client(user) -> APIClient:
    """A client with a real API token: the token is only on the primary, so it also proves that
    authentication reads the primary."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


@pytest.fixture
def admin(db):
    return UserFactory(username="programme-admin", is_staff=True, is_superuser=True)


def test_the_api_firm_list_reads_the_replica_and_a_firm_page_the_primary(admin):
    on_primary = make_firm(name="主库企业")
    only_on_replica("只读副本企业", 900001)
    client = token_client(admin)

    assert names(client.get("/api/firms/")) == {"只读副本企业"}
    assert names(client.get("/api/firms/", {"pagination": "cursor"})) == {"只读副本企业"}
    detail = client.get(f"/api/firms/{on_primary.credit_code}/")  # not a list: the primary
    assert detail.status_code == 200 and detail.json()["name"] == "主库企业"


def test_without_a_replica_every_read_is_on_the_primary(admin, settings):
    make_firm(name="主库企业")
    only_on_replica("只读副本企业", 900001)
    settings.READ_REPLICA = None
    assert names(token_client(admin).get("/api/firms/")) == {"主库企业"}


def test_a_write_lands_on_the_primary_and_its_author_then_reads_the_primary(admin):
    only_on_replica("只读副本企业", 900001)
    writer = token_client(admin)
    other = token_client(UserFactory(username="city-2", is_staff=True, is_superuser=True))
    body = {
        "credit_code": make_code("91500112MA0000001"),
        "name": "新登记企业",
        "district": "500112",
        "founded_on": "2018-05-01",
        "sector": "industry",
    }
    assert writer.post("/api/firms/", body, format="json").status_code == 201

    assert Firm.objects.filter(name="新登记企业").exists()
    assert not Firm.objects.using("replica").filter(name="新登记企业").exists()
    # Its author sees the new firm at once (pinned to the primary for DATABASE_REPLICA_PIN_SECONDS);
    # someone else reads the replica, which has not received it yet.
    assert names(writer.get("/api/firms/")) == {"新登记企业"}
    assert names(other.get("/api/firms/")) == {"只读副本企业"}


def test_a_read_after_a_write_in_the_same_request_reads_the_primary(admin):
    only_on_replica("只读副本企业", 900001)
    seen: dict[str, list[str]] = {}

    def view(request):
        """A GET that lists, writes, then lists again, all inside its replica block."""
        with reads_from_replica():
            seen["before"] = list(Firm.objects.values_list("name", flat=True))
            make_firm(name="本请求新建企业")
            seen["after"] = list(Firm.objects.values_list("name", flat=True))
        return JsonResponse({})

    request = RequestFactory().get("/anything/")
    request.user = admin
    ReadReplicaMiddleware(view)(request)
    assert seen == {"before": ["只读副本企业"], "after": ["本请求新建企业"]}


def test_the_change_feed_reads_the_same_copy_as_the_lists(admin):
    """A client takes a cursor, reads the lists, then follows the feed: all from the replica, so a change
    the lagging replica lacks is neither in the lists nor behind the cursor (it comes later)."""
    firm = only_on_replica("只读副本企业", 900001)
    Change.objects.using("replica").bulk_create(
        [Change(seq=1, kind="firm", key=firm.credit_code, record_id=firm.pk, action="created", firm=firm)]
    )
    make_firm(name="主库企业")  # its change is numbered on the primary only: not yet replicated
    client = token_client(admin)
    assert client.get("/api/changes/", {"since": "latest"}).json()["next"] == "1"
    feed = client.get("/api/changes/", {"since": "0"}).json()
    assert [(row["kind"], row["key"]) for row in feed["results"]] == [("firm", firm.credit_code)]


def test_transactions_and_row_locks_read_the_primary(admin):
    make_firm(name="主库企业")
    only_on_replica("只读副本企业", 900001)
    with reads_from_replica():
        assert list(Firm.objects.values_list("name", flat=True)) == ["只读副本企业"]
        with transaction.atomic():
            assert list(Firm.objects.values_list("name", flat=True)) == ["主库企业"]
            assert [f.name for f in Firm.objects.select_for_update()] == ["主库企业"]


def test_the_dashboard_counts_on_the_replica(admin):
    make_firm(name="主库企业")
    only_on_replica("只读副本企业一", 900001)
    only_on_replica("只读副本企业二", 900002)
    answer = token_client(admin).get("/api/dashboard/")
    assert answer.status_code == 200
    by_district = {row["code"]: row["firms"] for row in answer.json()["districts"]}
    assert by_district.get("500112") == 2


def test_the_dashboard_page_export_counts_on_the_replica(admin):
    make_firm(name="主库企业")
    only_on_replica("只读副本企业一", 900001)
    only_on_replica("只读副本企业二", 900002)
    client = APIClient()
    client.force_login(admin)
    answer = client.get("/dashboard/export.csv")
    assert answer.status_code == 200
    rows = csv.reader(io.StringIO(answer.content.decode("utf-8-sig")))
    assert {row[0]: row[2] for row in rows if len(row) > 2}.get("500112") == "2"


def test_the_firm_portal_reads_the_primary(firm_user):
    """A firm's own pages: what the firm just saved, never a lagging copy (the replica has no such firm)."""
    only_on_replica("只读副本企业", 900001)
    client = APIClient()
    client.force_login(firm_user)
    page = client.get("/figures/")
    assert page.status_code == 200
    year = firm_user.firm.figures.order_by("-year").values_list("year", flat=True).first()
    assert str(year) in page.text


def test_the_admin_and_portal_pages_read_the_primary(admin):
    make_firm(name="主库企业")
    only_on_replica("只读副本企业", 900001)
    client = APIClient()
    client.force_login(admin)
    page = client.get("/admin/registry/firm/")
    assert page.status_code == 200
    assert "主库企业" in page.text and "只读副本企业" not in page.text


def test_a_replica_that_fails_is_stood_in_for_by_the_primary(admin, caplog):
    """The replica refuses every query (as a stopped or unreachable server does: ``OperationalError``):
    the list and the dashboard are answered from the primary, and the failure is logged."""
    make_firm(name="主库企业")
    only_on_replica("只读副本企业", 900001)
    client = token_client(admin)

    def refused(execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    with connections["replica"].execute_wrapper(refused):
        assert names(client.get("/api/firms/")) == {"主库企业"}
        dashboard = client.get("/api/dashboard/")
    assert dashboard.status_code == 200
    assert {row["code"]: row["firms"] for row in dashboard.json()["districts"]}.get("500112") == 1
    assert "the read replica failed a read" in caplog.text
    assert names(client.get("/api/firms/")) == {"只读副本企业"}  # back as soon as it answers


def test_every_api_list_may_read_the_replica():
    """A new resource's list gets the same routing as the others: each viewset of the API's router that
    lists takes ``ReplicaListMixin`` (which the tests above show reading the replica)."""
    from api.replica import ReplicaListMixin
    from api.urls import router

    listing = [(prefix, viewset) for prefix, viewset, _name in router.registry if hasattr(viewset, "list")]
    assert len(listing) >= 17
    assert [prefix for prefix, viewset in listing if not issubclass(viewset, ReplicaListMixin)] == []
