"""Score and time the built-in NER tagger on the ANERcorp CAMeL test split.

    .venv/bin/python bench/ner_bench.py [--data /work/shared/data/ner/anercorp-camel]
        [--model marsad/ner/models]

Prints micro and per-type entity P/R/F1 (exact span+type, conlleval-style) next to the
published anchors, then throughput pinned to one CPU core: ``tag_tokens`` over the gold
tokenization and ``recognize`` over the same text joined as raw lines.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from marsad.ner.tagger import BuiltinTagger  # noqa: E402
from marsad.ner.train import DOC_WINDOW, TEST_FILE, TYPES, read_conll, score  # noqa: E402

ANCHORS = [
    ("CRF, plain word/affix features", 0.60),
    ("CAMeL Tools BERT NER", 0.83),
    ("AraBERT v0.1", 0.831),
]


def tag_test_documents(tagger: BuiltinTagger, test: list) -> list[list[str]]:
    """Document-mode tags over windows of consecutive test sentences (as recognize() does)."""
    out: list[list[str]] = []
    for i in range(0, len(test), DOC_WINDOW):
        out.extend(tagger.tag_document([toks for toks, _ in test[i : i + DOC_WINDOW]]))
    return out


def _default_data() -> Path:
    env = os.environ.get("MARSAD_SHARED_DATA")
    base = Path(env) if env else ROOT / ".." / "shared" / "data"
    return base / "ner" / "anercorp-camel"


def main() -> int:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=_default_data())
    ap.add_argument("--model", type=Path, default=None, help="model dir (default: packaged)")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    t0 = time.perf_counter()
    tagger = BuiltinTagger.load(args.model)
    load_s = time.perf_counter() - t0
    test = read_conll(args.data / TEST_FILE)
    n_tok = sum(len(t) for t, _ in test)

    t0 = time.perf_counter()
    pred = [tagger.tag_tokens(toks) for toks, _ in test]
    tag_s = time.perf_counter() - t0
    gold = [g for _, g in test]
    sc_sent = score(gold, pred)
    sc = score(gold, tag_test_documents(tagger, test))

    print(f"ANERcorp CAMeL test split: {len(test)} sentences, {n_tok} tokens "
          f"(model load {load_s:.2f}s)")
    print(f"{'':<34}{'P':>8}{'R':>8}{'F1':>8}{'n':>7}")
    for label, res in ((f"document mode ({DOC_WINDOW} sents)", sc), ("sentence mode", sc_sent)):
        print(label)
        for name in (*TYPES, "micro"):
            s = res[name]
            print(f"  marsad CRF  {name:<20}{s['p']:8.4f}{s['r']:8.4f}{s['f1']:8.4f}{s['n']:7d}")
    print("published anchors (micro F1):")
    for name, f1 in ANCHORS:
        print(f"  {name:<32}{f1:8.3f}")

    raw = "\n".join(" ".join(toks) for toks, _ in test)
    fresh = BuiltinTagger(tagger.model_dir)  # cold word-feature memo, like a new worker
    t0 = time.perf_counter()
    ents = fresh.recognize(raw)
    rec_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    fresh.recognize(raw)
    warm_s = time.perf_counter() - t0
    print(f"tag_tokens: {n_tok / tag_s:,.0f} tokens/s on one core (cold memo)")
    print(f"recognize : {n_tok / rec_s:,.0f} tokens/s cold, {n_tok / warm_s:,.0f} warm "
          f"({len(ents)} entities, {len(raw):,} chars)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
