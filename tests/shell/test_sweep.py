"""The sweeper finds documents stuck in a non-final state, once per period."""

from __future__ import annotations

import dataclasses
import datetime as dt

from schemas.models import Document
from worker import pipeline, repo
from worker.services import build_services
from worker.settings import Settings


def test_stuck_documents_are_claimed_once_per_period(sqlite_url: str) -> None:
    services = build_services(
        dataclasses.replace(Settings(), database_url=sqlite_url), embedded=True
    )
    pending, _, _ = pipeline.intake(services, repo.Intake(kind="text", content="عنوان\nنص"))
    queued, _, _ = pipeline.intake(services, repo.Intake(kind="url", url="https://example.com/a"))
    fresh, _, _ = pipeline.intake(services, repo.Intake(kind="text", content="عنوان آخر\nنص"))
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    with services.sessions() as s:
        for doc_id in (pending, queued):
            s.get(Document, doc_id).updated_at = old
        s.commit()
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    with services.sessions() as s:
        claimed = repo.claim_stuck_documents(s, cutoff)
    assert sorted(claimed) == sorted([(pending, "pending"), (queued, "queued")])
    assert {pipeline.STEP_FOR_STATUS[status] for _, status in claimed} == {"analyse", "fetch"}
    with services.sessions() as s:
        assert repo.claim_stuck_documents(s, cutoff) == []  # touched: not re-sent at once
    assert fresh not in {doc_id for doc_id, _ in claimed}
