"""Run every benchmark and print its numbers (`make bench`). Nothing here asserts: quality
floors live in the tests, speed is reported here.

    .venv/bin/python bench/run_all.py            # full sizes (dedup at 100k and 1M: minutes)
    .venv/bin/python bench/run_all.py --quick    # small sizes, for a quick look
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    runs = [
        ["dates_bench.py"],
        ["dedup_bench.py", *(["--n", "20000", "--datasketch-n", "20000", "--redis-n", "2000"]
                             if args.quick else [])],
        ["ner_neural_bench.py"],  # the default NER backend: F1 and tokens/s
        ["ner_bench.py"],  # the CRF backend
        ["attribution_bench.py", *(["--repeat", "3"] if args.quick else [])],
        ["pipeline_bench.py", *(["--copies", "2"] if args.quick else [])],
    ]
    failed = 0
    for cmd in runs:
        print(f"\n===== {' '.join(cmd)}", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(BENCH / cmd[0]), *cmd[1:]])
        print(f"===== {cmd[0]}: exit {rc}, {time.perf_counter() - t0:.1f}s", flush=True)
        failed += rc != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
