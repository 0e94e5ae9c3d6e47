"""The test suite's settings: ``config.settings`` in its development profile, asked for explicitly.

``config.settings`` fails closed: without ``DJANGO_DEBUG`` it is production (HTTPS redirect, secure
cookies, HSTS, no hosts allowed, ``SECRET_KEY`` required), which the test client and the browser tests'
plain-HTTP live server cannot use. The suite therefore sets ``DJANGO_DEBUG=true`` unless the environment
already says otherwise, before the settings load. pytest-django still runs every test with ``DEBUG``
off (no tracebacks in answers), and the processes tests start (Celery workers, gunicorn) inherit the
variable; the tests that check production settings (``tests/security/test_deploy_settings.py``,
``bench/load_mixed.py``) pass ``DJANGO_DEBUG=false`` themselves.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from config.settings import *  # noqa: F403

# A second PostgreSQL database standing in for the read replica (tests/registry/test_read_replica.py):
# the same server, a test database of its own, which pytest-django creates only when a collected test
# asks for the ``replica`` alias, so other runs neither create nor build it. ``READ_REPLICA`` stays off:
# every other test reads the primary, as a deployment without DATABASE_REPLICA_URL does; the replica tests
# switch it on.
READ_REPLICA = None
DATABASES.pop("replica", None)  # noqa: F405  (a DATABASE_REPLICA_URL in the environment is not for tests)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    _primary = DATABASES["default"]  # noqa: F405
    DATABASES["replica"] = {  # noqa: F405
        **_primary,
        # Tables made from the models, not by replaying every migration: seconds instead of a quarter
        # of a minute; the tests copy in the reference data a real replica would have.
        "TEST": {"NAME": f"test_{_primary['NAME']}_replica", "MIGRATE": False},
    }
