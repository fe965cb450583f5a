"""End-to-end embedded pipeline throughput: documents/s through extract -> dedup -> analyse ->
persist on SQLite, using the shipped samples with their bodies varied so nothing is skipped.

    .venv/bin/python bench/pipeline_bench.py [--copies 10]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker import pipeline, repo  # noqa: E402
from worker.services import build_services  # noqa: E402
from worker.settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=10, help="variants of each sample")
    args = parser.parse_args()
    samples = sorted(p for p in (ROOT / "samples").iterdir() if p.suffix in (".html", ".txt"))
    with tempfile.TemporaryDirectory() as tmp:
        settings = dataclasses.replace(Settings(), database_url=f"sqlite:///{tmp}/bench.db",
                                       dedup_backend="memory")
        services = build_services(settings, embedded=True)
        services.recognizer()  # load the model outside the timed loop
        timings: list[float] = []
        outcomes: dict[str, int] = {}
        start = time.perf_counter()
        for copy in range(args.copies):
            for path in samples:
                data = path.read_bytes() + f"\n<!-- variant {copy} -->\n".encode()
                kind = "html" if path.suffix == ".html" else "text"
                t0 = time.perf_counter()
                doc_id, _, step = pipeline.intake(services, repo.Intake(kind=kind, content=data))
                outcome = pipeline.process(services, doc_id) if step == "analyse" else "skipped"
                timings.append(time.perf_counter() - t0)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        total = time.perf_counter() - start
    n = len(timings)
    print(f"pipeline (embedded, SQLite): {n} documents in {total:.2f}s = {n / total:.1f} docs/s")
    print(f"  per document: median {statistics.median(timings) * 1000:.1f} ms, "
          f"p95 {sorted(timings)[int(n * 0.95) - 1] * 1000:.1f} ms")
    print(f"  outcomes: {outcomes}")


if __name__ == "__main__":
    main()
