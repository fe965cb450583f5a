"""The Celery application: one app, one routing table, one beat schedule.

Run it with ``celery -A worker worker -Q ingest,analysis`` or ``marsad worker``.
"""

from __future__ import annotations

from celery import Celery

from worker.queues import TASK_ROUTES, Queue, TaskName
from worker.settings import get_settings


def create_app() -> Celery:
    settings = get_settings()
    app = Celery("marsad", broker=settings.broker_url, include=["tasks.ingest", "tasks.analysis"])
    app.conf.update(
        task_routes=TASK_ROUTES,
        task_default_queue=Queue.INGEST.value,
        # Reliability: a message is acknowledged only after the task finished, and is given
        # back to the broker if the worker process dies mid-task.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # JSON only: any producer, in any language, can push; nothing is unpickled.
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        # Events for Flower.
        worker_send_task_events=True,
        task_send_sent_event=True,
        task_track_started=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": 3600},
        timezone="UTC",
        enable_utc=True,
        beat_schedule={
            "schedule-due-feeds": {
                "task": TaskName.SCHEDULE_FEEDS.value,
                "schedule": settings.beat_feeds_every,
            },
            "sweep-stuck-documents": {
                "task": TaskName.SWEEP.value,
                "schedule": settings.sweep_every,
            },
        },
    )
    return app


app = create_app()
