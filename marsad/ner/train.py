"""Train the built-in CRF tagger on ANERcorp (CAMeL Lab split) and score it.

Reproducible: the dev split is every 10th training sentence, crfsuite's L-BFGS is
deterministic, and the derived tables are read from the output directory (build them first
with ``python -m marsad.ner.resources``). The test split is read only for the final score.

    python -m marsad.ner.train --data /work/shared/data/ner/anercorp-camel \
        --out marsad/ner/models [--extra-aqmar /work/shared/data/ner/aqmar] \
        [--corpus /work/shared/data/corpus/ant --annotated-rounds 1]  # + annotated ANT sentences
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from marsad.ner.features import Featurizer, Resources
from marsad.ner.resources import load_resources

MODEL_FILE = "crf.model"
META_FILE = "meta.json"
TRAIN_FILE = "ANERCorp_CamelLab_train.txt"
TEST_FILE = "ANERCorp_CamelLab_test.txt"
TYPES = ("PER", "LOC", "ORG", "MISC")
TRAIN_COMMAND = (
    "python -m marsad.ner.resources --data /work/shared/data --out marsad/ner/models && "
    "python -m marsad.ner.train --data /work/shared/data/ner/anercorp-camel "
    "--out marsad/ner/models --extra-aqmar /work/shared/data/ner/aqmar "
    "--corpus /work/shared/data/corpus/ant --annotated-rounds 1"
)

DOC_WINDOW = 25  # test split has no article boundaries: consecutive sentences stand in

Sentence = tuple[list[str], list[str]]


def _map_tag(tag: str) -> str:
    """Unify corpus tag sets: PERS->PER, AQMAR's MIS0..MIS3->MISC, stray labels->O."""
    tag = tag.strip().replace("--", "-")
    if tag in ("O", "") or "-" not in tag:
        return "O"
    bio, typ = tag.split("-", 1)
    if bio not in ("B", "I"):
        return "O"
    typ = typ.upper()
    if typ.startswith("PER"):
        typ = "PER"
    elif typ.startswith("MIS"):
        typ = "MISC"
    elif typ not in ("LOC", "ORG"):
        return "O"
    return f"{bio}-{typ}"


def read_conll(path: Path) -> list[Sentence]:
    """Sentences from a ``token tag`` file with blank lines between sentences."""
    sents: list[Sentence] = []
    toks: list[str] = []
    tags: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2:
                if toks:
                    sents.append((toks, tags))
                    toks, tags = [], []
                continue
            toks.append(parts[0])
            tags.append(_map_tag(parts[-1]))
    if toks:
        sents.append((toks, tags))
    return sents


def split_dev(
    sents: Sequence[Sentence], every: int = 10, block: int = 50
) -> tuple[list[Sentence], list[Sentence]]:
    """Deterministic hold-out: every ``every``-th block of ``block`` consecutive sentences.

    Blocks rather than single sentences, so an article's repeated names do not sit on both
    sides of the split and inflate dev scores compared with the (sequential) test split.
    """
    def is_dev(i: int) -> bool:
        return (i // block) % every == every - 1

    train = [s for i, s in enumerate(sents) if not is_dev(i)]
    dev = [s for i, s in enumerate(sents) if is_dev(i)]
    return train, dev


def split_tail(
    sents: Sequence[Sentence], frac: float = 1 / 6
) -> tuple[list[Sentence], list[Sentence]]:
    """Hold out the last ``frac`` of train by tokens: later articles, as the test split is.

    The block split above shares articles with train and reads several points above test;
    this one tracks the test score closely, so model selection uses it.
    """
    total = sum(len(t) for t, _ in sents)
    acc, cut = 0, len(sents)
    while cut > 0 and acc < total * frac:
        cut -= 1
        acc += len(sents[cut][0])
    return list(sents[:cut]), list(sents[cut:])


def chunks(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """Entity spans (start, end, type) the conlleval way: I- after O/other type opens a span."""
    out: set[tuple[int, int, str]] = set()
    start, typ = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        bio, _, t = tag.partition("-")
        if typ and (bio != "I" or t != typ):
            out.add((start, i, typ))
            typ = ""
        if bio == "B" or (bio == "I" and not typ):
            start, typ = i, t
    return out


def score(gold: Iterable[Sequence[str]], pred: Iterable[Sequence[str]]) -> dict[str, dict]:
    """Micro and per-type entity P/R/F1 (exact span and type)."""
    tp: dict[str, int] = dict.fromkeys(TYPES, 0)
    ng: dict[str, int] = dict.fromkeys(TYPES, 0)
    np_: dict[str, int] = dict.fromkeys(TYPES, 0)
    for g, p in zip(gold, pred, strict=True):
        gs, ps = chunks(g), chunks(p)
        for c in gs:
            ng[c[2]] = ng.get(c[2], 0) + 1
        for c in ps:
            np_[c[2]] = np_.get(c[2], 0) + 1
        for c in gs & ps:
            tp[c[2]] = tp.get(c[2], 0) + 1

    def prf(t: int, g: int, p: int) -> dict[str, float]:
        prec = t / p if p else 0.0
        rec = t / g if g else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        return {"p": prec, "r": rec, "f1": f1, "n": g}

    out = {t: prf(tp[t], ng[t], np_[t]) for t in TYPES}
    out["micro"] = prf(sum(tp.values()), sum(ng.values()), sum(np_.values()))
    return out


def format_scores(name: str, sc: dict[str, dict]) -> str:
    """One line per type, like conlleval's summary."""
    lines = [f"{name}: micro P {sc['micro']['p']:.4f} R {sc['micro']['r']:.4f} "
             f"F1 {sc['micro']['f1']:.4f}"]
    for t in TYPES:
        s = sc[t]
        lines.append(f"  {t:<5} P {s['p']:.4f} R {s['r']:.4f} F1 {s['f1']:.4f}  (n={s['n']})")
    return "\n".join(lines)


def train_crf(
    sents: Sequence[Sentence],
    model_path: Path,
    featurizer: Featurizer,
    c1: float = 0.03,
    c2: float = 0.3,
    max_iter: int = 150,
    verbose: bool = False,
) -> None:
    """Fit an L-BFGS CRF (L1+L2) and write it to ``model_path``."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=verbose)
    for toks, tags in sents:
        trainer.append(featurizer.sequence(toks), tags)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": max_iter,
            "feature.possible_transitions": True,
            "feature.minfreq": 1,
        }
    )
    model_path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model_path))


def predict(model_path: Path, featurizer: Featurizer, sents: Sequence[Sentence]) -> list[list[str]]:
    """Tag gold-tokenized sentences with a trained model file."""
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_path))
    try:
        return [tagger.tag(featurizer.sequence(toks)) for toks, _ in sents]
    finally:
        tagger.close()


def main(argv: list[str] | None = None) -> int:
    """CLI: dev-score a configuration, retrain on all of train, score test, save the model."""
    ap = argparse.ArgumentParser(description="Train the marsad built-in Arabic NER CRF.")
    ap.add_argument("--data", type=Path, required=True, help="dir with the CAMeL split files")
    ap.add_argument("--out", type=Path, required=True, help="model dir (holds derived tables)")
    ap.add_argument("--extra-aqmar", type=Path, default=None, help="AQMAR dir: extra train data")
    ap.add_argument("--corpus", type=Path, default=None,
                    help="ANT corpus dir: add the project's annotated ANT sentences "
                         "(marsad.ner.annotated) to the training data")
    ap.add_argument("--annotated-rounds", type=int, nargs="+", default=None,
                    help="only these annotation rounds (default: all). The shipped CRF uses "
                         "round 1: adding round 2 lowered its dev F1 (0.762 -> 0.742)")
    ap.add_argument("--c1", type=float, default=0.03)
    ap.add_argument("--c2", type=float, default=0.3)
    ap.add_argument("--max-iter", type=int, default=150)
    ap.add_argument("--no-gazetteer", action="store_true")
    ap.add_argument("--no-clusters", action="store_true")
    ap.add_argument("--dev-only", action="store_true", help="stop after the dev score (tuning)")
    ap.add_argument("--no-test", action="store_true", help="skip the final test score")
    args = ap.parse_args(argv)

    t0 = time.time()
    res: Resources = load_resources(
        args.out, use_gazetteer=not args.no_gazetteer, use_clusters=not args.no_clusters
    )
    feat = Featurizer(res)
    train_all = read_conll(args.data / TRAIN_FILE)
    extra: list[Sentence] = []
    if args.extra_aqmar:
        for path in sorted(args.extra_aqmar.glob("*.txt")):
            extra.extend(read_conll(path))
    if args.corpus:
        from marsad.ner.annotated import load_annotated

        annotated, stale = load_annotated(args.corpus, rounds=args.annotated_rounds)
        if stale:
            print(f"warning: {stale} annotated sentences no longer match {args.corpus}")
        extra.extend(annotated)
    train, dev = split_dev(train_all)
    print(f"train {len(train)} sents (+{len(extra)} AQMAR/annotated), dev {len(dev)}; "
          f"gazetteer keys {len(res.gaz_words) + len(res.gaz_phrases):,}, "
          f"cluster words {len(res.clusters):,}")
    tmp_model = args.out / (MODEL_FILE + ".dev")
    train_crf(train + extra, tmp_model, feat, args.c1, args.c2, args.max_iter)
    dev_sc = score([t for _, t in dev], predict(tmp_model, feat, dev))
    tmp_model.unlink()
    print(format_scores("dev", dev_sc) + f"   ({time.time() - t0:.0f}s)", flush=True)
    if args.dev_only:
        return 0

    model_path = args.out / MODEL_FILE
    train_crf(train_all + extra, model_path, feat, args.c1, args.c2, args.max_iter)
    meta = {
        "c1": args.c1,
        "c2": args.c2,
        "max_iter": args.max_iter,
        "gazetteer": not args.no_gazetteer,
        "clusters": not args.no_clusters,
        "extra_aqmar": bool(args.extra_aqmar),
        "annotated_ant": bool(args.corpus), "annotated_rounds": args.annotated_rounds,
        "dev_micro_f1": round(dev_sc["micro"]["f1"], 4),
        "train_command": TRAIN_COMMAND,
    }
    if not args.no_test:
        from marsad.ner.tagger import propagate  # late: tagger imports this module

        test = read_conll(args.data / TEST_FILE)
        gold = [t for _, t in test]
        pred = predict(model_path, feat, test)
        test_sc = score(gold, pred)
        print(format_scores("test (sentence mode)", test_sc))
        doc_pred: list[list[str]] = []
        for i in range(0, len(test), DOC_WINDOW):
            window = test[i : i + DOC_WINDOW]
            doc_pred.extend(propagate([t for t, _ in window], pred[i : i + DOC_WINDOW]))
        doc_sc = score(gold, doc_pred)
        print(format_scores(f"test (document mode, {DOC_WINDOW}-sentence windows)", doc_sc))
        meta["test_micro_f1_sentence"] = round(test_sc["micro"]["f1"], 4)
        meta["test_micro_f1_document"] = round(doc_sc["micro"]["f1"], 4)
    (args.out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    size = model_path.stat().st_size / 1e6
    print(f"model -> {model_path} ({size:.1f} MB), {time.time() - t0:.0f}s total")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
