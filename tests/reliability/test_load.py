"""Under load: the short CI form of ``bench/load_mixed.py`` (8 clients, about 10 s, gunicorn with 2 workers).

Four firm users in the portal and four caseworkers on the API read, save figures, open applications and
move them along, each on a firm of its own; the server is a real gunicorn on the test database. No answer
may be a 5xx, every step of the scripted flows must succeed, and afterwards every write the clients were
told succeeded is in the database exactly once.
"""

from __future__ import annotations

import pytest

from bench import load_mixed

from .processes import current_database_url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CLIENTS, SECONDS = 8, 10


@pytest.fixture
def server(tmp_path):
    """gunicorn with production settings on a free 127.0.0.1 port; stopped whatever the test does."""
    env = load_mixed.server_env(current_database_url(), static_root=tmp_path / "static")
    process, base_url = load_mixed.start_server(env, workers=2)
    yield base_url
    load_mixed.stop_server(process)


def test_mixed_portal_and_api_traffic_gives_no_5xx_and_loses_no_write(server):
    accounts = load_mixed.prepare(CLIENTS)
    tally = load_mixed.run_load(server, accounts, CLIENTS, SECONDS)
    firm_ids = [account["firm_id"] for account in accounts["portal"] + accounts["api"]]
    stored = load_mixed.verify(load_mixed.tally_json(tally), firm_ids)
    print(load_mixed.summary(tally, SECONDS) | {"database": stored})

    assert tally.statuses["5xx"] == 0
    assert tally.unexpected == []
    assert stored["applications_acknowledged"] > 0
    assert stored["transitions_acknowledged"] > stored["applications_acknowledged"]
    assert stored["figure_saves_acknowledged"] > 0
    assert stored["applications_lost"] == stored["applications_unacknowledged"] == []
    assert stored["transitions_lost"] == stored["transitions_doubled"] == []
    assert stored["transitions_stored"] == stored["transitions_acknowledged"]
    assert stored["figures_wrong"] == []
