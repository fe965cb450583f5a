"""Tasks of the ``ingest`` queue: receive pushed articles, fetch URLs, poll feeds, sweep."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from marsad.errors import InvalidPayload, TransientError
from tasks.base import MarsadTask
from worker.app import app
from worker.queues import TaskName

log = logging.getLogger(__name__)


def enqueue(next_step: str | None, doc_id: int) -> None:
    """Send the document's next step, by id, to the queue its task name routes to."""
    if next_step == "fetch":
        app.send_task(TaskName.FETCH.value, args=[doc_id])
    elif next_step == "analyse":
        app.send_task(TaskName.ANALYSE.value, args=[doc_id])


@app.task(name=TaskName.RECEIVE.value, base=MarsadTask)
def receive(payload: Any) -> int | None:
    """Validate a pushed article, store it raw, then enqueue its next step by id."""
    from schemas.messages import parse_payload
    from worker import pipeline, repo
    from worker.services import worker_services

    services = worker_services()
    try:
        item = pipeline.intake_from_payload(parse_payload(payload))
    except InvalidPayload as exc:
        with services.sessions() as session:
            doc = repo.record_rejected_payload(session, payload, exc)
        log.warning("rejected payload as document %s: %s", doc.id, exc)
        return None
    doc_id, _created, step = pipeline.intake(services, item)
    enqueue(step, doc_id)  # also re-sent for a known but unfinished document
    return doc_id


class FetchTask(MarsadTask):
    def on_give_up(self, exc: TransientError, args: tuple, kwargs: dict) -> None:
        from worker.pipeline import record_gave_up

        record_gave_up(args[0] if args else kwargs["doc_id"], exc)


@app.task(name=TaskName.FETCH.value, base=FetchTask)
def fetch(doc_id: int) -> None:
    """Fetch a recorded URL and hand the stored bytes to analysis."""
    from worker import pipeline
    from worker.services import worker_services

    enqueue(pipeline.fetch(worker_services(), doc_id), doc_id)


@app.task(name=TaskName.SWEEP.value, base=MarsadTask)
def sweep() -> int:
    """Re-enqueue documents stuck in a non-final state (e.g. messages lost in a broker restart)."""
    from worker import pipeline, repo
    from worker.services import worker_services

    services = worker_services()
    older = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=services.settings.sweep_stale_after)
    with services.sessions() as session:
        stuck = repo.claim_stuck_documents(session, older)
    for doc_id, status in stuck:
        enqueue(pipeline.STEP_FOR_STATUS[status], doc_id)
    if stuck:
        log.info("sweep re-enqueued %d stuck documents", len(stuck))
    return len(stuck)


@app.task(name=TaskName.SCHEDULE_FEEDS.value, base=MarsadTask)
def schedule_feeds() -> int:
    """Beat entry: enqueue one poll per feed that is due."""
    from worker.feeds import claim_due_feeds
    from worker.services import worker_services

    with worker_services().sessions() as session:
        due = claim_due_feeds(session)
    for feed_id in due:
        app.send_task(TaskName.POLL_FEED.value, args=[feed_id])
    return len(due)


@app.task(name=TaskName.POLL_FEED.value, base=MarsadTask)
def poll_feed(feed_id: int) -> int:
    """Poll one feed (conditional GET); every new item is recorded, then fetched by id."""
    from worker.feeds import poll
    from worker.services import worker_services

    new = poll(worker_services(), feed_id, embedded=False)
    for doc_id, step in new:
        enqueue(step, doc_id)
    return len(new)
