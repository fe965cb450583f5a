"""robots.txt: asked once per site and cached, fetched through the same guarded client.

Semantics follow RFC 9309 where it matters to a news monitor: a missing robots.txt
(4xx) allows everything; an unreachable one (5xx, timeout) is treated as allow but the
outcome is noted and cached only briefly so a recovering site's rules apply soon.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from marsad.errors import (
    FetchFailed,
    FetchRefused,
    MarsadError,
    RobotsDisallowed,
    TransientError,
    UnsupportedContent,
)
from marsad.fetch.options import FetchOptions

if TYPE_CHECKING:
    from marsad.fetch.guard import Resolver
    from marsad.fetch.politeness import DomainLimiter

log = logging.getLogger(__name__)

UNREACHABLE_TTL = 600.0


@dataclasses.dataclass(frozen=True)
class RobotsPolicy:
    """The cacheable outcome for one site: ``kind`` is ``rules``, ``allow_all`` or
    ``unreachable``; ``text`` is the robots.txt body for ``rules``; ``note`` says why."""

    kind: str
    text: str = ""
    note: str = ""

    def allows(self, url: str, user_agent: str) -> bool:
        if self.kind != "rules":
            return True
        return _parsed(self.text).can_fetch(user_agent, url)

    def crawl_delay(self, user_agent: str) -> float | None:
        """The site's Crawl-delay for marsad, for the shell to widen the domain interval."""
        if self.kind != "rules":
            return None
        delay = _parsed(self.text).crawl_delay(user_agent)
        return float(delay) if delay is not None else None


@functools.lru_cache(maxsize=512)
def _parsed(text: str) -> RobotFileParser:
    """Parsing once per distinct robots.txt: a feed poll checks dozens of URLs per site.
    The parser is only read after this, so sharing it between threads is safe."""
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return parser


class RobotsCache(Protocol):
    """Injectable store (in-memory here; the shell may back it with Redis)."""

    def get(self, key: str) -> RobotsPolicy | None: ...

    def set(self, key: str, policy: RobotsPolicy, ttl: float) -> None: ...


class MemoryRobotsCache:
    """Thread-safe dict with per-entry expiry; ``clock`` is injectable for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._data: dict[str, tuple[float, RobotsPolicy]] = {}

    def get(self, key: str) -> RobotsPolicy | None:
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return None
            expires, policy = entry
            if self._clock() >= expires:
                del self._data[key]
                return None
            return policy

    def set(self, key: str, policy: RobotsPolicy, ttl: float) -> None:
        with self._lock:
            self._data[key] = (self._clock() + ttl, policy)


def robots_url(url: str) -> str:
    """robots.txt lives at the origin: scheme + host + port."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme.lower()}://{host}{port}/robots.txt"


class RobotsChecker:
    """Answers "may marsad fetch this URL?" and remembers each site's answer."""

    def __init__(self, cache: RobotsCache | None = None) -> None:
        self.cache: RobotsCache = cache if cache is not None else MemoryRobotsCache()

    def policy(
        self,
        url: str,
        options: FetchOptions,
        *,
        client: httpx.Client | None = None,
        limiter: DomainLimiter | None = None,
        resolver: Resolver | None = None,
    ) -> RobotsPolicy:
        key = robots_url(url)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        policy = self._download(key, options, client, limiter, resolver)
        ttl = options.robots_ttl if policy.kind != "unreachable" else UNREACHABLE_TTL
        self.cache.set(key, policy, ttl)
        return policy

    def _download(
        self,
        key: str,
        options: FetchOptions,
        client: httpx.Client | None,
        limiter: DomainLimiter | None,
        resolver: Resolver | None,
    ) -> RobotsPolicy:
        from marsad.fetch.client import fetch

        robots_options = dataclasses.replace(
            options,
            respect_robots=False,
            max_bytes=options.robots_max_bytes,
            allowed_content_types=frozenset({"text/plain", "text/html"}),
        )
        try:
            result = fetch(key, robots_options, client=client, limiter=limiter, resolver=resolver)
        except FetchRefused:
            raise  # the guard said no: the page itself would be refused too
        except (FetchFailed, UnsupportedContent) as exc:
            return RobotsPolicy("allow_all", note=f"no usable robots.txt: {exc}")
        except TransientError as exc:
            log.warning("robots.txt unreachable, allowing: %s", exc)
            return RobotsPolicy("unreachable", note=str(exc))
        except MarsadError as exc:  # e.g. too large: RFC 9309 says parse what you can
            return RobotsPolicy("allow_all", note=f"robots.txt unusable: {exc}")
        text = result.content.decode("utf-8", errors="replace")
        return RobotsPolicy("rules", text=text, note=f"HTTP {result.status}")

    def check(
        self,
        url: str,
        options: FetchOptions,
        *,
        client: httpx.Client | None = None,
        limiter: DomainLimiter | None = None,
        resolver: Resolver | None = None,
    ) -> RobotsPolicy:
        """Return the site's policy, or raise RobotsDisallowed for this URL."""
        policy = self.policy(url, options, client=client, limiter=limiter, resolver=resolver)
        if not policy.allows(url, options.user_agent):
            raise RobotsDisallowed(f"robots.txt of {robots_url(url)} disallows {url}")
        return policy


_default: RobotsChecker | None = None
_default_lock = threading.Lock()


def default_checker() -> RobotsChecker:
    """Process-wide checker used by ``fetch`` when the caller passes none."""
    global _default
    with _default_lock:
        if _default is None:
            _default = RobotsChecker()
        return _default
