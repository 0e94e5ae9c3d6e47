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
