"""Every knob of the fetcher in one frozen value, passed as an argument (never read from env)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_USER_AGENT = "marsad/0.1 (+https://github.com/marsad-news/marsad; Arabic news monitor)"

HTML_TYPES: frozenset[str] = frozenset({"text/html", "application/xhtml+xml", "text/plain"})

FEED_TYPES: frozenset[str] = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/x-rss+xml",
    }
)

MiB = 1024 * 1024


@dataclass(frozen=True)
class FetchOptions:
    """How marsad talks to outlets. Defaults are safe for the public internet."""

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    # Wall-clock cap for one fetch() including every redirect hop and the body read,
    # so a server dripping one byte per second cannot hold a worker forever.
    total_deadline: float = 30.0
    max_bytes: int = 10 * MiB
    max_redirects: int = 5
    allow_private_hosts: bool = False
    allowed_content_types: frozenset[str] = HTML_TYPES | FEED_TYPES
    domain_min_interval: float = 1.0
    domain_max_concurrency: int = 2
    respect_robots: bool = True
    robots_ttl: float = 6 * 3600.0
    robots_max_bytes: int = 512 * 1024
    max_items_per_feed: int = 200
