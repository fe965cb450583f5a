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


def _backfill_from_0001(url: str) -> None:
    """A database with attributions stored at revision 0001 gets their search keys."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from marsad.ner.canonical import phrase_key
    from worker.store import alembic_config

    command.upgrade(alembic_config(url), "0001")
    engine = create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # no parent rows: skip FK triggers here
            conn.execute(text("SET session_replication_role = replica"))
        for i, src in enumerate(["الوكالة العربية السورية للأنباء", "مصادر عسكريةٌ"], start=1):
            conn.execute(
                text('INSERT INTO attributions (id, article_id, source, source_kind, cue, denial,'
                     ' start, "end", sentence) VALUES (:i, 1, :s, \'outlet\', \'قال\', false,'
                     ' 0, 10, \'\')'),
                {"i": i, "s": src},
            )
    engine.dispose()
    upgrade(url)
    with get_engine(url).connect() as conn:
        keys = dict(conn.execute(text("SELECT source, source_key FROM attributions")).all())
    assert keys == {s: phrase_key(s) for s in keys}
    assert keys["مصادر عسكريةٌ"] == " مصادر عسكريه "


def test_sqlite_0001_attributions_get_search_keys(sqlite_url: str) -> None:
    _backfill_from_0001(sqlite_url)


@pytest.mark.postgres
def test_postgres_0001_attributions_get_search_keys(postgres_url: str) -> None:
    _backfill_from_0001(postgres_url)
