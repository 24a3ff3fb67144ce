"""The project: settings, root URLs, the Celery app and the WSGI entry point. It sits above every app; no app
imports it."""

from config.celery import app as celery_app

__all__ = ["celery_app"]
