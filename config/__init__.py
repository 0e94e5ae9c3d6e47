"""The Django project: settings, top-level URLs, the Celery app, WSGI, gunicorn configuration, middleware and
error pages. It sits above the apps (api, cultivation, registry), which never import it.

The Celery app is loaded with the project so that ``@shared_task`` functions bind to it, and so that
``celery -A config`` finds it as ``config.celery_app``.
"""

from .celery import app as celery_app

__all__ = ("celery_app",)
