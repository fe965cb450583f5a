"""Engines, sessions and migrations: how the shell reaches the database.

SQLite is the embedded default; PostgreSQL is production. Both are brought to the latest
migration by ``upgrade()`` (``marsad db upgrade``), and the worker and ``marsad ingest``
call ``ensure_schema()`` so an empty database just works.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

import migrations
from marsad.errors import StoreUnavailable

log = logging.getLogger(__name__)
_schema_lock = threading.Lock()


def make_engine(url: str) -> Engine:
    """An engine tuned for the backend: SQLite gets WAL, a busy timeout and FK checks."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine per URL per process (after fork, each worker process builds its own)."""
    return make_engine(url)


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations.__file__).parent))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def current_revision(url: str) -> str | None:
    with get_engine(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def upgrade(url: str) -> None:
    """Run all migrations up to head on the database at ``url``."""
    cfg = alembic_config(url)
    with get_engine(url).begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several workers may start at once: one migrates, the others wait, then see head.
            conn.execute(text("SELECT pg_advisory_xact_lock(726173616401)"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def ensure_schema(url: str) -> None:
    """Upgrade to head if the database is behind (cheap when it already is at head)."""
    with _schema_lock:
        if current_revision(url) != head_revision(url):
            log.info("migrating %s to head", _redact(url))
            upgrade(url)


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def unavailable(exc: BaseException) -> StoreUnavailable | None:
    """Map a lost database or Redis connection onto the transient ``StoreUnavailable``.

    The one place where infrastructure failures from SQLAlchemy and redis-py join the error
    tree, so tasks retry them with backoff instead of recording the document as failed.
    """
    import redis.exceptions
    from sqlalchemy.exc import InterfaceError, OperationalError

    if isinstance(
        exc,
        (
            OperationalError,
            InterfaceError,
            redis.exceptions.ConnectionError,
            redis.exceptions.TimeoutError,
        ),
    ):
        return StoreUnavailable(f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
    return None
