"""marsad core: pure functions for Arabic news text, deduplication and extraction.

Nothing in this package imports Celery or SQLAlchemy or reads the environment:
the shell (``worker``, ``tasks``) loads state, calls these functions, and saves
what they return.
"""

__version__ = "0.1.0"
