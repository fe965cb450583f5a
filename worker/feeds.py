"""Feeds: registration, the due-feed query, and one poll (conditional GET -> items -> intake).

A poll records every new item URL as a ``queued`` document before anything fetches it, so
an item found is never lost; the feed row keeps ETag/Last-Modified, failures and the next
poll time (exponential backoff honouring Retry-After; disabled after too many failures).
"""

from __future__ import annotations

import datetime as dt
import logging
import tomllib
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from marsad.errors import MarsadError, TransientError
from marsad.fetch import canonicalize_url, parse_feed
from marsad.fetch.backoff import next_poll_delay, should_disable
from schemas.models import Feed, utcnow
from worker import repo

log = logging.getLogger(__name__)


MIN_INTERVAL = 10  # seconds; the per-domain limiter still spaces requests to one outlet


class FeedError(ValueError):
    """A user error in feed management (bad URL, unknown feed, bad feeds file)."""


def add_feed(
    session: Session,
    url: str,
    *,
    name: str | None = None,
    interval: int | None = None,
    default_interval: int = 900,
) -> tuple[Feed, bool]:
    """Register a feed (idempotent by canonical URL); returns (feed, created)."""
    if not url.lower().startswith(("http://", "https://")):
        raise FeedError(f"feed URL must be http(s): {url}")
    if interval is not None and interval < MIN_INTERVAL:
        raise FeedError(f"interval must be at least {MIN_INTERVAL} seconds")
    canonical = canonicalize_url(url)
    feed = session.scalar(select(Feed).where(Feed.url == canonical))
    if feed is not None:
        changed = False
        if name and feed.name != name:
            feed.name, changed = name, True
        if interval and feed.interval_seconds != interval:
            feed.interval_seconds, changed = interval, True
        if changed:
            session.commit()
        return feed, False
    feed = Feed(
        url=canonical,
        name=name,
        interval_seconds=interval or default_interval,
        source_id=repo.get_or_create_source(session, name),
        next_poll_at=utcnow(),
    )
    session.add(feed)
    session.commit()
    return feed, True


def find_feed(session: Session, ref: str) -> Feed | None:
    if ref.isdigit():
        return session.get(Feed, int(ref))
    return session.scalar(select(Feed).where(Feed.url == canonicalize_url(ref)))


def remove_feed(session: Session, ref: str) -> Feed:
    feed = find_feed(session, ref)
    if feed is None:
        raise FeedError(f"no such feed: {ref}")
    from schemas.models import Document

    for doc in session.scalars(select(Document).where(Document.feed_id == feed.id)):
        doc.feed_id = None  # documents stay; only the subscription goes
    session.delete(feed)
    session.commit()
    return feed


def load_feeds_file(path: Path) -> list[dict[str, Any]]:
    """Read a TOML (``[[feeds]]`` tables) or YAML (``feeds:`` list) feeds file."""
    try:
        raw = path.read_text(encoding="utf-8")
        data = tomllib.loads(raw) if path.suffix.lower() == ".toml" else yaml.safe_load(raw)
    except (OSError, tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise FeedError(f"cannot read feeds file {path}: {exc}") from None
    entries = data.get("feeds") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise FeedError(f"{path}: expected a top-level 'feeds' list")
    out = []
    for i, entry in enumerate(entries):
        if isinstance(entry, str):
            entry = {"url": entry}
        if not isinstance(entry, dict) or "url" not in entry:
            raise FeedError(f"{path}: feed #{i + 1} has no url")
        out.append(
            {
                "url": str(entry["url"]),
                "name": entry.get("name"),
                "interval": int(entry["interval"]) if entry.get("interval") else None,
            }
        )
    return out


def claim_due_feeds(
    session: Session, now: dt.datetime | None = None, limit: int = 500
) -> list[int]:
    """Feeds whose next poll time has come; their next_poll_at is pushed forward at once so
    a second beat tick (or a second beat) does not enqueue the same poll twice."""
    now = now or utcnow()
    feeds = list(
        session.scalars(
            select(Feed)
            .where(Feed.disabled.is_(False), Feed.next_poll_at <= now)
            .order_by(Feed.next_poll_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    for feed in feeds:
        feed.next_poll_at = now + dt.timedelta(seconds=feed.interval_seconds)
    session.commit()
    return [f.id for f in feeds]


def poll(services: Any, feed_id: int, *, embedded: bool) -> list[tuple[int, str | None]]:
    """Poll one feed; returns (document id, next step) for every newly recorded item."""
    from worker.fetching import fetch_with_settings
    from worker.pipeline import intake

    settings = services.settings
    with services.sessions() as session:
        feed = session.get(Feed, feed_id)
        if feed is None or feed.disabled:
            return []
        url, etag, last_modified = feed.url, feed.etag, feed.last_modified
        source = feed.name or (feed.source.name if feed.source else None)
    now = utcnow()
    try:
        result = fetch_with_settings(
            settings, url, embedded=embedded, etag=etag, last_modified=last_modified
        )
        parsed = (
            None
            if result.not_modified
            else parse_feed(result.content, result.final_url, settings.feed_max_items)
        )
    except MarsadError as exc:
        _record_failure(services, feed_id, exc, now)
        if isinstance(exc, TransientError) and not embedded:
            log.warning("feed %s: %s", url, exc)
        return []
    new: list[tuple[int, str | None]] = []
    if parsed is not None:
        for item in parsed.items:
            doc_id, created, step = intake(
                services,
                repo.Intake(
                    kind="url",
                    url=item.url,
                    source=source,
                    feed_id=feed_id,
                    title_hint=item.title or None,
                    published_hint=item.published.date() if item.published else None,
                ),
            )
            if created:
                new.append((doc_id, step))
    with services.sessions() as session:
        feed = session.get(Feed, feed_id)
        if feed is not None:
            feed.last_status = result.status
            feed.last_polled_at = now
            feed.etag = result.etag or feed.etag
            feed.last_modified = result.last_modified or feed.last_modified
            feed.consecutive_failures = 0
            feed.last_error_code = None
            feed.last_error = (
                "; ".join(parsed.warnings)[:2000] if parsed and parsed.warnings else None
            )
            feed.items_seen += len(new)
            feed.next_poll_at = now + dt.timedelta(seconds=feed.interval_seconds)
            session.commit()
    return new


def _record_failure(services: Any, feed_id: int, exc: MarsadError, now: dt.datetime) -> None:
    with services.sessions() as session:
        feed = session.get(Feed, feed_id)
        if feed is None:
            return
        feed.consecutive_failures += 1
        feed.last_error_code = exc.code
        feed.last_error = str(exc)[:2000]
        feed.last_polled_at = now
        retry_after = getattr(exc, "retry_after", None)
        delay = next_poll_delay(feed.interval_seconds, feed.consecutive_failures, retry_after)
        feed.next_poll_at = now + dt.timedelta(seconds=delay)
        if should_disable(feed.consecutive_failures, services.settings.feed_max_failures):
            feed.disabled = True
            log.error(
                "feed %s disabled after %d consecutive failures: %s",
                feed.url,
                feed.consecutive_failures,
                exc,
            )
        session.commit()


def poll_feed_inline(services: Any, url: str) -> tuple[list[int], str | None]:
    """`marsad ingest --feed URL`: one poll, then fetch and analyse each new item in-process."""
    from worker import pipeline

    try:
        with services.sessions() as session:
            feed, _ = add_feed(
                session, url, default_interval=services.settings.feed_default_interval
            )
            feed_id = feed.id
    except FeedError as exc:
        return [], str(exc)
    new = poll(services, feed_id, embedded=True)
    with services.sessions() as session:
        feed = session.get(Feed, feed_id)
        problem = (
            f"{feed.last_error_code}: {feed.last_error}" if feed and feed.last_error_code else None
        )
    ids = []
    for doc_id, step in new:
        if step == "fetch":
            step = pipeline.fetch(services, doc_id, retry_transient=False)
        if step == "analyse":
            pipeline.process(services, doc_id)
        ids.append(doc_id)
    return ids, problem
