"""Tasks of the ``analysis`` queue: extract -> dedup -> analyse -> persist."""

from __future__ import annotations

from marsad.errors import TransientError
from tasks.base import MarsadTask
from worker.app import app
from worker.queues import TaskName


class AnalyseTask(MarsadTask):
    def on_give_up(self, exc: TransientError, args: tuple, kwargs: dict) -> None:
        from worker.pipeline import record_gave_up

        record_gave_up(args[0] if args else kwargs["doc_id"], exc)


@app.task(name=TaskName.ANALYSE.value, base=AnalyseTask, bind=False)
def analyse(doc_id: int) -> str:
    """Analyse one stored document by id; a redelivery of finished work is a no-op."""
    from worker import pipeline
    from worker.services import worker_services

    return pipeline.process(worker_services(), doc_id)
