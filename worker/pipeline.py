"""The topology of marsad, in one place: fetch -> extract -> dedup -> analyse -> persist.

Both the Celery tasks (one step per task, ids in messages) and the embedded ``marsad ingest``
(all steps in-process) run exactly these functions, so the two modes cannot drift apart.

    intake()  -- ingest queue: store the raw input first, return what comes next
    fetch()   -- ingest queue: URL -> raw bytes (polite, guarded)          [kind == "url"]
    process() -- analysis queue: extract -> dedup -> analyse -> persist, idempotent

Every step records failures on the document (error code + message) and returns; only
transient errors propagate, so the task wrapper can retry them with backoff.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Literal

from marsad import analyse as core
from marsad.errors import InternalError, MarsadError, TransientError, retryable_codes
from marsad.records import Extracted
from schemas.messages import ArticlePayload
from schemas.models import DocStatus, Document
from worker import repo
from worker.services import Services
from worker.store import unavailable

log = logging.getLogger(__name__)

Next = Literal["fetch", "analyse"] | None


STEP_FOR_STATUS: dict[str, Next] = {DocStatus.QUEUED: "fetch", DocStatus.PENDING: "analyse"}


def next_step(doc: Document) -> Next:
    """What a document needs next, from its status alone (so any process can resume it)."""
    return STEP_FOR_STATUS.get(doc.status)


def intake(services: Services, item: repo.Intake) -> tuple[int, bool, Next]:
    """Store the raw input (idempotent by URL or content hash); returns (doc id, created, next).

    A known document that failed for a transient reason (timeout, server down, a bug) is
    given another chance; one that failed permanently or succeeded is left as it is.
    """
    canonical = canonical_url(item.url) if item.url else None
    with services.sessions() as session:
        doc, created = repo.record_document(session, item, canonical)
        if not created and doc.status == DocStatus.FAILED and doc.outcome in RETRYABLE_OUTCOMES:
            has_content = doc.raw_bytes is not None or doc.raw_text is not None
            doc.status = DocStatus.PENDING if has_content else DocStatus.QUEUED
            doc.outcome = None
            session.commit()
        return doc.id, created, next_step(doc)


RETRYABLE_OUTCOMES = retryable_codes()


def canonical_url(url: str) -> str:
    from marsad.fetch.urls import canonicalize_url

    return canonicalize_url(url)


def fetch(services: Services, doc_id: int, *, retry_transient: bool = True) -> Next:
    """Fetch a queued URL document and store its bytes; failures are recorded on the row.

    Transient failures propagate for the task wrapper to retry; with ``retry_transient``
    False (embedded mode, where nobody retries) they are recorded like permanent ones.
    """
    from worker.fetching import fetch_document

    with services.sessions() as session:
        doc = session.get(Document, doc_id)
        if doc is None or doc.status != DocStatus.QUEUED:
            return next_step(doc) if doc else None
        try:
            fetch_document(services, doc)
            session.add(doc)
            session.commit()
        except TransientError as exc:
            session.rollback()
            if retry_transient:
                raise
            repo.mark_failed(session, doc, exc)
        except Exception as exc:
            session.rollback()
            err = _as_marsad_error(exc)
            if isinstance(err, TransientError) and retry_transient:
                raise err from exc
            repo.mark_failed(session, doc, err)
        return next_step(doc)


def process(services: Services, doc_id: int) -> str:
    """extract -> dedup -> analyse -> persist one document; returns its outcome label."""
    with services.sessions() as session:
        doc = session.get(Document, doc_id)
        if doc is None:
            return "missing"
        if doc.status in (DocStatus.DONE, DocStatus.FAILED):
            return doc.outcome or doc.status  # redelivery: already done
        if doc.status == DocStatus.QUEUED:
            return "not_fetched"
        doc.attempts += 1
        session.commit()
        try:
            extracted = core.extract(raw_of(doc), services.extract_options)
            key = core.title_key(extracted)
            assignment = services.dedup.assign(
                str(doc.id), extracted.title, extracted.sitename, when=story_time(extracted, doc)
            )
            analysis = core.analyse(extracted, services.recognizer(), key=key)
            blob = services.dedup.entry(str(doc.id)) if services.dedup_mode == "memory" else None
            saved = repo.save_analysis(
                session,
                doc,
                analysis,
                cluster_id=int(assignment.cluster_id),
                is_duplicate=not assignment.is_new,
                dedup_blob=blob,
                entity_keys=entity_keys,
            )
            if not saved:
                session.refresh(doc)
            return doc.outcome or "ok"
        except TransientError:
            session.rollback()
            raise
        except Exception as exc:
            session.rollback()
            err = _as_marsad_error(exc)
            if isinstance(err, TransientError):
                raise err from exc  # e.g. the store or Redis went away: retry, don't fail
            repo.mark_failed(session, doc, err)
            return err.code


def story_time(extracted: Extracted, doc: Document) -> float:
    """When the story ran, for the dedup window: its publication date, else when we got it."""
    if extracted.published_at is not None:
        day = extracted.published_at
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()
    received = doc.received_at
    if received.tzinfo is None:  # SQLite returns naive UTC datetimes
        received = received.replace(tzinfo=dt.UTC)
    return received.timestamp()


def entity_keys(name: str, type_: str) -> tuple[str, list[str]]:
    """The stored key of an entity and the keys `marsad articles --entity` can find it by."""
    from marsad.ner.canonical import canonical_key, index_keys

    return canonical_key(name, type_), index_keys(name, type_)


def raw_of(doc: Document) -> core.RawDocument:
    content: bytes | str = doc.raw_bytes if doc.raw_bytes is not None else (doc.raw_text or "")
    kind = "html" if doc.kind in ("html", "url") else "text"
    return core.RawDocument(
        kind=kind,
        content=content,
        url=doc.url,
        declared_charset=doc.declared_charset,
        published_hint=doc.published_hint,
        title_hint=doc.title_hint,
    )


def _as_marsad_error(exc: BaseException) -> MarsadError:
    if isinstance(exc, MarsadError):
        return exc
    lost = unavailable(exc)
    if lost is not None:
        return lost
    log.exception("unexpected error while processing a document")
    return InternalError(f"{type(exc).__name__}: {exc}")


def record_gave_up(doc_id: int, exc: MarsadError) -> None:
    """Retries ran out on a transient error: the document is failed with that error's code."""
    from worker.services import worker_services

    services = worker_services()
    with services.sessions() as session:
        doc = session.get(Document, doc_id)
        if doc is not None and doc.status in DocStatus.NON_FINAL:
            repo.mark_failed(session, doc, exc)


def intake_from_payload(payload: ArticlePayload) -> repo.Intake:
    """Map a validated broker payload onto the intake record."""
    content = payload.html if payload.html is not None else payload.text
    return repo.Intake(
        kind=payload.kind,
        content=content,
        url=payload.url,
        source=payload.source,
        published_hint=payload.published_at,
        title_hint=payload.title,
    )
