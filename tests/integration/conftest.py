"""Fixtures of the integration tests: a worker fleet's environment on the real servers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from fleet import E2E_REDIS_URL


@pytest.fixture
def fleet_env(postgres_url: str, redis_url: str) -> Iterator[dict[str, str]]:
    """Environment of a worker fleet: the e2e Redis database (flushed) and a fresh PostgreSQL."""
    import redis as redis_lib

    client = redis_lib.Redis.from_url(E2E_REDIS_URL)
    client.flushdb()
    env = dict(os.environ)
    env.update(
        MARSAD_BROKER_URL=E2E_REDIS_URL,
        MARSAD_DATABASE_URL=postgres_url,
        MARSAD_DEDUP_BACKEND="redis",
        MARSAD_DEDUP_PREFIX=f"marsad-e2e-{uuid.uuid4().hex[:8]}",
        PYTHONUNBUFFERED="1",
    )
    yield env
    client.flushdb()
