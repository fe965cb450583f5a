"""Per-domain politeness: a minimum gap between request starts and a concurrency cap.

Celery queues have no central view of fetches in flight, so the shared state lives
in Redis and is changed only by one atomic Lua script that reads Redis' own clock
(``TIME``): worker machines with skewed clocks still agree on the schedule.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from redis.exceptions import RedisError

from marsad.errors import FetchUnavailable
from marsad.fetch.options import FetchOptions

log = logging.getLogger(__name__)


class DomainLimiter(Protocol):
    """``with limiter.acquire(domain): <one HTTP request>``; ``min_interval`` widens the
    configured interval for this request (a site's robots.txt Crawl-delay)."""

    def acquire(
        self, domain: str, min_interval: float | None = None
    ) -> AbstractContextManager[None]: ...


MAX_CRAWL_DELAY = 60.0  # a robots.txt asking for more is honoured only up to this


def _interval(configured: float, requested: float | None) -> float:
    if requested is None:
        return configured
    return max(configured, min(float(requested), MAX_CRAWL_DELAY))


class PolitenessTimeout(FetchUnavailable):
    """No politeness slot for the domain became free in time; retry later."""


# KEYS[1] = next-allowed start (ms, Redis clock), KEYS[2] = lease zset (member -> expiry ms)
# ARGV = interval_ms, max_concurrency, lease_ms, lease_id
# Returns {1, wait_ms} when a slot is reserved (start after wait_ms),
#         {0, retry_ms} when the concurrency cap is full (poll again after retry_ms).
_RESERVE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local maxc = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= maxc then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {0, math.max(1, tonumber(first[2]) - now)}
end
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, nxt)
redis.call('SET', KEYS[1], start + interval, 'PX', start + interval - now + 60000)
redis.call('ZADD', KEYS[2], start + lease, ARGV[4])
redis.call('PEXPIRE', KEYS[2], start - now + lease + 60000)
return {1, start - now}
"""

_RELEASE_LUA = """
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
"""


class RedisDomainLimiter:
    """Cross-process, cross-machine limiter backed by one Redis.

    A reservation takes a lease in the domain's semaphore that expires after
    ``lease_seconds`` (longer than any fetch deadline), so a worker killed mid-request
    frees its slot automatically.
    """

    def __init__(
        self,
        redis_client: Any,
        min_interval: float = 1.0,
        max_concurrency: int = 2,
        prefix: str = "marsad:polite",
        *,
        lease_seconds: float = 120.0,
        acquire_timeout: float = 300.0,
        poll_cap: float = 0.05,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be >= 1")
        self._redis = redis_client
        self.min_interval = float(min_interval)
        self.max_concurrency = int(max_concurrency)
        self.prefix = prefix
        self.lease_seconds = float(lease_seconds)
        self.acquire_timeout = float(acquire_timeout)
        self.poll_cap = float(poll_cap)
        self._reserve = redis_client.register_script(_RESERVE_LUA)
        self._release = redis_client.register_script(_RELEASE_LUA)

    @classmethod
    def from_options(
        cls, redis_client: Any, options: FetchOptions, prefix: str = "marsad:polite"
    ) -> RedisDomainLimiter:
        """Limiter with the options' interval and cap; the lease outlives any one request."""
        lease = max(120.0, 2 * (options.total_deadline + options.read_timeout))
        return cls(
            redis_client,
            options.domain_min_interval,
            options.domain_max_concurrency,
            prefix,
            lease_seconds=lease,
        )

    def _keys(self, domain: str) -> list[str]:
        # The {hash tag} keeps both keys in one slot, so the script also runs on Redis Cluster.
        return [f"{self.prefix}:{{{domain}}}:next", f"{self.prefix}:{{{domain}}}:leases"]

    @contextmanager
    def acquire(self, domain: str, min_interval: float | None = None) -> Iterator[None]:
        keys = self._keys(domain)
        lease_id = uuid.uuid4().hex
        deadline = time.monotonic() + self.acquire_timeout
        args = [
            int(_interval(self.min_interval, min_interval) * 1000),
            self.max_concurrency,
            int(self.lease_seconds * 1000),
            lease_id,
        ]
        while True:
            try:
                granted, wait_ms = self._reserve(keys=keys, args=args)
            except RedisError as exc:
                raise FetchUnavailable(
                    f"politeness store unreachable for {domain}: {exc}", retry_after=5.0
                ) from exc
            if int(granted) == 1:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PolitenessTimeout(
                    f"no politeness slot for {domain} within {self.acquire_timeout:.0f}s",
                    retry_after=self.min_interval,
                )
            time.sleep(min(int(wait_ms) / 1000.0, self.poll_cap, remaining))
        try:
            if int(wait_ms) > 0:
                time.sleep(int(wait_ms) / 1000.0)
            yield
        finally:
            try:
                self._release(keys=[keys[1]], args=[lease_id])
            except RedisError as exc:  # the lease expires on its own; keep the fetch result
                log.warning("could not release politeness lease for %s: %s", domain, exc)


class LocalDomainLimiter:
    """Same contract inside one process (embedded mode, tests): threads share it."""

    def __init__(
        self, min_interval: float = 1.0, max_concurrency: int = 2, *, acquire_timeout: float = 300.0
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be >= 1")
        self.min_interval = float(min_interval)
        self.max_concurrency = int(max_concurrency)
        self.acquire_timeout = float(acquire_timeout)
        self._cond = threading.Condition()
        self._next: dict[str, float] = {}
        self._active: dict[str, int] = {}

    @classmethod
    def from_options(cls, options: FetchOptions) -> LocalDomainLimiter:
        return cls(options.domain_min_interval, options.domain_max_concurrency)

    @contextmanager
    def acquire(self, domain: str, min_interval: float | None = None) -> Iterator[None]:
        deadline = time.monotonic() + self.acquire_timeout
        interval = _interval(self.min_interval, min_interval)
        with self._cond:
            while self._active.get(domain, 0) >= self.max_concurrency:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise PolitenessTimeout(
                        f"no politeness slot for {domain} within {self.acquire_timeout:.0f}s",
                        retry_after=self.min_interval,
                    )
                self._cond.wait(remaining)
            now = time.monotonic()
            start = max(now, self._next.get(domain, 0.0))
            self._next[domain] = start + interval
            self._active[domain] = self._active.get(domain, 0) + 1
        try:
            if start > now:
                time.sleep(start - now)
            yield
        finally:
            with self._cond:
                self._active[domain] -= 1
                if self._active[domain] == 0:
                    del self._active[domain]
                self._cond.notify_all()
