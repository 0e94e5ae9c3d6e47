"""gunicorn settings: ``gunicorn -c config/gunicorn.conf.py config.wsgi``, behind nginx.

Sync workers: the API's requests are short and CPU-bound (Python and a PostgreSQL round trip), so one request
per process and one process per core is the cheapest way to serve them. A sync worker is also held for as long
as its client takes to send a request or read the answer, so a handful of slow clients (one header line every
few seconds) can occupy every worker: gunicorn must never face the internet directly. nginx
(``deploy/nginx/tiermark.conf``) reads whole requests and buffers whole answers, and hands gunicorn only
complete requests over loopback; the reasons for each value are in docs/OPERATIONS.md. Every value can be
overridden from the environment (gunicorn itself also reads ``GUNICORN_CMD_ARGS``).
"""

import os

# Loopback only: nothing but nginx on this host can reach the workers.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# Import Django once in the master: workers fork with the app loaded (faster start, shared memory).
preload_app = True
# A worker silent for this long is killed and replaced (the admin's large imports are the slowest requests);
# nginx's proxy_read_timeout is a little longer, so it is gunicorn that decides.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On a restart (SIGHUP, deploy) a worker finishes the request in hand for up to this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Replace each worker after about this many requests, so a slow leak can never grow without bound; the
# jitter keeps the workers from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Only nginx on this host may tell gunicorn a request came over HTTPS (Django reads X-Forwarded-Proto itself,
# when BEHIND_PROXY is set).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# The heartbeat file in memory: a worker on a slow or full disk is not mistaken for a hung one.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/dev/shm" if os.path.isdir("/dev/shm") else None)
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
