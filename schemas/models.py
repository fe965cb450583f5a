"""SQLAlchemy 2 models: the whole store in one module.

Tables, in the order data flows through them::

    sources ─┬─ feeds ── documents (raw, stored first) ── articles ─┬─ mentions ── entities
             └──────────────────────────────────────────┘           ├─ attributions
                                                       clusters ────┤  quantities
                                                     dedup_entries ─┘

A document is the raw input (URL, bytes or text) with its status and, on failure, the
error code and message. An article is what analysis made of a document; its primary key
*is* the document id, which is what makes analysis idempotent (a second insert collides).
A cluster is keyed by its first article's id; ``articles.cluster_id`` points at it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# BIGINT on PostgreSQL, INTEGER on SQLite (where only INTEGER PRIMARY KEY autoincrements).
Id = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class DocStatus:
    """Document lifecycle. ``queued``: URL recorded, not fetched yet; ``pending``: raw
    content stored, awaiting analysis; ``done`` and ``failed`` are final."""

    QUEUED = "queued"
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    NON_FINAL = (QUEUED, PENDING)


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    domain: Mapped[str | None] = mapped_column(String(255), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Feed(Base):
    """An RSS/Atom feed and its polling state (conditional GET, backoff)."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    interval_seconds: Mapped[int] = mapped_column(Integer, default=900)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error_code: Mapped[str | None] = mapped_column(String(50))
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    next_poll_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    last_polled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    source: Mapped[Source | None] = relationship()


class Document(Base):
    """Raw input, stored before anything else happens to it."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # "url:<canonical url>" or "sha256:<content hash>": the idempotency key of intake.
    doc_key: Mapped[str] = mapped_column(String(700), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # html | text | url
    url: Mapped[str | None] = mapped_column(Text)
    canonical_url: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id"), index=True)
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    raw_bytes: Mapped[bytes | None] = mapped_column(LargeBinary)
    raw_text: Mapped[str | None] = mapped_column(Text)
    declared_charset: Mapped[str | None] = mapped_column(String(50))
    published_hint: Mapped[dt.date | None] = mapped_column(Date)
    title_hint: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    status: Mapped[str] = mapped_column(String(10), default=DocStatus.PENDING)
    # One outcome label per document: ok, duplicate, or an error code (too_short, ...).
    outcome: Mapped[str | None] = mapped_column(String(50), index=True)
    error_message: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)

    source: Mapped[Source | None] = relationship()

    __table_args__ = (Index("ix_documents_status_updated", "status", "updated_at"),)


class Article(Base):
    """What analysis made of one document (same id)."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    canonical_url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    title_key: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(10))
    published_at: Mapped[dt.date | None] = mapped_column(Date, index=True)
    author: Mapped[str | None] = mapped_column(Text)
    sitename: Mapped[str | None] = mapped_column(Text)
    title_hash: Mapped[str] = mapped_column(String(64), index=True)
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id"), index=True)
    is_duplicate: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )

    source: Mapped[Source | None] = relationship()
    mentions: Mapped[list[Mention]] = relationship(back_populates="article")
    attributions: Mapped[list[AttributionRow]] = relationship(back_populates="article")
    quantities: Mapped[list[QuantityRow]] = relationship(back_populates="article")


class Cluster(Base):
    """A story: articles whose headlines are near-duplicates. Keyed by the first article."""

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class DedupEntry(Base):
    """Embedded-mode dedup index state (one serialized entry per article)."""

    __tablename__ = "dedup_entries"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    blob: Mapped[bytes] = mapped_column(LargeBinary)


class EntityRow(Base):
    """One canonical real-world entity, shared by all its mentions across articles."""

    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    type: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(300), index=True)
    name: Mapped[str] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("type", "key", name="uq_entities_type_key"),)


class EntityKey(Base):
    """Search keys of an entity (full name, surname, spelling folds) for ``--entity`` queries."""

    __tablename__ = "entity_keys"

    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), primary_key=True, index=True)


class Mention(Base):
    __tablename__ = "mentions"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)

    article: Mapped[Article] = relationship(back_populates="mentions")
    entity: Mapped[EntityRow] = relationship()


class AttributionRow(Base):
    __tablename__ = "attributions"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    source: Mapped[str] = mapped_column(Text)
    # marsad.ner.canonical.phrase_key(source): what `marsad articles --cited` searches
    source_key: Mapped[str] = mapped_column(Text, default="", server_default="")
    source_kind: Mapped[str] = mapped_column(String(20), index=True)
    cue: Mapped[str] = mapped_column(String(50))
    denial: Mapped[bool] = mapped_column(Boolean, default=False)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[str] = mapped_column(Text)

    article: Mapped[Article] = relationship(back_populates="attributions")


class QuantityRow(Base):
    __tablename__ = "quantities"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(200), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)

    article: Mapped[Article] = relationship(back_populates="quantities")
