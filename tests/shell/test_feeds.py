"""Feed polling and URL fetching through the shell, in-process on SQLite, against a real
local HTTP server: conditional GET, exactly-once items, and every bad response recorded."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from local_http import Reply
from news_site import article_html, rss
from sqlalchemy import func, select

from schemas.models import Article, Document, Feed
from worker import feeds, pipeline, repo
from worker.services import build_services
from worker.settings import Settings


def _services(url: str, **overrides: Any):  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {
        "database_url": url,
        "dedup_backend": "memory",
        "allow_private_hosts": True,
        "domain_min_interval": 0.0,
        "fetch_timeout": 5.0,
    }
    settings = dataclasses.replace(Settings(), **{**values, **overrides})
    return build_services(settings, embedded=True)


def _serve_site(server: Any, items: list[int], etag: str = '"v1"') -> None:
    body = rss(server.base_url, items).encode()

    def feed(record: Any) -> Reply:
        if record.headers.get("if-none-match") == etag:
            return Reply(304, headers={"ETag": etag})
        return Reply(
            200,
            headers={
                "Content-Type": "application/rss+xml",
                "ETag": etag,
                "Last-Modified": "Fri, 14 Jun 2024 09:00:00 GMT",
            },
            body=body,
        )

    server.route("/feed.xml", feed)
    server.route(
        "/robots.txt",
        Reply(
            200,
            headers={"Content-Type": "text/plain"},
            body=b"User-agent: *\nDisallow: /private/\n",
        ),
    )
    for i in items:
        server.route(
            f"/news/{i}.html",
            Reply(
                200,
                headers={"Content-Type": "text/html; charset=utf-8"},
                body=article_html(i).encode(),
            ),
        )


def test_feed_poll_ingests_each_item_once_and_sends_conditional_headers(
    sqlite_url: str, http_server: Any
) -> None:
    _serve_site(http_server, [0, 1, 2])
    services = _services(sqlite_url)
    ids, problem = feeds.poll_feed_inline(services, http_server.url("/feed.xml"))
    assert problem is None and len(ids) == 3
    with services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Article)) == 3
        feed = s.scalar(select(Feed))
        assert feed.etag == '"v1"' and feed.last_status == 200 and feed.items_seen == 3
        docs = s.scalars(select(Document)).all()
        assert all(d.feed_id == feed.id and d.published_hint == dt.date(2024, 6, 14) for d in docs)
        assert all("utm_source" not in d.canonical_url for d in docs)

    ids2, problem2 = feeds.poll_feed_inline(services, http_server.url("/feed.xml"))
    assert ids2 == [] and problem2 is None
    feed_requests = http_server.requests_to("/feed.xml")
    assert len(feed_requests) == 2
    assert feed_requests[1].headers.get("if-none-match") == '"v1"'
    assert "if-modified-since" in feed_requests[1].headers
    for i in range(3):
        assert len(http_server.requests_to(f"/news/{i}.html")) == 1
    with services.sessions() as s:
        assert s.scalar(select(Feed.last_status)) == 304


def test_429_with_retry_after_backs_off_and_is_recorded(sqlite_url: str, http_server: Any) -> None:
    http_server.route("/feed.xml", Reply(429, headers={"Retry-After": "600"}, body=b"slow down"))
    services = _services(sqlite_url)
    before = dt.datetime.now(dt.UTC)
    ids, problem = feeds.poll_feed_inline(services, http_server.url("/feed.xml"))
    assert ids == [] and problem and problem.startswith("fetch_unavailable")
    with services.sessions() as s:
        feed = s.scalar(select(Feed))
        assert feed.consecutive_failures == 1 and feed.last_error_code == "fetch_unavailable"
        next_poll = (
            feed.next_poll_at.replace(tzinfo=dt.UTC)
            if feed.next_poll_at.tzinfo is None
            else feed.next_poll_at
        )
        assert next_poll >= before + dt.timedelta(seconds=590)


def test_malformed_feed_is_recorded_and_feed_disabled_after_repeated_failures(
    sqlite_url: str, http_server: Any
) -> None:
    http_server.route(
        "/feed.xml",
        Reply(
            200,
            headers={"Content-Type": "application/rss+xml"},
            body=b"<rss><channel><item><title>x</titl",
        ),
    )
    services = _services(sqlite_url, feed_max_failures=2)
    url = http_server.url("/feed.xml")
    _, problem = feeds.poll_feed_inline(services, url)
    assert problem and problem.startswith("feed_malformed")
    with services.sessions() as s:
        feed_id = s.scalar(select(Feed.id))
    feeds.poll(services, feed_id, embedded=True)
    with services.sessions() as s:
        feed = s.get(Feed, feed_id)
        assert feed.disabled and feed.consecutive_failures == 2
        assert s.scalar(select(func.count()).select_from(Document)) == 0
    assert feeds.poll(services, feed_id, embedded=True) == []  # disabled feeds are not polled


def _fetch_one(services: Any, url: str) -> Document:
    doc_id, _, step = pipeline.intake(services, repo.Intake(kind="url", url=url))
    step = pipeline.fetch(services, doc_id, retry_transient=False)
    if step == "analyse":
        pipeline.process(services, doc_id)
    with services.sessions() as s:
        return s.get(Document, doc_id)


def test_windows_1256_page_without_charset_is_decoded(sqlite_url: str, http_server: Any) -> None:
    http_server.route(
        "/old.html",
        Reply(
            200,
            headers={"Content-Type": "text/html"},
            body=article_html(3, declare=False).encode("cp1256"),
        ),
    )
    services = _services(sqlite_url)
    doc = _fetch_one(services, http_server.url("/old.html"))
    assert doc.outcome == "ok", doc.error_message
    with services.sessions() as s:
        assert "عاصفة رملية" in s.get(Article, doc.id).title


@pytest.mark.parametrize(
    ("path", "reply", "code"),
    [
        (
            "/big.html",
            Reply(200, headers={"Content-Type": "text/html"}, body=b"<p>" + b"x" * 70_000),
            "too_large",
        ),
        ("/gone.html", Reply(404, body=b"no"), "fetch_failed"),
        (
            "/image.png",
            Reply(200, headers={"Content-Type": "image/png"}, body=b"\x89PNG...."),
            "unsupported_content",
        ),
        (
            "/slow.html",
            Reply(200, headers={"Content-Type": "text/html"}, body=b"<p>x</p>", delay=8),
            "fetch_timeout",
        ),
        (
            "/private/secret.html",
            Reply(200, headers={"Content-Type": "text/html"}, body=b"<p>x</p>"),
            "fetch_refused",
        ),
    ],
)
def test_bad_responses_are_recorded_on_the_document(
    sqlite_url: str, http_server: Any, path: str, reply: Reply, code: str
) -> None:
    http_server.route(
        "/robots.txt",
        Reply(
            200,
            headers={"Content-Type": "text/plain"},
            body=b"User-agent: *\nDisallow: /private/\n",
        ),
    )
    http_server.route(path, reply)
    services = _services(sqlite_url, fetch_max_bytes=64_000, fetch_timeout=3.0)
    doc = _fetch_one(services, http_server.url(path))
    assert doc.status == "failed" and doc.outcome == code, doc.error_message
    assert doc.error_message


def test_private_addresses_are_refused_by_default(sqlite_url: str, http_server: Any) -> None:
    http_server.route(
        "/a.html", Reply(200, headers={"Content-Type": "text/html"}, body=article_html(1).encode())
    )
    settings = dataclasses.replace(Settings(), database_url=sqlite_url, dedup_backend="memory")
    assert settings.allow_private_hosts is False
    services = build_services(settings, embedded=True)
    doc = _fetch_one(services, http_server.url("/a.html"))
    assert doc.outcome == "fetch_refused"
    assert http_server.requests_to("/a.html") == []


def test_dead_url_is_recorded(sqlite_url: str) -> None:
    services = _services(sqlite_url, fetch_timeout=2.0)
    url = "http://127.0.0.1:9/nothing-listens-here.html"
    doc = _fetch_one(services, url)
    assert doc.status == "failed" and doc.outcome == "fetch_unavailable"
    # Asked again later, a transient failure gets another chance (same row, no duplicate).
    assert pipeline.intake(services, repo.Intake(kind="url", url=url)) == (doc.id, False, "fetch")


def test_permanent_failure_is_not_retried_on_reingest(sqlite_url: str, http_server: Any) -> None:
    http_server.route("/gone.html", Reply(404, body=b"no"))
    services = _services(sqlite_url)
    url = http_server.url("/gone.html")
    doc = _fetch_one(services, url)
    assert doc.outcome == "fetch_failed"
    assert pipeline.intake(services, repo.Intake(kind="url", url=url)) == (doc.id, False, None)
    assert len(http_server.requests_to("/gone.html")) == 1


def test_feeds_file_import(tmp_path: Path) -> None:
    toml = tmp_path / "feeds.toml"
    toml.write_text(
        '[[feeds]]\nurl = "https://example.com/rss"\nname = "مثال"\ninterval = 600\n',
        encoding="utf-8",
    )
    yml = tmp_path / "feeds.yaml"
    yml.write_text(
        "feeds:\n  - https://example.org/feed\n  - {url: 'https://example.net/a', interval: 120}\n"
    )
    assert feeds.load_feeds_file(toml) == [
        {"url": "https://example.com/rss", "name": "مثال", "interval": 600}
    ]
    assert [e["url"] for e in feeds.load_feeds_file(yml)] == [
        "https://example.org/feed",
        "https://example.net/a",
    ]
    bad = tmp_path / "bad.yaml"
    bad.write_text("feeds: 3\n")
    with pytest.raises(feeds.FeedError):
        feeds.load_feeds_file(bad)
