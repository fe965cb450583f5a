"""Poll backoff and Retry-After parsing."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from marsad.fetch.backoff import (
    MAX_RETRY_AFTER,
    next_poll_delay,
    parse_retry_after,
    should_disable,
)


def test_exponential_growth_with_cap():
    assert next_poll_delay(300, 0) == 300
    assert next_poll_delay(300, 1) == 600
    assert next_poll_delay(300, 3) == 2400
    assert next_poll_delay(300, 10, max_delay=3600) == 3600
    assert next_poll_delay(300, 10_000, max_delay=3600) == 3600  # no overflow
    assert next_poll_delay(7200, 0, max_delay=3600) == 7200  # cap never shortens the interval


def test_retry_after_wins_when_longer_and_is_capped():
    assert next_poll_delay(60, 0, retry_after=900) == 900
    assert next_poll_delay(60, 5, retry_after=10) == 60 * 32
    assert next_poll_delay(60, 0, retry_after=10**9) == MAX_RETRY_AFTER


def test_jitter_is_bounded():
    rng = random.Random(7)
    delays = [next_poll_delay(100, 0, jitter=0.2, rng=rng) for _ in range(200)]
    assert min(delays) >= 100 and max(delays) <= 120
    assert len(set(delays)) > 100


def test_parse_retry_after_forms():
    now = datetime(2026, 11, 21, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Sat, 21 Nov 2026 10:01:30 GMT", now=now) == 90.0
    assert parse_retry_after("Sat, 21 Nov 2026 09:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("") is None
    assert parse_retry_after(None) is None


def test_should_disable():
    assert not should_disable(19)
    assert should_disable(20)
    assert should_disable(3, max_failures=3)
