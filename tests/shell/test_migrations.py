"""Migrations bring an empty SQLite and an empty PostgreSQL database to head."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from schemas.models import Base
from worker.store import current_revision, ensure_schema, get_engine, head_revision, upgrade


def _check_at_head(url: str) -> None:
    upgrade(url)
    assert current_revision(url) == head_revision(url) is not None
    tables = set(inspect(get_engine(url)).get_table_names())
    assert set(Base.metadata.tables) <= tables
    ensure_schema(url)  # no-op at head
    assert current_revision(url) == head_revision(url)


def test_sqlite_empty_to_head(sqlite_url: str) -> None:
    _check_at_head(sqlite_url)


@pytest.mark.postgres
def test_postgres_empty_to_head(postgres_url: str) -> None:
    _check_at_head(postgres_url)


def test_models_match_migrations(sqlite_url: str) -> None:
    """No model change without a migration: autogenerate finds nothing to do at head."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    upgrade(sqlite_url)
    with get_engine(sqlite_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
