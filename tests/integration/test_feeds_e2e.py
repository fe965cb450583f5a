"""Beat + workers against the local Redis and PostgreSQL, polling a real local outlet:
scheduled polls, exactly-once items, conditional GET, and per-domain politeness measured
at the server across two worker processes."""

from __future__ import annotations

import itertools
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from fleet import compose_command as _compose_command
from fleet import migrate as _migrate
from fleet import run_marsad as _run_marsad
from fleet import start as _start
from fleet import stop as _stop
from fleet import wait_for as _wait_for
from local_http import LocalHTTPServer, Reply
from news_site import article_html, rss
from sqlalchemy import create_engine, func, select

from schemas.models import Article

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def env(fleet_env: dict[str, str]) -> dict[str, str]:
    values = {
        **fleet_env,
        "MARSAD_ALLOW_PRIVATE_HOSTS": "1",  # the outlet is a local test server on 127.0.0.1
        "MARSAD_BEAT_FEEDS_EVERY": "1",
    }
    _migrate(values)
    return values


def _articles(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(Article)) or 0)
    finally:
        engine.dispose()


def _site(server: LocalHTTPServer, state: dict[str, Any]) -> None:
    def feed(record: Any) -> Reply:
        etag = f'"v{len(state["items"])}"'
        if record.headers.get("if-none-match") == etag:
            return Reply(304, headers={"ETag": etag})
        body = rss(server.base_url, state["items"]).encode()
        return Reply(200, headers={"Content-Type": "application/rss+xml", "ETag": etag}, body=body)

    server.route("/feed.xml", feed)
    server.route(
        "/robots.txt", Reply(200, headers={"Content-Type": "text/plain"}, body=b"User-agent: *\n")
    )
    for i in range(10):
        server.route(
            f"/news/{i}.html",
            Reply(
                200,
                headers={"Content-Type": "text/html; charset=utf-8"},
                body=article_html(i).encode(),
            ),
        )


def test_beat_polls_feed_on_schedule_exactly_once_with_conditional_get(
    env: dict[str, str], tmp_path: Path
) -> None:
    state: dict[str, Any] = {"items": [0, 1, 2]}
    logs = [tmp_path / "worker.log", tmp_path / "beat.log"]
    with LocalHTTPServer() as server:
        _site(server, state)
        add = _run_marsad(
            "feeds",
            "add",
            server.url("/feed.xml"),
            "--name",
            "صدى المدن",
            "--interval",
            "10",
            env=env,
        )
        assert add.returncode == 0, add.stderr
        procs = [
            _start(
                [
                    *_compose_command("worker-ingest")[:5],
                    "ingest,analysis",
                    "--loglevel",
                    "INFO",
                    "--hostname",
                    f"feeds-{uuid.uuid4().hex[:6]}@%h",
                ],
                env,
                logs[0],
            ),
            _start([*_compose_command("beat")[:-1], str(tmp_path / "beat-schedule")], env, logs[1]),
        ]
        try:
            db = env["MARSAD_DATABASE_URL"]
            _wait_for(lambda: _articles(db) == 3, 180, "3 articles from the feed", logs)
            # The next scheduled poll is conditional and answered 304.
            _wait_for(
                lambda: any(
                    r.headers.get("if-none-match") == '"v3"'
                    for r in server.requests_to("/feed.xml")
                ),
                60,
                "a conditional poll",
                logs,
            )
            # A new item appears: it is fetched once, the old ones are not fetched again.
            state["items"] = [0, 1, 2, 3]
            _wait_for(lambda: _articles(db) == 4, 120, "the 4th article", logs)
            time.sleep(3)
            assert _articles(db) == 4
            for i in range(4):
                assert len(server.requests_to(f"/news/{i}.html")) == 1, i
            assert any(
                r.headers.get("if-none-match") == '"v3"' for r in server.requests_to("/feed.xml")
            )
            assert all(p.poll() is None for p in procs)
        finally:
            for p in procs:
                _stop(p)


def test_per_domain_rate_limit_holds_across_two_worker_processes(
    env: dict[str, str], tmp_path: Path
) -> None:
    env = {**env, "MARSAD_DOMAIN_MIN_INTERVAL": "0.5", "MARSAD_DOMAIN_MAX_CONCURRENCY": "1"}
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    with LocalHTTPServer() as server:
        _site(server, {"items": []})
        procs = [
            _start(
                [
                    *_compose_command("worker-ingest")[:5],
                    "ingest,analysis",
                    "--loglevel",
                    "INFO",
                    "--concurrency",
                    "2",
                    "--hostname",
                    f"w{n}-{uuid.uuid4().hex[:6]}@%h",
                ],
                env,
                log,
            )
            for n, log in enumerate(logs)
        ]
        try:
            urls = [server.url(f"/news/{i}.html") for i in range(10)]
            sub = _run_marsad("submit", *urls, env=env)
            assert sub.returncode == 0, sub.stderr
            db = env["MARSAD_DATABASE_URL"]
            _wait_for(lambda: _articles(db) == 10, 180, "10 fetched articles", logs)
        finally:
            for p in procs:
                _stop(p)
        starts = sorted(r.start for r in server.log)
        gaps = [b - a for a, b in itertools.pairwise(starts)]
        assert len(starts) >= 11  # robots.txt + 10 pages
        assert min(gaps) >= 0.45, f"requests {min(gaps):.3f}s apart; limit is 0.5s"
        assert server.max_active == 1
        served_by = [p.read_text(errors="replace").count("marsad.ingest.fetch") for p in logs]
        assert all(n > 0 for n in served_by), f"both workers must fetch: {served_by}"
