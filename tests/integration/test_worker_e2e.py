"""A real worker fleet against the local Redis and PostgreSQL, started with the exact
commands docker-compose.yml runs (migrate, worker-ingest, worker-analysis)."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest
from fleet import compose_command as _compose_command
from fleet import migrate as _migrate
from fleet import run_marsad as _run_marsad
from fleet import start as _start
from fleet import stop as _stop
from fleet import wait_for as _wait_for
from sqlalchemy import create_engine, func, select, text

from schemas.models import Article, Document

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

PLACES = [
    "طرابلس",
    "بنغازي",
    "الجزائر",
    "تونس",
    "الرباط",
    "القاهرة",
    "عمان",
    "بيروت",
    "دمشق",
    "بغداد",
    "الرياض",
    "الدوحة",
    "مسقط",
    "صنعاء",
    "الخرطوم",
    "نواكشوط",
    "الكويت",
    "المنامة",
    "أبوظبي",
    "القدس",
]
TOPICS = [
    "افتتاح مستشفى جديد",
    "إضراب عمال الموانئ",
    "ارتفاع أسعار الخبز",
    "انقطاع الكهرباء",
    "فيضانات تغمر الأحياء",
    "مهرجان للكتاب",
    "انتخابات بلدية",
    "إطلاق خط قطار",
    "حريق في سوق شعبي",
    "تعديل وزاري",
    "موجة حر",
    "اتفاق لتبادل الأسرى",
    "زيادة الرواتب",
    "إغلاق المدارس",
    "قمة اقتصادية",
    "تدشين ميناء",
    "اكتشاف حقل غاز",
    "احتجاجات طلابية",
    "حملة تلقيح",
    "معرض للسيارات",
]


def _write_documents(folder: Path) -> None:
    """Twenty distinct stories, written for this test (text files: first line is the title)."""
    folder.mkdir()
    for i, (place, topic) in enumerate(zip(PLACES, TOPICS, strict=True)):
        body = (
            f"{topic} في {place} وسط متابعة واسعة من السكان\n"
            f"شهدت مدينة {place} يوم الأحد {topic}، وقال مسؤول محلي إن السلطات تتابع الوضع "
            f"عن كثب وإن {i + 3} فرق ميدانية انتشرت في الأحياء المعنية منذ الصباح الباكر. "
            f"وأضاف أن الحكومة خصصت ميزانية إضافية لمواجهة تداعيات {topic} خلال الأسابيع "
            f"المقبلة، فيما دعا ناشطون إلى مزيد من الشفافية في إدارة الملف وتقديم المعلومات "
            f"للمواطنين بشكل منتظم عبر وسائل الإعلام الرسمية والمنصات الرقمية.\n"
        )
        (folder / f"story-{i:02d}.txt").write_text(body, encoding="utf-8")


def _counts(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            docs = conn.scalar(select(func.count()).select_from(Document))
            arts = conn.scalar(select(func.count()).select_from(Article))
            return int(docs or 0), int(arts or 0)
    finally:
        engine.dispose()


def _queues_drained(env: dict[str, str]) -> bool:
    import redis as redis_lib

    client = redis_lib.Redis.from_url(env["MARSAD_BROKER_URL"])
    return (
        client.llen("ingest") == 0 and client.llen("analysis") == 0 and client.hlen("unacked") == 0
    )


def test_twenty_documents_become_twenty_articles_once(
    fleet_env: dict[str, str], tmp_path: Path
) -> None:
    env = fleet_env
    migrate = _migrate(env)
    assert "revision" in migrate.stdout

    docs = tmp_path / "docs"
    _write_documents(docs)
    logs = [tmp_path / "worker-ingest.log", tmp_path / "worker-analysis.log"]
    workers = [
        _start(
            [*_compose_command("worker-ingest"), "--hostname", f"ingest-{uuid.uuid4().hex[:6]}@%h"],
            env,
            logs[0],
        ),
        _start(
            [
                *_compose_command("worker-analysis"),
                "--hostname",
                f"analysis-{uuid.uuid4().hex[:6]}@%h",
            ],
            env,
            logs[1],
        ),
    ]
    try:
        submit = _run_marsad("submit", str(docs), "--source", "وكالة الاختبار", env=env)
        assert submit.returncode == 0, submit.stderr
        assert "submitted 20" in submit.stdout

        db = env["MARSAD_DATABASE_URL"]
        _wait_for(lambda: _counts(db) == (20, 20), 240, "20 documents and 20 articles", logs)

        again = _run_marsad("submit", str(docs), env=env)
        assert again.returncode == 0, again.stderr
        time.sleep(2)
        _wait_for(lambda: _queues_drained(env), 120, "queues to drain", logs)
        time.sleep(2)
        assert _counts(db) == (20, 20)

        engine = create_engine(db)
        with engine.connect() as conn:
            statuses = dict(
                conn.execute(text("SELECT outcome, count(*) FROM documents GROUP BY outcome")).all()
            )
            sources = conn.scalar(
                text("SELECT count(*) FROM sources WHERE name = 'وكالة الاختبار'")
            )
        engine.dispose()
        assert statuses == {"ok": 20}, statuses
        assert sources == 1
        # the analysts' queries run on PostgreSQL too
        cited = _run_marsad("articles", "--cited", "مسؤول محلى", "--format", "json", env=env)
        assert cited.returncode == 0, cited.stderr
        assert len(cited.stdout.splitlines()) == 20
        nums = _run_marsad("numbers", "--unit", "فرق", "--format", "json", env=env)
        assert nums.returncode == 0, nums.stderr
        values = sorted(json.loads(x)["value"] for x in nums.stdout.splitlines())
        assert values == [float(i + 3) for i in range(20)]
        newest = _run_marsad("numbers", "--limit", "3", "--format", "json", env=env)
        assert newest.returncode == 0, newest.stderr
        assert len(newest.stdout.splitlines()) == 3
        disputed = _run_marsad("numbers", "--disputed", "--format", "json", env=env)
        assert disputed.returncode == 0 and disputed.stdout == ""  # 20 single-article stories
        for proc in workers:
            assert proc.poll() is None, "a worker died"
    finally:
        for proc in workers:
            _stop(proc)


def test_sweeper_recovers_documents_whose_messages_were_lost(
    fleet_env: dict[str, str], tmp_path: Path
) -> None:
    """A document stored but never enqueued (as after a broker restart) is still analysed."""
    import dataclasses

    from worker import pipeline, repo
    from worker.services import build_services
    from worker.settings import Settings

    env = {**fleet_env, "MARSAD_SWEEP_EVERY": "1", "MARSAD_SWEEP_STALE_AFTER": "0"}
    settings = dataclasses.replace(
        Settings(), database_url=env["MARSAD_DATABASE_URL"], dedup_backend="memory"
    )
    services = build_services(settings, embedded=True)
    docs = tmp_path / "docs"
    _write_documents(docs)
    ids = []
    for path in sorted(docs.iterdir())[:3]:
        doc_id, created, step = pipeline.intake(
            services, repo.Intake(kind="text", content=path.read_bytes())
        )
        assert created and step == "analyse"  # stored, but no message sent
        ids.append(doc_id)
    logs = [tmp_path / "worker.log", tmp_path / "beat.log"]
    # The CLI wrappers this time: `marsad worker` and `marsad beat`.
    procs = [
        _start(
            [
                "marsad",
                "worker",
                "-Q",
                "ingest,analysis",
                "-c",
                "1",
                "--hostname",
                f"sweep-{uuid.uuid4().hex[:6]}@%h",
            ],
            env,
            logs[0],
        ),
        _start(["marsad", "beat", "--schedule", str(tmp_path / "beat-schedule")], env, logs[1]),
    ]
    try:
        _wait_for(
            lambda: _counts(env["MARSAD_DATABASE_URL"]) == (3, 3), 180, "3 swept articles", logs
        )
    finally:
        for p in procs:
            _stop(p)


def test_flower_starts_against_the_broker_with_basic_auth(
    fleet_env: dict[str, str], tmp_path: Path
) -> None:
    import socket

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**fleet_env, "MARSAD_FLOWER_BASIC_AUTH": "analyst:s3cret-for-test"}
    log = tmp_path / "flower.log"
    proc = _start(["marsad", "flower", "--port", str(port), "--address=127.0.0.1"], env, log)
    try:

        def up() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/healthcheck", timeout=1).status_code in (
                    200,
                    401,
                )
            except httpx.HTTPError:
                return False

        _wait_for(up, 60, "flower to listen", [log])
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 401
        ok = httpx.get(f"http://127.0.0.1:{port}/", auth=("analyst", "s3cret-for-test"), timeout=5)
        assert ok.status_code == 200 and "Flower" in ok.text
    finally:
        _stop(proc)
