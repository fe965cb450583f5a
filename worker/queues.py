"""Queue names and routing: the one place that says which task runs where.

``ingest`` does network and intake work (receive, fetch, feed polling, sweeping);
``analysis`` does CPU work (extract, dedup, entities, persistence). Routing is by task
name prefix, so a task's name alone decides its queue. docker-compose.yml uses the same
names in its ``-Q`` flags.
"""

from __future__ import annotations

from enum import StrEnum


class Queue(StrEnum):
    INGEST = "ingest"
    ANALYSIS = "analysis"


class TaskName(StrEnum):
    """Every task's explicit name; the prefix before the last dot is its queue."""

    RECEIVE = "marsad.ingest.receive"
    FETCH = "marsad.ingest.fetch"
    POLL_FEED = "marsad.ingest.poll_feed"
    SCHEDULE_FEEDS = "marsad.ingest.schedule_feeds"
    SWEEP = "marsad.ingest.sweep"
    ANALYSE = "marsad.analysis.analyse"


TASK_ROUTES: dict[str, dict[str, str]] = {
    "marsad.ingest.*": {"queue": Queue.INGEST.value},
    "marsad.analysis.*": {"queue": Queue.ANALYSIS.value},
}


def queue_of(task_name: str) -> Queue:
    """The queue a task name routes to (used by tests and `marsad submit`)."""
    for pattern, route in TASK_ROUTES.items():
        if task_name.startswith(pattern.rstrip("*")):
            return Queue(route["queue"])
    raise KeyError(f"no route for task {task_name!r}")
