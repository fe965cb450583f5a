"""Start and stop real marsad processes (the commands docker-compose.yml runs) in tests."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
E2E_REDIS_URL = os.environ.get("MARSAD_TEST_E2E_REDIS_URL", "redis://127.0.0.1:6379/14")


def compose_command(service: str) -> list[str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return list(compose["services"][service]["command"])


def bin_path(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} not installed next to {sys.executable}"
    return found


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [bin_path(cmd[0]), *cmd[1:]],
        env=env,
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_for(predicate: Callable[[], bool], timeout: float, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(1)
    tails = "\n".join(
        f"--- {p.name}\n" + p.read_text(errors="replace")[-3000:] for p in logs if p.exists()
    )
    pytest.fail(f"timed out waiting for {what}\n{tails}")


def run_marsad(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """One `marsad` CLI call as a user would type it (stdout/stderr captured as text)."""
    return subprocess.run(
        [bin_path("marsad"), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def migrate(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The compose file's one-shot `migrate` service, run locally."""
    result = run_marsad(*compose_command("migrate")[1:], env=env)
    assert result.returncode == 0, result.stderr
    return result
