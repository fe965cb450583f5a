"""Settings come from the environment once; every task has a name and a queue."""

from __future__ import annotations

import pytest

from worker.queues import TASK_ROUTES, Queue, TaskName, queue_of
from worker.settings import Settings


def test_settings_defaults_are_the_embedded_ones() -> None:
    s = Settings.from_env({})
    assert s.database_url == "sqlite:///marsad.db"
    assert s.broker_url.startswith("redis://127.0.0.1:6379")
    assert s.allow_private_hosts is False


def test_settings_read_prefixed_variables_with_types() -> None:
    s = Settings.from_env(
        {
            "MARSAD_DATABASE_URL": "postgresql+psycopg://u@h/db",
            "MARSAD_BROKER_URL": "redis://broker:6379/1",
            "MARSAD_ALLOW_PRIVATE_HOSTS": "1",
            "MARSAD_MIN_TEXT_CHARS": "50",
            "MARSAD_DEDUP_THRESHOLD": "0.8",
            "CAMELTOOLS_DATA": "/opt/camel",
        }
    )
    assert s.database_url == "postgresql+psycopg://u@h/db"
    assert s.broker_url == "redis://broker:6379/1"
    assert s.allow_private_hosts is True
    assert s.min_text_chars == 50
    assert s.dedup_threshold == pytest.approx(0.8)
    assert s.camel_data == "/opt/camel"
    assert s.effective_dedup_redis_url == "redis://broker:6379/1"


def test_every_task_name_routes_to_its_queue() -> None:
    assert queue_of(TaskName.RECEIVE) is Queue.INGEST
    assert queue_of(TaskName.FETCH) is Queue.INGEST
    assert queue_of(TaskName.POLL_FEED) is Queue.INGEST
    assert queue_of(TaskName.ANALYSE) is Queue.ANALYSIS
    with pytest.raises(KeyError):
        queue_of("other.task")
    assert set(r["queue"] for r in TASK_ROUTES.values()) == {"ingest", "analysis"}


def test_celery_app_reliability_and_registered_tasks() -> None:
    from worker.app import app

    app.loader.import_default_modules()
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == "json"
    assert conf.worker_send_task_events is True
    registered = {name for name in app.tasks if name.startswith("marsad.")}
    assert {t.value for t in TaskName} <= registered
    for name in registered:
        queue_of(name)  # every marsad task is routed
    beat_tasks = {entry["task"] for entry in conf.beat_schedule.values()}
    assert TaskName.SCHEDULE_FEEDS.value in beat_tasks and TaskName.SWEEP.value in beat_tasks


def test_compose_file_uses_the_same_queue_names() -> None:
    from pathlib import Path

    import yaml

    compose = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text()
    )
    services = compose["services"]
    assert "-Q" in services["worker-ingest"]["command"]
    ingest_cmd = services["worker-ingest"]["command"]
    analysis_cmd = services["worker-analysis"]["command"]
    assert ingest_cmd[ingest_cmd.index("-Q") + 1] == Queue.INGEST.value
    assert analysis_cmd[analysis_cmd.index("-Q") + 1] == Queue.ANALYSIS.value
    for name in ("redis", "postgres", "migrate", "beat", "flower"):
        assert name in services
