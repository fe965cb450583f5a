"""The one task wrapper: logging, timing and the retry decision, so no task repeats them.

Transient errors (marsad.errors.TransientError) are retried with exponential backoff,
honouring a server's Retry-After; everything else was already recorded on the document by
the pipeline, so the task returns normally and the worker moves on.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import Task

from marsad.errors import TransientError
from worker.settings import get_settings
from worker.store import unavailable

log = logging.getLogger("marsad.tasks")

BACKOFF_BASE = 5.0
BACKOFF_CAP = 600.0


def backoff_seconds(retries: int, retry_after: float | None) -> float:
    """Delay before retry ``retries + 1``: Retry-After if given, else 5 s doubling to 10 min."""
    if retry_after is not None and retry_after > 0:
        return min(retry_after, BACKOFF_CAP * 6)
    return min(BACKOFF_BASE * (2**retries), BACKOFF_CAP)


class MarsadTask(Task):
    """Base class of every marsad task."""

    abstract = True
    acks_late = True
    reject_on_worker_lost = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            try:
                result = self.run(*args, **kwargs)
            except Exception as exc:
                lost = unavailable(exc)  # database/Redis connection lost outside the pipeline
                if lost is None:
                    raise
                raise lost from exc
        except TransientError as exc:
            retries = self.request.retries or 0
            max_retries = get_settings().task_max_retries
            if retries >= max_retries:
                log.error("%s gave up after %d retries: [%s] %s", self.name, retries, exc.code, exc)
                self.on_give_up(exc, args, kwargs)
                return None
            delay = backoff_seconds(retries, exc.retry_after)
            log.warning(
                "%s transient [%s] %s; retry %d in %.0fs",
                self.name,
                exc.code,
                exc,
                retries + 1,
                delay,
            )
            raise self.retry(exc=exc, countdown=delay, max_retries=max_retries) from exc
        finally:
            log.info("%s finished in %.3fs", self.name, time.perf_counter() - started)
        return result

    def on_give_up(
        self, exc: TransientError, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        """Hook for tasks that must record a final failure when retries run out."""
