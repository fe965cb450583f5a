"""A site's robots.txt Crawl-delay widens the per-domain interval (capped)."""

from __future__ import annotations

import itertools

import local_http

from marsad.fetch.client import fetch
from marsad.fetch.options import FetchOptions
from marsad.fetch.politeness import MAX_CRAWL_DELAY, LocalDomainLimiter, _interval
from marsad.fetch.robots import MemoryRobotsCache, RobotsChecker

PAGE = local_http.Reply(
    headers={"Content-Type": "text/html; charset=utf-8"}, body="<p>خبر</p>".encode()
)


def test_crawl_delay_spaces_requests_to_the_site() -> None:
    opts = FetchOptions(allow_private_hosts=True, respect_robots=True, domain_min_interval=0.0)
    limiter = LocalDomainLimiter(min_interval=0.0, max_concurrency=1)
    robots = RobotsChecker(MemoryRobotsCache())
    with local_http.LocalHTTPServer() as srv:
        srv.route(
            "/robots.txt",
            local_http.Reply(
                headers={"Content-Type": "text/plain"}, body=b"User-agent: *\nCrawl-delay: 1\n"
            ),
        )
        for i in range(3):
            srv.route(f"/a{i}.html", PAGE)
        for i in range(3):
            fetch(srv.url(f"/a{i}.html"), opts, limiter=limiter, robots=robots)
        starts = [r.start for r in srv.log if r.path.startswith("/a")]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) == 3
    assert min(gaps) >= 0.9, gaps


def test_requested_interval_never_shrinks_the_configured_one_and_is_capped() -> None:
    assert _interval(1.0, None) == 1.0
    assert _interval(1.0, 0.2) == 1.0
    assert _interval(1.0, 5.0) == 5.0
    assert _interval(1.0, 86400.0) == MAX_CRAWL_DELAY
