"""The ``marsad`` command line. Command names and output shapes are a contract (see README)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from worker.settings import Settings, get_settings

app = typer.Typer(
    help="marsad: Arabic news ingestion, dedup and extraction.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)  # error lines stay whole for grep and logs

Paths = Annotated[list[str], typer.Argument(help="Files, directories (recursive) or http(s) URLs.")]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (default: MARSAD_DATABASE_URL or sqlite:///marsad.db)."
    ),
]


def _settings(db: str | None = None) -> Settings:
    s = get_settings()
    return dataclasses.replace(s, database_url=db) if db else s


def _fail_if_nothing(succeeded: int, failed_inputs: int) -> None:
    if succeeded == 0 and failed_inputs:
        raise typer.Exit(code=1)


# ---- the embedded main job ---------------------------------------------------------------


@app.command()
def ingest(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files, directories (recursive) or http(s) URLs.")
    ] = None,
    db: DbOpt = None,
    source: Annotated[
        str | None, typer.Option(help="Outlet name to record for these inputs.")
    ] = None,
    feed: Annotated[
        list[str] | None, typer.Option("--feed", help="Poll this feed once, in-process.")
    ] = None,
) -> None:
    """Run the whole pipeline in-process on the store (SQLite by default; no Redis needed)."""
    from worker import pipeline, repo
    from worker.inputs import iter_inputs
    from worker.services import build_services

    if not paths and not feed:
        err.print("nothing to ingest: give files, directories, URLs or --feed URL")
        raise typer.Exit(code=2)
    settings = _settings(db)
    services = build_services(settings, embedded=True)
    items = list(iter_inputs(paths or [], source=source))
    bad_inputs = [i for i in items if i.error]
    for item in bad_inputs:
        err.print(f"[red]error[/red] {item.error}")
    doc_ids: list[int] = []  # documents this run created and processed
    labels: dict[int, str] = {}
    known = 0  # inputs already in the store: skipped, nothing added
    failures: list[tuple[str, str]] = []
    if feed:
        from worker.feeds import poll_feed_inline

        for url in feed:
            ids, problem = poll_feed_inline(services, url)
            doc_ids.extend(ids)
            if problem:
                failures.append((url, problem))
                err.print(f"[red]error[/red] feed {url}: {problem}")
    work = [i for i in items if i.intake is not None]
    with _progress() as progress:
        task = progress.add_task("ingesting", total=len(work))
        for item in work:
            progress.update(task, description=_short(item.label))
            doc_id, created, step = pipeline.intake(services, item.intake)  # type: ignore[arg-type]
            if not created and step is None:
                known += 1
            else:
                if step == "fetch":
                    step = pipeline.fetch(services, doc_id, retry_transient=False)
                if step == "analyse":
                    pipeline.process(services, doc_id)
                doc_ids.append(doc_id)
                labels[doc_id] = item.label
            progress.advance(task)
    with services.sessions() as session:
        from schemas.models import Document

        for doc_id in doc_ids:
            doc = session.get(Document, doc_id)
            if doc is not None and doc.status == "failed":
                label = labels.get(doc_id) or doc.url or f"document {doc_id}"
                failures.append((label, f"{doc.outcome}: {doc.error_message}"))
        counts = repo.outcome_counts(session, doc_ids)
        entities = repo.top_entities(session, doc_ids, limit=8)
    _print_summary(counts, known, failures, entities, services)
    succeeded = counts.get("ok", 0) + counts.get("duplicate", 0) + known
    _fail_if_nothing(succeeded, len(bad_inputs) + len(failures))


def _short(label: str, width: int = 40) -> str:
    return label if len(label) <= width else "…" + label[-(width - 1) :]


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )


def _print_summary(
    counts: dict[str, int],
    known: int,
    failures: list[tuple[str, str]],
    entities: list[tuple[str, str, int]],
    services: Any,
) -> None:
    table = Table(title="marsad ingest", show_header=True)
    table.add_column("outcome")
    table.add_column("documents", justify="right")
    for outcome in ("ok", "duplicate"):
        table.add_row(
            "articles (new story)" if outcome == "ok" else "duplicates (known story)",
            str(counts.get(outcome, 0)),
        )
    if known:
        table.add_row("already in store (skipped)", str(known))
    failed = {k: v for k, v in counts.items() if k not in ("ok", "duplicate")}
    for outcome, n in sorted(failed.items()):
        table.add_row(f"failed: {outcome}", str(n))
    out.print(table)
    if entities:
        et = Table(title="top entities")
        et.add_column("entity")
        et.add_column("type")
        et.add_column("mentions", justify="right")
        for name, typ, n in entities:
            et.add_row(name, typ, str(n))
        out.print(et)
    for label, reason in failures:
        out.print(f"[yellow]failed[/yellow] {label}: {reason}")
    if services.ner_status:
        err.print(services.ner_status)
    err.print(
        f"store: {services.settings.database_url} (dedup index: {services.dedup_mode}, "
        f"{len(services.dedup)} headlines)"
        if services.dedup_mode == "memory"
        else f"store: {services.settings.database_url} (dedup index: redis)"
    )


# ---- distributed mode ----------------------------------------------------------------------


@app.command()
def submit(
    paths: Paths,
    source: Annotated[str | None, typer.Option(help="Outlet name to record.")] = None,
) -> None:
    """Enqueue inputs to the broker for running workers (`marsad worker`)."""
    from marsad.errors import MarsadError
    from worker.app import app as celery_app
    from worker.inputs import iter_inputs
    from worker.queues import TaskName

    sent = failed = 0
    for item in iter_inputs(paths, source=source):
        if item.intake is None:
            err.print(f"[red]error[/red] {item.error}")
            failed += 1
            continue
        try:
            payload = _payload_of(item.intake)
        except MarsadError as exc:
            err.print(f"[red]error[/red] {item.label}: {exc}")
            failed += 1
            continue
        celery_app.send_task(TaskName.RECEIVE.value, kwargs={"payload": payload})
        sent += 1
    out.print(
        f"submitted {sent} document(s) to {_redacted(get_settings().broker_url)}"
        + (f", {failed} failed" if failed else "")
    )
    _fail_if_nothing(sent, failed)


def _payload_of(intake: Any) -> dict[str, Any]:
    """A JSON-safe broker payload (bytes decoded here with Arabic-aware charset detection)."""
    payload: dict[str, Any] = {"url": intake.url, "source": intake.source}
    content = intake.content
    if isinstance(content, bytes):
        from marsad.extract import decode_bytes

        content = decode_bytes(content, intake.declared_charset)
    if intake.kind == "html":
        payload["html"] = content
    elif intake.kind == "text":
        payload["text"] = content
    return {k: v for k, v in payload.items() if v is not None}


def _redacted(url: str) -> str:
    from kombu.utils.url import maybe_sanitize_url

    return maybe_sanitize_url(url)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def worker(
    ctx: typer.Context,
    queues: Annotated[
        str, typer.Option("-Q", "--queues", help="ingest, analysis, or ingest,analysis")
    ] = "ingest,analysis",
    concurrency: Annotated[int | None, typer.Option("-c", "--concurrency")] = None,
    loglevel: Annotated[str, typer.Option("-l", "--loglevel")] = "INFO",
) -> None:
    """Start a Celery worker (same as `celery -A worker worker -Q ...`)."""
    from worker.app import app as celery_app
    from worker.queues import Queue

    names = [q.strip() for q in queues.split(",") if q.strip()]
    unknown = [q for q in names if q not in {x.value for x in Queue}]
    if unknown:
        err.print(f"unknown queue(s): {', '.join(unknown)}; known: ingest, analysis")
        raise typer.Exit(code=2)
    argv = ["worker", "-Q", ",".join(names), "--loglevel", loglevel, "-E"]
    if concurrency:
        argv += ["--concurrency", str(concurrency)]
    celery_app.worker_main(argv=argv + list(ctx.args))


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def beat(
    ctx: typer.Context, loglevel: Annotated[str, typer.Option("-l", "--loglevel")] = "INFO"
) -> None:
    """Start Celery beat: feed polling and the stuck-document sweeper on schedule."""
    from worker.app import app as celery_app

    celery_app.start(argv=["beat", "--loglevel", loglevel, *ctx.args])


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def flower(ctx: typer.Context, port: Annotated[int, typer.Option()] = 5555) -> None:
    """Start Flower (monitoring UI) against the configured broker; set MARSAD_FLOWER_BASIC_AUTH."""
    from worker.app import app as celery_app

    argv = ["flower", f"--port={port}"]
    auth = get_settings().flower_basic_auth
    if auth:
        argv.append(f"--basic-auth={auth}")
    celery_app.start(argv=[*argv, *ctx.args])


# ---- store-free tools ----------------------------------------------------------------------


@app.command()
def extract(paths: Paths) -> None:
    """Print one JSON object per input (JSON Lines): text, metadata, entities, quotes, numbers."""
    from marsad import analyse as core
    from marsad.errors import MarsadError
    from worker.inputs import iter_inputs
    from worker.services import load_recognizer

    settings = get_settings()
    recognizer, status = load_recognizer(settings)
    if recognizer is None:
        err.print(status)
    options = core.ExtractOptions(
        min_text_chars=settings.min_text_chars, require_arabic=settings.require_arabic
    )
    ok = bad = 0
    for item in iter_inputs(paths):
        record: dict[str, Any] = {"source": item.label}
        try:
            if item.intake is None:
                raise _InputError(item.error or "unreadable input")
            raw = _raw_for_extract(item.intake, settings)
            result = core.analyse(core.extract(raw, options), recognizer)
            record.update(result.to_json())
            record["error"] = None
            ok += 1
        except (MarsadError, _InputError) as exc:
            record.update(_EMPTY_RECORD)
            record["error"] = f"{getattr(exc, 'code', 'input_error')}: {exc}"
            err.print(f"[red]error[/red] {item.label}: {exc}")
            bad += 1
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    _fail_if_nothing(ok, bad)


class _InputError(Exception):
    code = "input_error"


_EMPTY_RECORD: dict[str, Any] = {
    "title": None,
    "text": None,
    "published_at": None,
    "language": None,
    "author": None,
    "sitename": None,
    "entities": [],
    "attributions": [],
    "quantities": [],
}


def _raw_for_extract(intake: Any, settings: Settings) -> Any:
    from marsad import analyse as core

    if intake.kind == "url":
        from worker.fetching import fetch_url_once

        result = fetch_url_once(settings, intake.url)
        return core.RawDocument(
            kind="html",
            content=result.content,
            url=result.final_url,
            declared_charset=result.charset,
        )
    return core.RawDocument(kind=intake.kind, content=intake.content)


@app.command()
def dedup(
    threshold: Annotated[
        float | None,
        typer.Option(help="Similarity threshold (default: marsad.dedup.DEFAULT_THRESHOLD)."),
    ] = None,
) -> None:
    """Headlines on stdin, one per line -> {"index": i, "cluster": c} per line."""
    from marsad.dedup import DEFAULT_THRESHOLD, cluster_headlines

    lines = [line.rstrip("\r\n") for line in sys.stdin]
    clusters = cluster_headlines(lines, threshold if threshold is not None else DEFAULT_THRESHOLD)
    for i, c in enumerate(clusters):
        sys.stdout.write(json.dumps({"index": i, "cluster": c}) + "\n")


@app.command()
def ner() -> None:
    """Text lines on stdin -> a JSON array of entities {"text","type","start","end"} per line."""
    from worker.services import load_recognizer

    recognizer, status = load_recognizer(get_settings())
    if recognizer is None:
        err.print(status)
        raise typer.Exit(code=1)
    for line in sys.stdin:
        line = line.rstrip("\r\n")
        ents = [
            {"text": e.text, "type": e.type, "start": e.start, "end": e.end}
            for e in recognizer.recognize(line)
        ]
        sys.stdout.write(json.dumps(ents, ensure_ascii=False) + "\n")


# ---- feeds ---------------------------------------------------------------------------------

feeds_app = typer.Typer(help="Manage the RSS/Atom feeds beat polls.", no_args_is_help=True)
app.add_typer(feeds_app, name="feeds")


def _feed_sessions(db: str | None) -> Any:
    from worker.store import ensure_schema, session_factory

    settings = _settings(db)
    ensure_schema(settings.database_url)
    return settings, session_factory(settings.database_url)


@feeds_app.command("add")
def feeds_add(
    url: str,
    name: Annotated[str | None, typer.Option(help="Outlet name for the feed's articles.")] = None,
    interval: Annotated[int | None, typer.Option(help="Seconds between polls (>= 10).")] = None,
    db: DbOpt = None,
) -> None:
    """Subscribe to a feed (idempotent)."""
    from worker.feeds import FeedError, add_feed

    settings, sessions = _feed_sessions(db)
    with sessions() as session:
        try:
            feed, created = add_feed(
                session,
                url,
                name=name,
                interval=interval,
                default_interval=settings.feed_default_interval,
            )
        except FeedError as exc:
            err.print(f"[red]error[/red] {exc}")
            raise typer.Exit(code=2) from None
        out.print(
            f"{'added' if created else 'updated'} feed {feed.id}: {feed.url} "
            f"(every {feed.interval_seconds}s)"
        )


@feeds_app.command("list")
def feeds_list(db: DbOpt = None, fmt: Annotated[str, typer.Option("--format")] = "table") -> None:
    """Feeds with their polling health."""
    from sqlalchemy import select

    from schemas.models import Feed

    _, sessions = _feed_sessions(db)
    with sessions() as session:
        records = [
            {
                "id": f.id,
                "url": f.url,
                "name": f.name,
                "interval": f.interval_seconds,
                "last_status": f.last_status,
                "failures": f.consecutive_failures,
                "error": f"{f.last_error_code}: {f.last_error}" if f.last_error_code else None,
                "next_poll_at": f.next_poll_at.isoformat() if f.next_poll_at else None,
                "items_seen": f.items_seen,
                "disabled": f.disabled,
            }
            for f in session.scalars(select(Feed).order_by(Feed.id))
        ]
    _emit(
        records,
        fmt,
        ["id", "name", "url", "interval", "last_status", "failures", "disabled", "error"],
    )


@feeds_app.command("remove")
def feeds_remove(
    ref: Annotated[str, typer.Argument(help="Feed id or URL.")], db: DbOpt = None
) -> None:
    """Unsubscribe (articles already ingested stay)."""
    from worker.feeds import FeedError, remove_feed

    _, sessions = _feed_sessions(db)
    with sessions() as session:
        try:
            feed = remove_feed(session, ref)
        except FeedError as exc:
            err.print(f"[red]error[/red] {exc}")
            raise typer.Exit(code=1) from None
    out.print(f"removed feed {feed.id}: {feed.url}")


@feeds_app.command("import")
def feeds_import(
    path: Annotated[str, typer.Argument(help="TOML or YAML feeds file.")], db: DbOpt = None
) -> None:
    """Import feeds from a TOML (``[[feeds]]`` url/name/interval) or YAML (``feeds:``) file."""
    from pathlib import Path

    from worker.feeds import FeedError, add_feed, load_feeds_file

    settings, sessions = _feed_sessions(db)
    try:
        entries = load_feeds_file(Path(path))
    except FeedError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(code=2) from None
    added = 0
    with sessions() as session:
        for entry in entries:
            try:
                _, created = add_feed(
                    session,
                    entry["url"],
                    name=entry["name"],
                    interval=entry["interval"],
                    default_interval=settings.feed_default_interval,
                )
                added += created
            except FeedError as exc:
                err.print(f"[red]error[/red] {exc}")
    out.print(f"imported {len(entries)} feed(s), {added} new")


# ---- queries -----------------------------------------------------------------------------------

Fmt = Annotated[str, typer.Option("--format", help="table or json (JSON Lines).")]


def _need_words(value: str | None, name: str) -> None:
    """A text filter (``--cited``, ``--unit``) given without a single word matches nothing."""
    from marsad.ner.canonical import phrase_key

    if value is not None and not phrase_key(value):
        raise typer.BadParameter("give at least one word", param_hint=name)


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint=name) from None


@app.command()
def articles(
    db: DbOpt = None,
    since: Annotated[str | None, typer.Option(help="Published on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before YYYY-MM-DD.")] = None,
    source: Annotated[str | None, typer.Option(help="Outlet name.")] = None,
    entity: Annotated[
        str | None, typer.Option(help="Articles mentioning this entity (any spelling/title).")
    ] = None,
    cited: Annotated[
        str | None,
        typer.Option(help="Articles citing a source whose name contains these words "
                          "(any spelling): `--cited سانا`, `--cited \"مصادر عسكرية\"`."),
    ] = None,
    denials: Annotated[
        bool, typer.Option("--denials", help="Only articles reporting a denial (by --cited).")
    ] = False,
    cluster: Annotated[int | None, typer.Option(help="Articles of this story cluster.")] = None,
    limit: Annotated[int, typer.Option()] = 100,
    fmt: Fmt = "table",
) -> None:
    """List stored articles."""
    from worker import repo
    from worker.services import build_services

    _need_words(cited, "--cited")
    services = build_services(_settings(db), embedded=True)
    with services.sessions() as session:
        keys: list[str] | None = None
        if entity:
            from marsad.ner.canonical import query_keys

            keys = query_keys(entity)
        rows = repo.query_articles(
            session,
            since=_date(since, "--since"),
            until=_date(until, "--until"),
            source=source,
            entity_keys=keys,
            cited=cited,
            denials=denials,
            cluster=cluster,
            limit=limit,
        )
        records = [repo.article_record(a) for a in rows]
        columns = ["id", "published_at", "source", "cluster", "duplicate", "title"]
        if cited is not None or denials:  # show who is cited, and how
            found = repo.citations(session, [a.id for a in rows], cited=cited, denials=denials)
            for rec in records:
                rec["citations"] = found[rec["id"]]
                rec["cited"] = "; ".join(f"{c['cue']} {c['source']}" for c in rec["citations"])
            columns.append("cited")
    _emit(records, fmt, columns)


@app.command()
def stories(
    db: DbOpt = None,
    since: Annotated[
        str | None, typer.Option(help="Articles published on or after YYYY-MM-DD.")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Stories this outlet told.")] = None,
    entity: Annotated[
        str | None, typer.Option(help="Stories mentioning this entity (any spelling/title).")
    ] = None,
    min_size: Annotated[int, typer.Option(help="Only stories told at least this many times.")] = 1,
    limit: Annotated[int, typer.Option()] = 50,
    fmt: Fmt = "table",
) -> None:
    """List stories (clusters of near-duplicate headlines), most retold first."""
    from worker import repo
    from worker.services import build_services

    services = build_services(_settings(db), embedded=True)
    keys = None
    if entity:
        from marsad.ner.canonical import query_keys

        keys = query_keys(entity)
    with services.sessions() as session:
        records = repo.query_stories(
            session,
            since=_date(since, "--since"),
            source=source,
            entity_keys=keys,
            min_size=min_size,
            limit=limit,
        )
    _emit(records, fmt, ["cluster", "size", "outlets", "first_published", "title"])


@app.command()
def show(
    article_id: Annotated[int, typer.Argument(help="Article id (from `marsad articles`).")],
    db: DbOpt = None,
) -> None:
    """One stored article as JSON: text, entities, attributions, quantities, its story."""
    from worker import repo
    from worker.services import build_services

    services = build_services(_settings(db), embedded=True)
    with services.sessions() as session:
        record = repo.article_detail(session, article_id)
    if record is None:
        err.print(f"[red]error[/red] no article {article_id} in the store")
        raise typer.Exit(code=1)
    sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n")


@app.command()
def numbers(
    db: DbOpt = None,
    cluster: Annotated[int | None, typer.Option(help="Only this story cluster.")] = None,
    unit: Annotated[
        str | None, typer.Option(help="Only counted nouns containing these words (مرتزق).")
    ] = None,
    disputed: Annotated[
        bool,
        typer.Option("--disputed", help="Only nouns a story reports with different values."),
    ] = False,
    limit: Annotated[int, typer.Option()] = 200,
    fmt: Fmt = "table",
) -> None:
    """Numbers per story: which outlets report which value (1500 مرتزق vs 2000 مرتزق)."""
    from worker import repo
    from worker.services import build_services

    _need_words(unit, "--unit")
    services = build_services(_settings(db), embedded=True)
    with services.sessions() as session:
        records = repo.query_numbers(
            session, cluster=cluster, unit=unit, disputed=disputed, limit=limit
        )
    if fmt == "table":
        for r in records:
            r["value"] = r["text"] if r["value"] is None else _number(r["value"])
            r["other_values"] = ", ".join("vague" if v is None else _number(v)
                                          for v in r["other_values"])
            r["outlets"] = ", ".join(r["outlets"])
    _emit(records, fmt, ["cluster", "unit", "value", "articles", "outlets", "other_values"])


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _emit(records: list[dict[str, Any]], fmt: str, columns: list[str]) -> None:
    if fmt == "json":
        for r in records:
            sys.stdout.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
        return
    if fmt != "table":
        raise typer.BadParameter("expected table or json", param_hint="--format")
    table = Table(show_header=True)
    for c in columns:
        table.add_column(c)
    for r in records:
        table.add_row(*("" if r.get(c) is None else str(r.get(c)) for c in columns))
    out.print(table)
    err.print(f"{len(records)} row(s)")


@db_app.command("upgrade")
def db_upgrade(db: DbOpt = None) -> None:
    """Run the migrations up to head."""
    from worker.store import current_revision, upgrade

    settings = _settings(db)
    upgrade(settings.database_url)
    out.print(f"database at revision {current_revision(settings.database_url)}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
