"""Each dashboard test starts with nothing cached: cached figures are keyed by a data version that lives in
the cache (process memory, or Redis in CI), which a rolled-back test database does not reset."""

import pytest

from cultivation.dashboard_cache import bump_version


@pytest.fixture(autouse=True)
def fresh_dashboard_cache():
    bump_version()
    yield
