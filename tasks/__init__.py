"""Celery task modules, one per queue: ``ingest`` and ``analysis``. Each task is thin:
load by id, call ``worker.pipeline``, enqueue the next step by id."""
