"""The marsad shell: Celery app, settings, queue routing, store and CLI.

``celery -A worker ...`` finds the app through the ``app`` attribute below.
"""

from worker.app import app

__all__ = ["app"]
