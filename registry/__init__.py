"""The Django project package and the firm register (firms, figures, clusters, districts)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
