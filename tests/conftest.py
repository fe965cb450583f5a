"""Shared fixtures: real Redis and PostgreSQL when reachable.

Integration tests use the local servers for real. Where a server is missing they skip with
the reason, except under ``CI=true``, where a missing service is a failure.
"""

from __future__ import annotations

import os
import socket
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "helpers"))  # local_http: a real HTTP server for tests
SHARED_DATA = Path(os.environ.get("MARSAD_SHARED_DATA", ROOT.parent / "shared" / "data"))
SAMPLES = ROOT / "samples"

REDIS_URL = os.environ.get("MARSAD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
POSTGRES_URL = os.environ.get(
    "MARSAD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require_service(name: str, url: str) -> None:
    """Skip (or fail under CI=true) when the server behind ``url`` does not accept connections."""
    parsed = urlparse(url.replace("+psycopg", ""))
    host, port = parsed.hostname or "127.0.0.1", parsed.port
    try:
        with socket.create_connection((host, port), timeout=2):
            return
    except OSError as exc:
        reason = (
            f"{name} not reachable at {host}:{port} ({exc}); set MARSAD_TEST_{name.upper()}_URL"
        )
        if in_ci():
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)


@pytest.fixture
def redis_url() -> str:
    require_service("redis", REDIS_URL)
    return REDIS_URL


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    require_service("postgres", POSTGRES_URL)
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"marsad_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        from worker.store import get_engine

        get_engine.cache_clear()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'marsad.db'}"


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        msg = f"shared data not found at {SHARED_DATA} (set MARSAD_SHARED_DATA)"
        if in_ci():
            pytest.fail(msg)
        pytest.skip(msg)
    return SHARED_DATA


@pytest.fixture
def http_server() -> Iterator[Any]:
    """A real HTTP server on 127.0.0.1 with a request log (tests/helpers/local_http.py)."""
    from local_http import LocalHTTPServer

    with LocalHTTPServer() as server:
        yield server
