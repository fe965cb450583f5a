"""The one typed settings object, read from the environment once.

Every knob the shell needs lives here; core functions get options as arguments and never
read the environment themselves. Variables are prefixed ``MARSAD_``; see README "Configuration".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import lru_cache


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; ``from_env`` maps ``MARSAD_<FIELD>`` onto each field."""

    broker_url: str = "redis://127.0.0.1:6379/0"
    database_url: str = "sqlite:///marsad.db"
    # Dedup index: "memory" (embedded, persisted in the store), "redis" (shared by all
    # workers), or "auto" (redis when the broker is Redis and we run as a worker).
    dedup_backend: str = "auto"
    dedup_redis_url: str = ""  # empty: same server as the broker
    dedup_prefix: str = "marsad:dedup"
    dedup_threshold: float | None = None  # None: marsad.dedup.DEFAULT_THRESHOLD
    # A headline only joins a story seen within this many days of it (0: no window).
    dedup_window_days: float = 7.0
    ner_backend: str = "auto"  # auto | neural | builtin (the CRF) | camel
    ner_model_path: str = ""
    camel_data: str = ""  # also read from CAMELTOOLS_DATA
    min_text_chars: int = 200
    require_arabic: bool = True
    allow_private_hosts: bool = False
    user_agent: str = "marsad/0.1 (+https://github.com/marsad-news/marsad; Arabic news monitor)"
    fetch_timeout: float = 20.0
    fetch_max_bytes: int = 10 * 1024 * 1024
    domain_min_interval: float = 1.0
    domain_max_concurrency: int = 2
    feed_default_interval: int = 900
    feed_max_failures: int = 10
    feed_max_items: int = 200
    beat_feeds_every: float = 60.0
    sweep_every: float = 300.0
    sweep_stale_after: float = 900.0
    task_max_retries: int = 5
    flower_basic_auth: str = ""  # "user:password"; never committed

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``MARSAD_*`` variables (and ``CAMELTOOLS_DATA``)."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"MARSAD_{f.name.upper()}")
            if raw is None:
                continue
            default = f.default
            if isinstance(default, bool):
                values[f.name] = _bool(raw)
            elif isinstance(default, int):
                values[f.name] = int(raw)
            elif isinstance(default, float) or f.name == "dedup_threshold":
                values[f.name] = float(raw) if raw.strip() else None
            else:
                values[f.name] = raw
        if "camel_data" not in values and env.get("CAMELTOOLS_DATA"):
            values["camel_data"] = env["CAMELTOOLS_DATA"]
        return cls(**values)  # type: ignore[arg-type]

    @property
    def effective_dedup_redis_url(self) -> str:
        return self.dedup_redis_url or self.broker_url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings, read once."""
    return Settings.from_env()
