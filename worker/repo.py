"""Reads and writes of the store, in one place; tasks and the CLI call these, never raw SQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marsad.attribution import search_name
from marsad.errors import MarsadError
from marsad.ner.canonical import phrase_key
from marsad.records import Analysis
from schemas.models import (
    Article,
    AttributionRow,
    Cluster,
    DedupEntry,
    DocStatus,
    Document,
    EntityKey,
    EntityRow,
    Mention,
    QuantityRow,
    Source,
    utcnow,
)


@dataclass(frozen=True, slots=True)
class Intake:
    """One input as intake sees it, whoever produced it (CLI, broker, feed)."""

    kind: str  # html | text | url
    content: bytes | str | None = None
    url: str | None = None
    source: str | None = None
    published_hint: dt.date | None = None
    title_hint: str | None = None
    feed_id: int | None = None
    declared_charset: str | None = None


def _insert_ignore(session: Session, model: type, values: dict[str, Any]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING on both SQLite and PostgreSQL (race-free upserts)."""
    dialect = session.get_bind().dialect.name
    ins = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(ins(model).values(**values).on_conflict_do_nothing())


def get_or_create_source(
    session: Session, name: str | None, domain: str | None = None
) -> int | None:
    if not name:
        return None
    name = name.strip()[:200]
    _insert_ignore(session, Source, {"name": name, "domain": domain, "created_at": utcnow()})
    return session.scalar(select(Source.id).where(Source.name == name))


def doc_key_for(intake: Intake, canonical_url: str | None) -> str:
    if canonical_url:
        return "url:" + canonical_url[:690]
    data = intake.content if intake.content is not None else ""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def record_document(
    session: Session, intake: Intake, canonical_url: str | None
) -> tuple[Document, bool]:
    """Store the raw input first; returns (document, created). Same key -> same row."""
    key = doc_key_for(intake, canonical_url)
    existing = session.scalar(select(Document).where(Document.doc_key == key))
    if existing is not None:
        return existing, False
    content = intake.content
    doc = Document(
        doc_key=key,
        kind=intake.kind,
        url=intake.url,
        canonical_url=canonical_url,
        source_id=get_or_create_source(session, intake.source),
        feed_id=intake.feed_id,
        raw_bytes=content if isinstance(content, bytes) else None,
        raw_text=content if isinstance(content, str) else None,
        content_hash=(
            hashlib.sha256(content if isinstance(content, bytes) else content.encode()).hexdigest()
            if content is not None
            else None
        ),
        declared_charset=intake.declared_charset,
        published_hint=intake.published_hint,
        title_hint=intake.title_hint,
        status=DocStatus.QUEUED if intake.kind == "url" else DocStatus.PENDING,
    )
    session.add(doc)
    try:
        session.commit()
    except IntegrityError:
        # A concurrent intake of the same key won the race: theirs is ours.
        session.rollback()
        return session.scalars(select(Document).where(Document.doc_key == key)).one(), False
    return doc, True


def record_rejected_payload(session: Session, payload: Any, error: MarsadError) -> Document:
    """An invalid message is kept (truncated) as a failed document, so it is never lost silently."""
    text = json.dumps(payload, ensure_ascii=False, default=str)[:100_000]
    doc, _ = record_document(session, Intake(kind="text", content=text), None)
    mark_failed(session, doc, error)
    return doc


def mark_failed(session: Session, doc: Document, error: MarsadError) -> None:
    doc.status = DocStatus.FAILED
    doc.outcome = error.code
    doc.error_message = str(error)[:2000]
    session.add(doc)
    session.commit()


def save_analysis(
    session: Session,
    doc: Document,
    analysis: Analysis,
    *,
    cluster_id: int,
    is_duplicate: bool,
    dedup_blob: bytes | None,
    entity_keys: Any,
) -> bool:
    """Persist an article and everything derived from it in one transaction.

    Returns False when another delivery of the same task already saved it (the article's
    primary key is the document id, so a second insert collides and is rolled back).
    """
    ex = analysis.extracted
    source_id = doc.source_id or get_or_create_source(session, ex.sitename)
    now = utcnow()
    _insert_ignore(
        session, Cluster, {"id": cluster_id, "title": ex.title, "first_seen": now, "last_seen": now}
    )
    article = Article(
        id=doc.id,
        source_id=source_id,
        url=ex.url or doc.url,
        canonical_url=ex.canonical_url or doc.canonical_url,
        title=ex.title,
        title_key=analysis.title_key,
        text=ex.text,
        language=ex.language,
        published_at=ex.published_at,
        author=ex.author,
        sitename=ex.sitename,
        title_hash=_sha(analysis.title_key),
        text_hash=_sha(ex.text),
        cluster_id=cluster_id,
        is_duplicate=is_duplicate,
    )
    session.add(article)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    if is_duplicate:
        cluster = session.get(Cluster, cluster_id)
        if cluster is not None:
            cluster.last_seen = now
    for ent in analysis.entities:
        name = ent.canonical or ent.text
        key, search_keys = entity_keys(name, ent.type)
        _insert_ignore(session, EntityRow, {"type": ent.type, "key": key, "name": name})
        entity_id = session.scalar(
            select(EntityRow.id).where(EntityRow.type == ent.type, EntityRow.key == key)
        )
        for search_key in search_keys:
            _insert_ignore(session, EntityKey, {"entity_id": entity_id, "key": search_key})
        session.add(
            Mention(
                article_id=doc.id, entity_id=entity_id, text=ent.text, start=ent.start, end=ent.end
            )
        )
    for att in analysis.attributions:
        session.add(
            AttributionRow(
                article_id=doc.id,
                source=att.source,
                source_key=phrase_key(search_name(ex.text, att)),
                source_kind=att.source_kind,
                cue=att.cue,
                denial=att.denial,
                start=att.start,
                end=att.end,
                sentence=ex.text[att.start : att.end],
            )
        )
    for q in analysis.quantities:
        session.add(
            QuantityRow(
                article_id=doc.id, text=q.text, value=q.value, unit=q.unit, start=q.start, end=q.end
            )
        )
    if dedup_blob is not None:
        session.add(DedupEntry(article_id=doc.id, blob=dedup_blob))
    doc.status = DocStatus.DONE
    doc.outcome = "duplicate" if is_duplicate else "ok"
    doc.error_message = None
    session.commit()
    return True


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dedup_entries(session: Session) -> Iterable[tuple[str, bytes]]:
    """All persisted embedded-index entries, streamed."""
    for article_id, blob in session.execute(
        select(DedupEntry.article_id, DedupEntry.blob)
    ).yield_per(5000):
        yield str(article_id), blob


# ---- queries for `marsad articles` / `marsad stories` --------------------------------------


def query_articles(
    session: Session,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    source: str | None = None,
    entity_keys: Sequence[str] | None = None,
    cited: str | None = None,
    denials: bool = False,
    cluster: int | None = None,
    limit: int = 100,
) -> list[Article]:
    """Articles matching every filter given, oldest first.

    ``cited`` keeps articles that cite a source whose name contains these words (spelling
    folded, word-aligned: ``سانا`` matches ``وكالة سانا``, not ``إحسانا``); ``denials`` keeps
    articles with a denial (by that source, with ``cited``).
    """
    stmt: Select[tuple[Article]] = select(Article).order_by(Article.id)
    if since:
        stmt = stmt.where(Article.published_at >= since)
    if until:
        stmt = stmt.where(Article.published_at <= until)
    if source:
        stmt = stmt.join(Source, Source.id == Article.source_id).where(Source.name == source)
    if cluster is not None:
        stmt = stmt.where(Article.cluster_id == cluster)
    if entity_keys is not None:  # an entity filter that matches no key matches nothing
        matching = (
            select(Mention.article_id)
            .join(EntityKey, EntityKey.entity_id == Mention.entity_id)
            .where(EntityKey.key.in_(list(entity_keys)))
        )
        stmt = stmt.where(Article.id.in_(matching))
    if cited is not None or denials:
        if cited is not None and not phrase_key(cited):  # no words: nothing can match
            return []
        citing = select(AttributionRow.article_id).where(*_citation_filter(cited, denials))
        stmt = stmt.where(Article.id.in_(citing))
    return list(session.scalars(stmt.limit(limit)))


def _citation_filter(cited: str | None, denials: bool) -> list[Any]:
    conds: list[Any] = []
    if cited is not None:
        conds.append(AttributionRow.source_key.contains(phrase_key(cited), autoescape=True))
    if denials:
        conds.append(AttributionRow.denial.is_(True))
    return conds


def citations(
    session: Session, article_ids: Sequence[int], *, cited: str | None, denials: bool
) -> dict[int, list[dict[str, Any]]]:
    """The attributions that made each article match ``cited``/``denials``, in text order."""
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in article_ids}
    if not article_ids:
        return out
    rows = session.scalars(
        select(AttributionRow)
        .where(AttributionRow.article_id.in_(list(article_ids)),
               *_citation_filter(cited, denials))
        .order_by(AttributionRow.article_id, AttributionRow.start, AttributionRow.id)
    )
    for r in rows:
        out[r.article_id].append({"source": r.source, "source_kind": r.source_kind,
                                  "cue": r.cue, "denial": r.denial, "sentence": r.sentence})
    return out


def query_stories(
    session: Session,
    *,
    since: dt.date | None = None,
    source: str | None = None,
    entity_keys: Sequence[str] | None = None,
    min_size: int = 1,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Clusters with their size and outlets, biggest and newest first; ``source`` and
    ``entity_keys`` keep the stories that outlet told or that mention the entity."""
    size = func.count(Article.id).label("size")
    stmt = (
        select(
            Cluster.id,
            Cluster.title,
            Cluster.first_seen,
            Cluster.last_seen,
            size,
            func.min(Article.published_at),
            func.count(func.distinct(Article.source_id)),
        )
        .join(Article, Article.cluster_id == Cluster.id)
        .group_by(Cluster.id, Cluster.title, Cluster.first_seen, Cluster.last_seen)
        .having(func.count(Article.id) >= min_size)
        .order_by(size.desc(), Cluster.last_seen.desc())
        .limit(limit)
    )
    if since:
        stmt = stmt.where(Article.published_at >= since)
    if source:
        told_by = (
            select(Article.cluster_id)
            .join(Source, Source.id == Article.source_id)
            .where(Source.name == source)
        )
        stmt = stmt.where(Cluster.id.in_(told_by))
    if entity_keys is not None:
        mentioning = (
            select(Article.cluster_id)
            .join(Mention, Mention.article_id == Article.id)
            .join(EntityKey, EntityKey.entity_id == Mention.entity_id)
            .where(EntityKey.key.in_(list(entity_keys)))
        )
        stmt = stmt.where(Cluster.id.in_(mentioning))
    rows = session.execute(stmt).all()
    out = []
    for cid, title, first, last, n, published, n_sources in rows:
        sources = session.scalars(
            select(Source.name)
            .join(Article, Article.source_id == Source.id)
            .where(Article.cluster_id == cid)
            .distinct()
        ).all()
        out.append(
            {
                "cluster": cid,
                "title": title,
                "size": n,
                "outlets": n_sources,
                "sources": sorted(sources),
                "first_published": published.isoformat() if published else None,
                "first_seen": first.isoformat(),
                "last_seen": last.isoformat(),
            }
        )
    return out


def outcome_counts(session: Session, doc_ids: Sequence[int] | None = None) -> dict[str, int]:
    stmt = select(Document.outcome, func.count()).group_by(Document.outcome)
    if doc_ids is not None:
        stmt = stmt.where(Document.id.in_(list(doc_ids)))
    return {outcome or "pending": n for outcome, n in session.execute(stmt)}


def top_entities(
    session: Session, article_ids: Sequence[int] | None = None, limit: int = 10
) -> list[tuple[str, str, int]]:
    n = func.count(Mention.id).label("n")
    stmt = (
        select(EntityRow.name, EntityRow.type, n)
        .join(Mention, Mention.entity_id == EntityRow.id)
        .group_by(EntityRow.id, EntityRow.name, EntityRow.type)
        .order_by(n.desc())
        .limit(limit)
    )
    if article_ids is not None:
        stmt = stmt.where(Mention.article_id.in_(list(article_ids)))
    return [(name, typ, cnt) for name, typ, cnt in session.execute(stmt)]


def claim_stuck_documents(
    session: Session, older_than: dt.datetime, limit: int = 500
) -> list[tuple[int, str]]:
    """Documents left in a non-final state since ``older_than``, as (id, status); their
    ``updated_at`` is touched so the next sweep waits a full period before re-sending them."""
    docs = stuck_documents(session, older_than, limit)
    now = utcnow()
    out = [(d.id, d.status) for d in docs]
    for d in docs:
        d.updated_at = now
    session.commit()
    return out


def stuck_documents(session: Session, older_than: dt.datetime, limit: int = 500) -> list[Document]:
    stmt = (
        select(Document)
        .where(Document.status.in_(DocStatus.NON_FINAL), Document.updated_at < older_than)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def query_numbers(
    session: Session,
    *,
    cluster: int | None = None,
    unit: str | None = None,
    disputed: bool = False,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Numbers reported per story: one row per (story, counted noun, value) with the outlets
    and articles reporting it and the other values that story gives for the same noun.

    Nouns group by their first word, spelling folded (``مرتزق`` and ``مرتزق أجنبي``; ``رحلة``
    = ``رحله``); a vague amount (``آلاف``) is its own value (None). ``unit`` keeps nouns
    containing those words; ``disputed`` keeps nouns on which a story's articles disagree
    (one article's values differ from another's). Newest story first.
    """
    stmt = (
        select(Article.cluster_id, Cluster.title, QuantityRow.unit, QuantityRow.value,
               QuantityRow.text, Article.id, Source.name, Article.sitename)
        .join(Article, Article.id == QuantityRow.article_id)
        .join(Cluster, Cluster.id == Article.cluster_id)
        .outerjoin(Source, Source.id == Article.source_id)
        .order_by(Article.cluster_id.desc(), Article.id)
    )
    if cluster is not None:
        stmt = stmt.where(Article.cluster_id == cluster)
    else:  # read only the stories that can fill the page, not every stored number
        stories = (
            select(Article.cluster_id)
            .join(QuantityRow, QuantityRow.article_id == Article.id)
            .group_by(Article.cluster_id)
            .order_by(Article.cluster_id.desc())
        )
        if disputed:  # a disagreement needs two articles
            stories = stories.having(func.count(func.distinct(Article.id)) >= 2)
        elif unit is None:  # each story gives at least one row
            stories = stories.limit(limit)
        stmt = stmt.where(Article.cluster_id.in_(stories))
    want = phrase_key(unit) if unit is not None else None
    if want == "":
        return []
    groups: dict[tuple[int, str, float | None], dict[str, Any]] = {}
    per_article: dict[tuple[int, str], dict[int, set[float | None]]] = {}
    for cid, title, unit_, value, text, article_id, source, sitename in session.execute(stmt):
        full = phrase_key(unit_)
        if want is not None and want not in full:
            continue
        key = full.split()[0] if full else ""  # the head noun
        per_article.setdefault((cid, key), {}).setdefault(article_id, set()).add(value)
        row = groups.setdefault((cid, key, value), {
            "cluster": cid, "title": title, "unit": unit_, "value": value, "text": text,
            "articles": set(), "outlets": set(),
        })
        row["articles"].add(article_id)
        if source or sitename:
            row["outlets"].add(source or sitename)
    out: list[dict[str, Any]] = []
    for (cid, key, value), row in groups.items():
        by_article = per_article[(cid, key)].values()
        if disputed and len({frozenset(v) for v in by_article}) < 2:
            continue
        others = set().union(*by_article) - {value}
        out.append({
            **row,
            "articles": len(row["articles"]),
            "outlets": sorted(row["outlets"]),
            "other_values": sorted(others, key=lambda v: (v is None, v or 0.0)),
        })
    out.sort(key=lambda r: (-r["cluster"], phrase_key(r["unit"]), -r["articles"],
                            r["value"] is None, r["value"] or 0.0))
    return out[:limit]


def article_record(a: Article) -> dict[str, Any]:
    """The fields `marsad articles` prints for one article (`marsad show` adds the rest)."""
    return {
        "id": a.id,
        "title": a.title,
        "published_at": a.published_at.isoformat() if a.published_at else None,
        "source": a.source.name if a.source else a.sitename,
        "url": a.url,
        "cluster": a.cluster_id,
        "duplicate": a.is_duplicate,
        "language": a.language,
        "author": a.author,
    }


def article_detail(session: Session, article_id: int) -> dict[str, Any] | None:
    """One stored article with what analysis found in it and the other tellings of its story.

    Offsets of entities, attributions and quantities index into ``text``. None: no such id.
    """
    a = session.get(Article, article_id)
    if a is None:
        return None
    story = session.execute(
        select(Article.id, Article.title, Source.name, Article.sitename, Article.is_duplicate)
        .outerjoin(Source, Source.id == Article.source_id)
        .where(Article.cluster_id == a.cluster_id, Article.id != a.id)
        .order_by(Article.id)
    ).all()
    return {
        **article_record(a),
        "canonical_url": a.canonical_url,
        "text": a.text,
        "entities": [
            {"text": m.text, "type": m.entity.type, "start": m.start, "end": m.end,
             "canonical": m.entity.name}
            for m in sorted(a.mentions, key=lambda m: (m.start, m.id))
        ],
        "attributions": [
            {"source": r.source, "source_kind": r.source_kind, "cue": r.cue, "denial": r.denial,
             "start": r.start, "end": r.end}
            for r in sorted(a.attributions, key=lambda r: (r.start, r.id))
        ],
        "quantities": [
            {"text": q.text, "value": q.value, "unit": q.unit, "start": q.start, "end": q.end}
            for q in sorted(a.quantities, key=lambda q: (q.start, q.id))
        ],
        "story": [
            {"id": i, "source": name or site, "title": title, "duplicate": dup}
            for i, title, name, site, dup in story
        ],
    }
