"""gunicorn settings: ``gunicorn -c registry/gunicorn.conf.py registry.wsgi``.

Sync workers: the API's requests are short and CPU-bound (Python and a PostgreSQL round trip), so one request
per process and one process per core is the cheapest way to serve them. Every value can be overridden from the
environment (gunicorn itself also reads ``GUNICORN_CMD_ARGS``).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# Import Django once in the master: workers fork with the app loaded (faster start, shared memory).
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
