"""Per-domain politeness, measured at a real server from its request log.

The Redis tests run TWO worker processes sharing one RedisDomainLimiter, because that is
the deployment the limiter exists for (Celery workers with no shared memory).
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from marsad.errors import FetchUnavailable
from marsad.fetch.client import fetch
from marsad.fetch.options import FetchOptions
from marsad.fetch.politeness import LocalDomainLimiter, PolitenessTimeout, RedisDomainLimiter

REPO = Path(__file__).resolve().parents[2]
LOCAL = FetchOptions(allow_private_hosts=True, respect_robots=False)
# Request starts are timed at the server; process scheduling on a busy 2-core box adds
# tens of ms of jitter between the limiter's decision (Redis clock) and the request
# arriving. The mean gap, which jitter cannot shrink, is checked much tighter.
TOLERANCE = 0.06


import local_http  # noqa: E402  (tests/helpers is on sys.path, see tests/conftest.py)

Reply = local_http.Reply


def _gaps(records) -> list[float]:
    starts = sorted(r.start for r in records)
    return [b - a for a, b in itertools.pairwise(starts)]


@pytest.fixture
def server():
    with local_http.LocalHTTPServer() as srv:
        yield srv


@pytest.fixture
def redis_env():
    redis = pytest.importorskip("redis")
    url = os.environ.get("MARSAD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {url} unreachable in CI: {exc}")
        pytest.skip(f"Redis at {url} unreachable ({exc}); set MARSAD_TEST_REDIS_URL")
    prefix = f"marsad-test:polite:{uuid.uuid4().hex}"
    yield client, url, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.delete(f"{prefix}-go")
    client.close()


# --- in-process limiter ------------------------------------------------------------


def test_local_limiter_spaces_starts_and_caps_concurrency(server):
    server.route("/slow", Reply(delay=0.3, headers={"Content-Type": "text/html"}, body=b"ok"))
    limiter = LocalDomainLimiter(min_interval=0.15, max_concurrency=2)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            fetch(server.url(f"/slow?i={i}"), LOCAL, limiter=limiter)
        except BaseException as exc:  # surfaced by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    records = server.requests_to("/slow")
    assert len(records) == 6
    gaps = _gaps(records)
    assert min(gaps) >= 0.15 - TOLERANCE, f"gaps: {[round(g, 3) for g in gaps]}"
    assert server.max_active == 2, server.max_active  # reached, never exceeded


def test_local_limiter_keeps_domains_independent():
    limiter = LocalDomainLimiter(min_interval=0.5, max_concurrency=1)
    t0 = time.monotonic()
    with limiter.acquire("a.example"), limiter.acquire("b.example"):
        pass
    assert time.monotonic() - t0 < 0.2
    with limiter.acquire("a.example"):
        pass
    assert time.monotonic() - t0 >= 0.45


def test_local_limiter_times_out_when_slots_are_held():
    limiter = LocalDomainLimiter(min_interval=0, max_concurrency=1, acquire_timeout=0.2)
    with (
        limiter.acquire("a.example"),
        pytest.raises(PolitenessTimeout),
        limiter.acquire("a.example"),
    ):
        pass


# --- Redis limiter, two processes -----------------------------------------------------

CHILD = r"""
import sys, threading, time
import redis
from marsad.errors import FetchUnavailable
from marsad.fetch.client import fetch
from marsad.fetch.options import FetchOptions
from marsad.fetch.politeness import RedisDomainLimiter

base, redis_url, prefix, interval, maxc, threads, per_thread = sys.argv[1:8]
r = redis.Redis.from_url(redis_url)
limiter = RedisDomainLimiter(r, float(interval), int(maxc), prefix)
opts = FetchOptions(allow_private_hosts=True, respect_robots=False)
print("ready", flush=True)
while not r.exists(prefix + "-go"):
    time.sleep(0.005)
failures = []
def work(t):
    for i in range(int(per_thread)):
        try:
            fetch(f"{base}/slow?pid={__import__('os').getpid()}&t={t}&i={i}", opts, limiter=limiter)
        except Exception as exc:
            failures.append(repr(exc))
ts = [threading.Thread(target=work, args=(t,)) for t in range(int(threads))]
for t in ts: t.start()
for t in ts: t.join()
print("failures", len(failures), failures[:3], flush=True)
sys.exit(1 if failures else 0)
"""


def _run_two_workers(server, redis_env, interval: float, maxc: int, threads: int, per: int):
    client, url, prefix = redis_env
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                CHILD,
                server.base_url,
                url,
                prefix,
                str(interval),
                str(maxc),
                str(threads),
                str(per),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )
        for _ in range(2)
    ]
    try:
        for p in procs:
            line = p.stdout.readline()
            assert line.strip() == "ready", p.stderr.read()
        client.set(f"{prefix}-go", 1, ex=60)
        outputs = [p.communicate(timeout=60) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for p, (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, out + err
    return server.requests_to("/slow")


@pytest.mark.redis
def test_redis_limiter_two_processes_respect_min_interval(server, redis_env):
    server.route("/slow", Reply(headers={"Content-Type": "text/html"}, body=b"ok"))
    records = _run_two_workers(server, redis_env, interval=0.25, maxc=8, threads=2, per=4)
    assert len(records) == 16
    assert len({r.query.split("&")[0] for r in records}) == 2  # both processes fetched
    gaps = _gaps(records)
    assert min(gaps) >= 0.25 - TOLERANCE, f"gaps: {[round(g, 3) for g in gaps]}"
    assert sum(gaps) / len(gaps) >= 0.25 - 0.01, f"gaps: {[round(g, 3) for g in gaps]}"


@pytest.mark.redis
def test_redis_limiter_two_processes_cap_concurrency(server, redis_env):
    server.route("/slow", Reply(delay=0.45, headers={"Content-Type": "text/html"}, body=b"ok"))
    records = _run_two_workers(server, redis_env, interval=0.1, maxc=2, threads=3, per=2)
    assert len(records) == 12
    assert len({r.query.split("&")[0] for r in records}) == 2
    assert server.max_active == 2, f"max concurrent requests seen by server: {server.max_active}"
    assert min(_gaps(records)) >= 0.1 - TOLERANCE


@pytest.mark.redis
def test_redis_lease_of_crashed_worker_expires(redis_env):
    client, _, prefix = redis_env
    crashed = RedisDomainLimiter(client, 0.0, 1, prefix, lease_seconds=0.4)
    held = crashed.acquire("akhbar.example")
    held.__enter__()  # never exits: the worker "died" (a kill -9 runs no finally)
    other = RedisDomainLimiter(client, 0.0, 1, prefix, lease_seconds=5, acquire_timeout=5)
    t0 = time.monotonic()
    with other.acquire("akhbar.example"):
        waited = time.monotonic() - t0
    assert 0.3 <= waited < 2.0
    del held


def test_redis_outage_is_a_transient_fetch_error():
    redis = pytest.importorskip("redis")
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    dead = redis.Redis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0))
    limiter = RedisDomainLimiter(dead, 0.1, 1, "marsad-test:dead")
    with (
        pytest.raises(FetchUnavailable, match="politeness store unreachable"),
        limiter.acquire("akhbar.example"),
    ):
        pass


@pytest.mark.redis
def test_redis_acquire_times_out_with_transient_error(redis_env):
    client, _, prefix = redis_env
    holder = RedisDomainLimiter(client, 0.0, 1, prefix, lease_seconds=10)
    waiter = RedisDomainLimiter(client, 0.0, 1, prefix, acquire_timeout=0.3)
    with (
        holder.acquire("akhbar.example"),
        pytest.raises(PolitenessTimeout) as info,
        waiter.acquire("akhbar.example"),
    ):
        pass
    assert info.value.retryable is True
    with waiter.acquire("akhbar.example"):  # released on exit: free again
        pass
    assert client.zcard(f"{prefix}:{{akhbar.example}}:leases") == 0


def test_politeness_wait_does_not_count_against_the_deadline(server):
    server.route("/a", Reply(headers={"Content-Type": "text/html"}, body=b"ok"))
    limiter = LocalDomainLimiter(min_interval=0.6, max_concurrency=1)
    opts = FetchOptions(allow_private_hosts=True, respect_robots=False, total_deadline=0.4)
    fetch(server.url("/a"), opts, limiter=limiter)
    t0 = time.monotonic()
    second = fetch(server.url("/a"), opts, limiter=limiter)  # waits ~0.6 s for its slot
    assert time.monotonic() - t0 >= 0.5
    assert second.status == 200
    assert second.elapsed < 0.4
