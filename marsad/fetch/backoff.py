"""How long to wait before polling a feed again, and when to give up on it.

Failures double the wait (capped) so a dead outlet costs little; a server's own
Retry-After always wins when it asks for more.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

DEFAULT_MAX_DELAY = 6 * 3600.0
# A hostile or buggy Retry-After ("wait 10 years") must not park a feed forever.
MAX_RETRY_AFTER = 24 * 3600.0
DEFAULT_MAX_FAILURES = 20


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None.

    Garbage yields None rather than an error: the header is advice, not a contract.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return min(float(text), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return min(max(0.0, (when - current).total_seconds()), MAX_RETRY_AFTER)


def next_poll_delay(
    interval: float,
    consecutive_failures: int,
    retry_after: float | None = None,
    *,
    max_delay: float = DEFAULT_MAX_DELAY,
    jitter: float = 0.0,
    rng: random.Random | None = None,
) -> float:
    """Seconds until the next poll.

    ``interval * 2**failures`` capped at ``max(max_delay, interval)``; never less than
    ``retry_after`` (itself capped at 24 h). ``jitter`` (0..1) spreads polls by up to
    that fraction so hundreds of feeds do not fire in lockstep.
    """
    if interval <= 0:
        raise ValueError("interval must be positive")
    failures = max(0, consecutive_failures)
    cap = max(max_delay, interval)
    delay = cap if failures >= 63 else min(interval * (2**failures), cap)
    if jitter > 0:
        delay *= 1.0 + (rng or random).uniform(0.0, min(jitter, 1.0))
        delay = min(delay, cap * (1.0 + min(jitter, 1.0)))
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay


def should_disable(consecutive_failures: int, max_failures: int = DEFAULT_MAX_FAILURES) -> bool:
    """True once a feed has failed ``max_failures`` times in a row (stop polling, flag it)."""
    return consecutive_failures >= max_failures
