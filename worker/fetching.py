"""Shell side of fetching: builds the core's options, client and limiter from settings.

Workers share one per-domain limiter through Redis (so ten workers on five machines still
hit an outlet at the configured rate); the embedded mode uses an in-process limiter.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

import httpx

from marsad.fetch import FetchOptions, FetchResult, canonical_from_html, canonicalize_url, fetch
from marsad.fetch.politeness import LocalDomainLimiter, RedisDomainLimiter
from marsad.fetch.transport import make_client
from schemas.models import DocStatus, Document
from worker.settings import Settings

_lock = threading.Lock()


def fetch_options(settings: Settings) -> FetchOptions:
    return FetchOptions(
        user_agent=settings.user_agent,
        total_deadline=settings.fetch_timeout,
        max_bytes=settings.fetch_max_bytes,
        allow_private_hosts=settings.allow_private_hosts,
        domain_min_interval=settings.domain_min_interval,
        domain_max_concurrency=settings.domain_max_concurrency,
        max_items_per_feed=settings.feed_max_items,
    )


@lru_cache(maxsize=4)
def _client(options: FetchOptions) -> httpx.Client:
    """One pooled HTTP client per process and options: connection reuse across fetches, and
    the address guard applied again when each connection opens (defeats DNS rebinding)."""
    return make_client(options)


@lru_cache(maxsize=4)
def _limiter(kind: str, url: str, min_interval: float, max_concurrency: int) -> Any:
    if kind == "redis":
        import redis

        return RedisDomainLimiter(redis.Redis.from_url(url), min_interval, max_concurrency)
    return LocalDomainLimiter(min_interval, max_concurrency)


def limiter_for(settings: Settings, *, embedded: bool) -> Any:
    shared = not embedded and settings.broker_url.startswith(("redis://", "rediss://"))
    kind = "redis" if shared else "local"
    return _limiter(
        kind,
        settings.broker_url if shared else "",
        settings.domain_min_interval,
        settings.domain_max_concurrency,
    )


def fetch_with_settings(
    settings: Settings,
    url: str,
    *,
    embedded: bool,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """One guarded, polite GET (raises the marsad error tree)."""
    options = fetch_options(settings)
    with _lock:
        client = _client(options)
    return fetch(
        url,
        options,
        etag=etag,
        last_modified=last_modified,
        client=client,
        limiter=limiter_for(settings, embedded=embedded),
    )


def fetch_url_once(settings: Settings, url: str) -> FetchResult:
    """For `marsad extract URL`: fetch without a store."""
    return fetch_with_settings(settings, url, embedded=True)


def fetch_document(services: Any, doc: Document) -> None:
    """Fill a queued URL document with the fetched bytes; it becomes pending analysis."""
    embedded = services.dedup_mode == "memory"
    result = fetch_with_settings(services.settings, doc.url, embedded=embedded)
    doc.raw_bytes = result.content
    doc.declared_charset = result.charset
    if result.content_type == "text/plain":
        doc.kind = "text"
    canonical = None
    if result.content_type in (None, "text/html", "application/xhtml+xml"):
        canonical = canonical_from_html(result.content, result.final_url)
    doc.canonical_url = canonical or canonicalize_url(result.final_url)
    doc.status = DocStatus.PENDING
