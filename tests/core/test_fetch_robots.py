"""robots.txt: honoured, cached per site, lenient when missing or broken."""

from __future__ import annotations

import local_http
import pytest

from marsad.errors import FetchRefused, RobotsDisallowed
from marsad.fetch.client import fetch
from marsad.fetch.options import FetchOptions
from marsad.fetch.robots import MemoryRobotsCache, RobotsChecker, robots_url

Reply = local_http.Reply
OPTS = FetchOptions(allow_private_hosts=True, respect_robots=True)
PAGE = Reply(headers={"Content-Type": "text/html; charset=utf-8"}, body="<p>خبر</p>".encode())

ROBOTS = b"""User-agent: marsad
Disallow: /archive/

User-agent: *
Disallow: /
"""


@pytest.fixture
def server():
    with local_http.LocalHTTPServer() as srv:
        srv.route("/news/1", PAGE)
        srv.route("/archive/1", PAGE)
        yield srv


def test_disallowed_path_refused_and_robots_fetched_once(server):
    server.route("/robots.txt", Reply(headers={"Content-Type": "text/plain"}, body=ROBOTS))
    checker = RobotsChecker()
    assert fetch(server.url("/news/1"), OPTS, robots=checker).status == 200
    with pytest.raises(RobotsDisallowed) as info:
        fetch(server.url("/archive/1"), OPTS, robots=checker)
    assert isinstance(info.value, FetchRefused)
    assert info.value.code == "fetch_refused"
    assert server.requests_to("/archive/1") == []
    assert len(server.requests_to("/robots.txt")) == 1  # cached for the second URL
    assert server.requests_to("/robots.txt")[0].headers["user-agent"].startswith("marsad/")


def test_star_group_applies_when_no_marsad_group(server):
    server.route(
        "/robots.txt",
        Reply(headers={"Content-Type": "text/plain"}, body=b"User-agent: *\nDisallow: /news/\n"),
    )
    with pytest.raises(RobotsDisallowed):
        fetch(server.url("/news/1"), OPTS, robots=RobotsChecker())


def test_missing_robots_allows_everything(server):
    checker = RobotsChecker()
    assert fetch(server.url("/archive/1"), OPTS, robots=checker).status == 200
    policy = checker.policy(server.url("/x"), OPTS)
    assert policy.kind == "allow_all"
    assert len(server.requests_to("/robots.txt")) == 1


def test_unreachable_robots_allows_but_notes(server):
    server.route("/robots.txt", Reply(503))
    checker = RobotsChecker()
    assert fetch(server.url("/archive/1"), OPTS, robots=checker).status == 200
    policy = checker.policy(server.url("/x"), OPTS)
    assert policy.kind == "unreachable"
    assert "503" in policy.note


def test_cache_expires_after_ttl(server):
    server.route("/robots.txt", Reply(headers={"Content-Type": "text/plain"}, body=ROBOTS))
    now = [1000.0]
    checker = RobotsChecker(MemoryRobotsCache(clock=lambda: now[0]))
    opts = FetchOptions(allow_private_hosts=True, robots_ttl=60)
    checker.check(server.url("/news/1"), opts)
    now[0] += 59
    checker.check(server.url("/news/2"), opts)
    assert len(server.requests_to("/robots.txt")) == 1
    now[0] += 2
    checker.check(server.url("/news/3"), opts)
    assert len(server.requests_to("/robots.txt")) == 2


def test_default_checker_is_used_when_none_given(server):
    server.route("/robots.txt", Reply(headers={"Content-Type": "text/plain"}, body=ROBOTS))
    with pytest.raises(RobotsDisallowed):
        fetch(server.url("/archive/1"), OPTS)
    assert len(server.requests_to("/robots.txt")) == 1


def test_respect_robots_false_skips_robots(server):
    server.route("/robots.txt", Reply(headers={"Content-Type": "text/plain"}, body=ROBOTS))
    opts = FetchOptions(allow_private_hosts=True, respect_robots=False)
    assert fetch(server.url("/archive/1"), opts).status == 200
    assert server.requests_to("/robots.txt") == []


def test_robots_url_is_per_origin():
    assert (
        robots_url("HTTPS://u:p@Www.Example.com:8443/a?c")
        == "https://www.example.com:8443/robots.txt"
    )
    assert robots_url("http://[::1]:80/x") == "http://[::1]:80/robots.txt"


def test_redirect_target_is_checked_against_robots(server):
    server.route("/robots.txt", Reply(headers={"Content-Type": "text/plain"}, body=ROBOTS))
    server.route("/go", Reply(302, headers={"Location": "/archive/1"}))
    with pytest.raises(RobotsDisallowed):
        fetch(server.url("/go"), OPTS, robots=RobotsChecker())
    assert len(server.requests_to("/go")) == 1
    assert server.requests_to("/archive/1") == []


def test_crawl_delay_exposed(server):
    server.route(
        "/robots.txt",
        Reply(
            headers={"Content-Type": "text/plain"},
            body=b"User-agent: marsad\nCrawl-delay: 5\nDisallow: /tmp/\n",
        ),
    )
    policy = RobotsChecker().check(server.url("/news/1"), OPTS)
    assert policy.crawl_delay(OPTS.user_agent) == 5.0
