"""The in-process pipeline on SQLite: intake first, idempotent analysis, recorded failures."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from schemas.models import (
    Article,
    AttributionRow,
    Cluster,
    DedupEntry,
    Document,
    Mention,
    QuantityRow,
)
from worker import pipeline, repo
from worker.services import build_services
from worker.settings import Settings

BODY = (
    "أعلنت وزارة الصحة في تونس يوم الاثنين عن تسجيل ١٢ إصابة جديدة بالحمى في ولاية صفاقس، "
    "وقال المتحدث باسم الوزارة إن الفرق الطبية تتابع الحالات عن كثب. وأضاف أن 4 مستشفيات "
    "رفعت درجة التأهب، فيما نفت مصادر طبية وجود أي وفيات حتى الآن. وبحسب وكالة تونس إفريقيا "
    "للأنباء فإن السلطات خصصت 300 سرير إضافي لمواجهة أي طارئ خلال الأسابيع المقبلة."
)


def _services(url: str):  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(Settings(), database_url=url, dedup_backend="memory")
    return build_services(settings, embedded=True)


def _run(services, intake: repo.Intake) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    doc_id, _created, step = pipeline.intake(services, intake)
    outcome = pipeline.process(services, doc_id) if step == "analyse" else "skipped"
    return doc_id, outcome


def test_text_document_becomes_article_with_analysis(sqlite_url: str) -> None:
    services = _services(sqlite_url)
    title = "تونس: تسجيل 12 إصابة جديدة بالحمى في صفاقس"
    doc_id, outcome = _run(
        services, repo.Intake(kind="text", content=f"{title}\n{BODY}", source="تونس اليوم")
    )
    assert outcome == "ok"
    with services.sessions() as s:
        article = s.get(Article, doc_id)
        assert article is not None
        assert article.title == title
        assert article.language == "ar"
        assert "١٢" not in article.text or "12" in article.text
        assert article.cluster_id == doc_id and not article.is_duplicate
        assert (
            s.scalar(
                select(func.count())
                .select_from(QuantityRow)
                .where(QuantityRow.article_id == doc_id)
            )
            >= 2
        )
        assert (
            s.scalar(
                select(func.count())
                .select_from(AttributionRow)
                .where(AttributionRow.article_id == doc_id)
            )
            >= 1
        )
        assert (
            s.scalar(select(func.count()).select_from(Mention).where(Mention.article_id == doc_id))
            >= 1
        )
        assert s.get(Document, doc_id).outcome == "ok"


def test_same_input_twice_is_one_document_and_reprocessing_is_a_no_op(sqlite_url: str) -> None:
    services = _services(sqlite_url)
    item = repo.Intake(kind="text", content=f"عنوان الخبر عن الحمى في صفاقس\n{BODY}")
    first, _ = _run(services, item)
    second_id, created, step = pipeline.intake(services, item)
    assert (second_id, created, step) == (first, False, None)
    assert pipeline.process(services, first) == "ok"  # redelivered analysis message
    with services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 1
        assert s.scalar(select(func.count()).select_from(Article)) == 1


def test_republished_headline_joins_the_cluster_and_survives_restart(sqlite_url: str) -> None:
    services = _services(sqlite_url)
    a, _ = _run(
        services, repo.Intake(kind="text", content=f"تسجيل 12 إصابة جديدة بالحمى في صفاقس\n{BODY}")
    )
    # Same story, republished: "عاجل |" kicker, hamza/diacritic and digit variants, other body.
    b, outcome = _run(
        services,
        repo.Intake(
            kind="text",
            content=f"عاجل | تسجيل ١٢ إصابة جديدة بالحُمّى في صفاقس\n{BODY} وتابعت الوزارة الوضع.",
        ),
    )
    assert outcome == "duplicate"
    # A new process (new index restored from the store) still knows yesterday's headline.
    fresh = _services(sqlite_url)
    assert len(fresh.dedup) == 2
    c, outcome = _run(
        fresh,
        repo.Intake(
            kind="text", content=f"تسجيل 12 إصابة جديدة بالحمى في صفاقس - تونس اليوم\n{BODY} تحديث."
        ),
    )
    assert outcome == "duplicate"
    with fresh.sessions() as s:
        clusters = {s.get(Article, i).cluster_id for i in (a, b, c)}
        assert clusters == {a}
        assert s.scalar(select(func.count()).select_from(Cluster)) == 1
        assert s.scalar(select(func.count()).select_from(DedupEntry)) == 3


@pytest.mark.parametrize(
    ("intake", "code"),
    [
        (repo.Intake(kind="text", content=b""), "extraction_empty"),
        (
            repo.Intake(
                kind="html", content=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
            ),
            "unsupported_content",
        ),
        (repo.Intake(kind="text", content="خبر قصير\nسطر واحد فقط."), "too_short"),
        (
            repo.Intake(
                kind="text", content="Breaking news\n" + "This is an English article. " * 30
            ),
            "not_arabic",
        ),
    ],
)
def test_bad_documents_are_recorded_failed_and_the_batch_continues(
    sqlite_url: str, intake: repo.Intake, code: str
) -> None:
    services = _services(sqlite_url)
    bad_id, outcome = _run(services, intake)
    assert outcome == code
    good_id, good = _run(
        services, repo.Intake(kind="text", content=f"خبر جيد عن الحمى في صفاقس\n{BODY}")
    )
    assert good == "ok"
    with services.sessions() as s:
        bad = s.get(Document, bad_id)
        assert bad.status == "failed" and bad.outcome == code
        assert bad.error_message  # a human-readable reason
        assert s.get(Article, bad_id) is None
        assert s.get(Article, good_id) is not None


def test_rejected_payload_is_recorded(sqlite_url: str) -> None:
    from marsad.errors import InvalidPayload
    from schemas.messages import parse_payload

    services = _services(sqlite_url)
    payload = {"html": "<p>x</p>", "text": "y"}
    with pytest.raises(InvalidPayload) as info:
        parse_payload(payload)
    with services.sessions() as s:
        doc = repo.record_rejected_payload(s, payload, info.value)
        assert doc.outcome == "invalid_payload" and "either html or text" in doc.error_message


class _RedisDown:
    """A dedup index whose Redis connection is gone."""

    def assign(self, *args: object, **kwargs: object) -> object:
        import redis

        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6390")


def test_lost_redis_is_transient_and_the_document_stays_pending(sqlite_url: str) -> None:
    from marsad.errors import StoreUnavailable

    services = _services(sqlite_url)
    working_index = services.dedup
    doc_id, _, step = pipeline.intake(
        services, repo.Intake(kind="text", content=f"خبر عن الحمى في صفاقس\n{BODY}")
    )
    assert step == "analyse"
    services.dedup = _RedisDown()
    with pytest.raises(StoreUnavailable) as info:
        pipeline.process(services, doc_id)
    assert info.value.retryable and "ConnectionError" in str(info.value)
    with services.sessions() as s:
        doc = s.get(Document, doc_id)
        assert doc.status == "pending" and doc.outcome is None  # not failed: retried later
    services.dedup = working_index
    assert pipeline.process(services, doc_id) == "ok"


def test_backoff_honours_retry_after_and_caps() -> None:
    from tasks.base import BACKOFF_CAP, backoff_seconds

    assert backoff_seconds(0, None) == 5.0
    assert backoff_seconds(3, None) == 40.0
    assert backoff_seconds(20, None) == BACKOFF_CAP
    assert backoff_seconds(0, 120.0) == 120.0


def test_a_recurring_headline_a_month_later_is_a_new_story(sqlite_url: str) -> None:
    """The dedup window: same headline 30 days apart -> two stories; 2 days apart -> one."""
    services = _services(sqlite_url)
    title = "ارتفاع أسعار الذهب في الأسواق المحلية"

    def article(day: str, extra: str) -> repo.Intake:
        return repo.Intake(kind="text", content=f"{title}\nنشر في {day}\n{BODY} {extra}")

    first, _ = _run(services, article("1 مارس 2024", "أ"))
    second, outcome2 = _run(services, article("3 مارس 2024", "ب"))
    third, outcome3 = _run(services, article("2 أبريل 2024", "ج"))
    assert outcome2 == "duplicate" and outcome3 == "ok"
    with services.sessions() as s:
        assert s.get(Article, second).cluster_id == first
        assert s.get(Article, third).cluster_id == third
        assert s.get(Article, third).published_at.isoformat() == "2024-04-02"
