"""Near-duplicate headline benchmark: quality on labeled pairs, speed and memory at scale.

Run (from the repo root)::

    nice .venv/bin/python bench/dedup_bench.py                   # quality + 100k + 1M + Redis 20k
    nice .venv/bin/python bench/dedup_bench.py --n 20000 --redis-n 2000   # quick

Quality: precision/recall/F1 on ``bench/data/headline_pairs.tsv`` for marsad and two baselines
(exact hash of a lower-cased ASCII-punctuation-stripped title; datasketch word-unigram MinHash
LSH at 0.7). Scale: synthetic headlines recombined from real ANT corpus titles (first line of
each article, read at run time from the shared data directory), 10% of them decorated copies
of earlier ones; insert throughput, RSS growth, lookup latency (median/p99).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import statistics
import string
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from marsad.dedup import DEFAULT_THRESHOLD, MemoryIndex, RedisIndex  # noqa: E402

PAIRS = ROOT / "bench" / "data" / "headline_pairs.tsv"
_ASCII_PUNCT = re.compile("[" + re.escape(string.punctuation) + "]")
DECORATIONS = (
    "عاجل | {}",
    "{} - الشروق أونلاين",
    "{} | هسبريس",
    "بالفيديو.. {}",
    "{} (صور)",
    "«{}»",
)


def shared_data() -> Path:
    env = os.environ.get("MARSAD_SHARED_DATA")
    return Path(env) if env else ROOT / ".." / "shared" / "data"


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# -- quality -------------------------------------------------------------------------


def load_pairs() -> list[tuple[str, str, int, str]]:
    with PAIRS.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t")
        return [(r["a"], r["b"], int(r["label"]), r["kind"]) for r in rows]


def baseline_key(title: str) -> str:
    return " ".join(_ASCII_PUNCT.sub("", title.lower()).split())


def same_marsad(threshold: float) -> Callable[[str, str], bool]:
    def same(a: str, b: str) -> bool:
        index = MemoryIndex(threshold=threshold)
        index.assign("a", a)
        return not index.assign("b", b).is_new

    return same


def same_exact(a: str, b: str) -> bool:
    return hash(baseline_key(a)) == hash(baseline_key(b))


def same_word_minhash(a: str, b: str) -> bool:
    from datasketch import MinHash, MinHashLSH

    def mh(t: str) -> MinHash:
        m = MinHash(num_perm=128)
        m.update_batch([w.encode() for w in baseline_key(t).split()])
        return m

    lsh = MinHashLSH(threshold=0.7, num_perm=128)
    lsh.insert("a", mh(a))
    return bool(lsh.query(mh(b)))


def score(pairs: list[tuple[str, str, int, str]], same: Callable[[str, str], bool]) -> dict:
    tp = fp = fn = tn = 0
    missed: dict[str, int] = {}
    for a, b, label, kind in pairs:
        pred = same(a, b)
        if pred and label:
            tp += 1
        elif pred:
            fp += 1
            missed[kind] = missed.get(kind, 0) + 1
        elif label:
            fn += 1
            missed[kind] = missed.get(kind, 0) + 1
        else:
            tn += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f1": f1, "tp": tp, "fp": fp, "fn": fn, "tn": tn, "errors": missed}


def run_quality(sweep: bool) -> None:
    pairs = load_pairs()
    pos = sum(p[2] for p in pairs)
    print(f"## Quality on {PAIRS.name}: {len(pairs)} pairs ({pos} same story, "
          f"{len(pairs) - pos} hard negatives)")
    print(f"{'method':44s} {'P':>6s} {'R':>6s} {'F1':>6s}   errors by kind")
    rows = [
        (f"marsad (threshold {DEFAULT_THRESHOLD})", same_marsad(DEFAULT_THRESHOLD)),
        ("exact hash, lower + ASCII punct stripped", same_exact),
        ("datasketch word-unigram MinHash LSH 0.7", same_word_minhash),
    ]
    if sweep:
        rows += [(f"marsad threshold {t}", same_marsad(t)) for t in (0.5, 0.6, 0.8, 0.9, 0.95)]
    for name, fn in rows:
        s = score(pairs, fn)
        errs = ", ".join(f"{k}:{v}" for k, v in sorted(s["errors"].items(), key=lambda kv: -kv[1]))
        print(f"{name:44s} {s['p']:6.3f} {s['r']:6.3f} {s['f1']:6.3f}   "
              f"fp={s['fp']} fn={s['fn']} [{errs}]")


# -- synthetic headlines ----------------------------------------------------------------


def corpus_titles() -> list[str]:
    base = shared_data() / "corpus" / "ant"
    titles: list[str] = []
    for path in sorted(base.glob("*/*.txt")):
        block_start = True
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line:
                block_start = True
                continue
            if block_start:
                titles.append(line)
                block_start = False
    if not titles:
        raise SystemExit(f"no titles under {base}")
    return titles


class Synth:
    """Headlines recombined from real title words; some are decorated copies of earlier ones."""

    def __init__(self, titles: list[str], seed: int = 1) -> None:
        self.rnd = random.Random(seed)
        self.templates = [t.split() for t in titles if 4 <= len(t.split()) <= 16]
        self.words = [w for t in self.templates for w in t]
        self.made: list[str] = []

    def fresh(self) -> str:
        tpl = self.rnd.choice(self.templates)
        words = [w if self.rnd.random() < 0.5 else self.rnd.choice(self.words) for w in tpl]
        return " ".join(words)

    def copy_of_earlier(self) -> str:
        return self.rnd.choice(DECORATIONS).format(self.rnd.choice(self.made))

    def next(self) -> str:
        h = self.copy_of_earlier() if self.made and self.rnd.random() < 0.1 else self.fresh()
        self.made.append(h)
        return h


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def run_scale(n: int, titles: list[str], queries: int) -> None:
    synth = Synth(titles, seed=n)
    headlines = [synth.next() for _ in range(n)]
    before = rss_mb()
    index = MemoryIndex()
    t0 = time.perf_counter()
    matched = 0
    for i, h in enumerate(headlines):
        matched += not index.assign(str(i), h).is_new
    elapsed = time.perf_counter() - t0
    grown = rss_mb() - before
    lat: list[float] = []
    cpu: list[float] = []  # CPU time too: on a shared box wall-clock p99 is mostly preemption
    qs = [synth.copy_of_earlier() if i % 2 else synth.fresh() for i in range(queries)]
    for q in qs:
        t, c = time.perf_counter(), time.thread_time()
        index.lookup(q)
        cpu.append((time.thread_time() - c) * 1e6)
        lat.append((time.perf_counter() - t) * 1e6)
    print(f"MemoryIndex n={n:>9,d}: insert+query {n / elapsed:8.0f}/s ({elapsed:6.1f} s), "
          f"matched {matched:,d}, RSS +{grown:7.1f} MB ({grown * 1e6 / n:5.0f} B/headline, "
          f"band arrays {index.nbytes_arrays() / 1e6:.0f} MB), lookup median "
          f"{statistics.median(lat):6.0f} us p99 {percentile(lat, 0.99):6.0f} us "
          f"(CPU time: median {statistics.median(cpu):.0f} us p99 {percentile(cpu, 0.99):.0f} us)")


def run_datasketch_scale(n: int, titles: list[str]) -> None:
    """Same workload with datasketch MinHashLSH (word unigrams, 128 perms) for comparison."""
    from datasketch import MinHash, MinHashLSH

    synth = Synth(titles, seed=n)
    headlines = [synth.next() for _ in range(n)]
    before = rss_mb()
    lsh = MinHashLSH(threshold=0.7, num_perm=128)
    t0 = time.perf_counter()
    for i, h in enumerate(headlines):
        m = MinHash(num_perm=128)
        m.update_batch([w.encode() for w in baseline_key(h).split()])
        lsh.query(m)
        lsh.insert(str(i), m)
    elapsed = time.perf_counter() - t0
    grown = rss_mb() - before
    print(f"datasketch LSH n={n:>9,d}: insert+query {n / elapsed:8.0f}/s ({elapsed:6.1f} s), "
          f"RSS +{grown:7.1f} MB ({grown * 1e6 / n:5.0f} B/headline)")


def run_redis(n: int, titles: list[str], url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as exc:
        print(f"RedisIndex: skipped, {url} unreachable ({exc})")
        return
    prefix = f"bench:marsad:dedup:{uuid.uuid4().hex}"
    index = RedisIndex(client, prefix=prefix)
    synth = Synth(titles, seed=7)
    lat: list[float] = []
    try:
        t0 = time.perf_counter()
        for i in range(n):
            h = synth.next()
            t = time.perf_counter()
            index.assign(str(i), h)
            lat.append((time.perf_counter() - t) * 1e6)
        elapsed = time.perf_counter() - t0
    finally:
        for key in client.scan_iter(f"{prefix}:*", count=1000):
            client.unlink(key)
    print(f"RedisIndex  n={n:>9,d}: assign {n / elapsed:8.0f}/s, latency median "
          f"{statistics.median(lat):6.0f} us p99 {percentile(lat, 0.99):6.0f} us ({url})")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, nargs="*", default=[100_000, 1_000_000],
                    help="MemoryIndex sizes (synthetic headlines)")
    ap.add_argument("--queries", type=int, default=5000, help="lookups timed after building")
    ap.add_argument("--datasketch-n", type=int, default=100_000,
                    help="size for the datasketch comparison (0 = skip)")
    ap.add_argument("--redis-n", type=int, default=20_000, help="RedisIndex size (0 = skip)")
    ap.add_argument("--redis-url", default=os.environ.get("MARSAD_TEST_REDIS_URL",
                                                         "redis://127.0.0.1:6379/15"))
    ap.add_argument("--no-quality", action="store_true")
    ap.add_argument("--sweep", action="store_true", help="also score other thresholds")
    args = ap.parse_args(argv)
    if not args.no_quality:
        run_quality(args.sweep)
    if args.n or args.redis_n or args.datasketch_n:
        titles = corpus_titles()
        print(f"\n## Scale ({len(titles):,d} ANT titles as word source)")
        for n in args.n:
            run_scale(n, titles, args.queries)
        if args.datasketch_n:
            run_datasketch_scale(args.datasketch_n, titles)
        if args.redis_n:
            run_redis(args.redis_n, titles, args.redis_url)


if __name__ == "__main__":
    main()
