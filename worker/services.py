"""Per-process services (store sessions, dedup index, NER model), built once, lazily.

A Celery worker process builds these on its first task, after the fork, so every process
has its own database pool and Redis connection; models load once per process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from marsad.analyse import ExtractOptions, Recognizer
from worker.settings import Settings, get_settings
from worker.store import ensure_schema, session_factory

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    sessions: sessionmaker[Session]
    dedup: Any  # marsad.dedup.MemoryIndex | marsad.dedup.RedisIndex
    dedup_mode: str
    _recognizer: Recognizer | None = field(default=None, repr=False)
    _recognizer_loaded: bool = field(default=False, repr=False)
    ner_status: str = ""

    @property
    def extract_options(self) -> ExtractOptions:
        return ExtractOptions(
            min_text_chars=self.settings.min_text_chars,
            require_arabic=self.settings.require_arabic,
        )

    def recognizer(self) -> Recognizer | None:
        """The NER backend, loaded on first use; None (with a logged reason) if unavailable."""
        if not self._recognizer_loaded:
            self._recognizer_loaded = True
            self._recognizer, self.ner_status = load_recognizer(self.settings)
        return self._recognizer


def load_recognizer(settings: Settings) -> tuple[Recognizer | None, str]:
    from marsad.errors import MarsadError
    from marsad.ner import get_recognizer

    try:
        rec = get_recognizer(
            settings.ner_backend,
            model_path=settings.ner_model_path or None,
            camel_data=settings.camel_data or None,
        )
    except (MarsadError, OSError, ImportError) as exc:
        msg = f"NER disabled: {exc}"
        log.warning(msg)
        return None, msg
    return rec, f"NER backend: {rec.name}"


def dedup_mode_for(settings: Settings, *, embedded: bool) -> str:
    if settings.dedup_backend in ("memory", "redis"):
        return settings.dedup_backend
    if embedded:
        return "memory"
    return (
        "redis"
        if settings.effective_dedup_redis_url.startswith(("redis://", "rediss://"))
        else "memory"
    )


def build_services(settings: Settings, *, embedded: bool) -> Services:
    """Bring the store to head and build the dedup index (restored from the store if in memory)."""
    from marsad.dedup import DEFAULT_THRESHOLD, MemoryIndex, RedisIndex
    from worker import repo

    ensure_schema(settings.database_url)
    sessions = session_factory(settings.database_url)
    threshold = settings.dedup_threshold or DEFAULT_THRESHOLD
    window = settings.dedup_window_days * 86400 if settings.dedup_window_days > 0 else None
    mode = dedup_mode_for(settings, embedded=embedded)
    if mode == "redis":
        import redis

        client = redis.Redis.from_url(settings.effective_dedup_redis_url)
        index: Any = RedisIndex(
            client, prefix=settings.dedup_prefix, threshold=threshold, window=window
        )
    else:
        index = MemoryIndex(threshold=threshold, window=window)
        with sessions() as session:
            index.restore(repo.dedup_entries(session))
    return Services(settings=settings, sessions=sessions, dedup=index, dedup_mode=mode)


@lru_cache(maxsize=1)
def worker_services() -> Services:
    """The services of this worker process."""
    return build_services(get_settings(), embedded=False)
