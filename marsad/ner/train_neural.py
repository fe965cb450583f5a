"""Train the neural Arabic NER tagger (word2vec + char-CNN + BiLSTM-CRF) and score it.

Three steps, all reproducible (fixed seeds, one worker thread for word2vec):

1. word embeddings: skip-gram word2vec (gensim) on the unlabeled ANT news corpus, over the same
   normalized tokens the tagger sees; the 50k most frequent words plus every ANERcorp/AQMAR
   word are kept in a cache file (``--w2v-cache``, ~8 minutes to build on one core, not
   shipped). The shipped table is the fine-tuned one, int8-quantized.
2. pretraining (``--pretrain-tokens``): the whole encoder as a bidirectional language model on
   ANT news (:mod:`marsad.ner.pretrain`); ``--pretrain-cache`` keeps the result for the next
   run with the same split settings.
3. the tagger: fitted on ANERcorp train (minus a dev split, or all of it with
   ``--all-epochs``; seen ``--gold-copies`` times per epoch) + AQMAR + the project's annotated
   ANT sentences (:mod:`marsad.ner.annotated`, read from ``--corpus``); then
   ``--gold-epochs`` more epochs on ANERcorp train alone at a lower learning rate (the
   annotated news follows ANERcorp's conventions only approximately; ``--stage1-cache`` keeps
   the network before this stage); then scored once on the test split. ``--seeds``
   fine-tunes several members and ships their ensemble.

    python -m marsad.ner.train_neural --data /work/shared/data/ner/anercorp-camel \
        --corpus /work/shared/data/corpus/ant --out /tmp/dev_run \
        --aqmar /work/shared/data/ner/aqmar --pretrain-tokens 3000000 \
        --dev-split tail --epochs 5 --gold-epochs 0 --no-test  # dev run: pick the epochs
    ... --dev-split tail --epochs 5 --gold-epochs 5 --no-test  # dev run: the gold stage
    ... --out marsad/ner/models/neural --all-epochs 5 --gold-epochs 4  # shipped (TRAIN_COMMAND)
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from marsad.ner.annotated import ANNOTATIONS, load_annotated
from marsad.ner.features import normalize, tokenize
from marsad.ner.train import (
    DOC_WINDOW,
    TEST_FILE,
    TRAIN_FILE,
    Sentence,
    format_scores,
    read_conll,
    score,
    split_dev,
    split_tail,
)

if TYPE_CHECKING:
    from marsad.ner.neural import NeuralTagger

W2V_CACHE = Path(tempfile.gettempdir()) / "marsad_ner_w2v.npz"
GAZ_DIR = Path(__file__).resolve().parent / "models"
W2V_DIM = 100


def corpus_sentences(corpus_dir: Path) -> Iterator[list[str]]:
    """Normalized token lists, one per non-empty line of every ANT article file."""
    for path in sorted(corpus_dir.glob("*/*.txt")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                toks = [normalize(t) for t, _, _ in tokenize(line)]
                if toks:
                    yield toks


def build_embeddings(
    corpus_dir: Path,
    out_file: Path,
    need: set[str],
    dim: int = W2V_DIM,
    keep: int = 50_000,
    epochs: int = 5,
    seed: int = 13,
) -> None:
    """Skip-gram word2vec, then keep the ``keep`` most frequent words plus ``need`` (float16).

    One worker so the result is bit-reproducible; the ~9M-word corpus takes a few minutes.
    """
    from gensim.models import Word2Vec

    t0 = time.time()
    sents = list(corpus_sentences(corpus_dir))
    print(f"corpus: {len(sents):,} lines, {sum(map(len, sents)):,} tokens "
          f"({time.time() - t0:.0f}s)", flush=True)
    model = Word2Vec(
        sentences=sents, vector_size=dim, window=5, min_count=3, sg=1, negative=5,
        epochs=epochs, workers=1, seed=seed, sample=1e-4,
    )
    kv = model.wv
    words = list(kv.index_to_key[:keep])
    have = set(words)
    words += sorted(w for w in need if w in kv.key_to_index and w not in have)
    vecs = np.stack([kv[w] for w in words]).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-8
    out_file.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out_file, words=np.array(words), vectors=vecs.astype(np.float16))
    print(f"embeddings: {len(words):,} words x {dim} -> {out_file} "
          f"({time.time() - t0:.0f}s)", flush=True)


def _need_words(sents: Sequence[Sentence]) -> set[str]:
    return {normalize(t) for toks, _ in sents for t in toks}


def _doc_mode(tagger: object, sents: Sequence[list[str]]) -> list[list[str]]:
    """Predict then propagate names within consecutive-sentence windows (as the CRF's train.py
    does: the split files carry no article boundaries)."""
    from marsad.ner.tagger import propagate

    pred = tagger.tag_batch(sents)  # type: ignore[attr-defined]
    out: list[list[str]] = []
    for i in range(0, len(sents), DOC_WINDOW):
        out.extend(propagate(sents[i : i + DOC_WINDOW], pred[i : i + DOC_WINDOW]))
    return out


def _score_test(data: Path, out: Path) -> None:
    """The one look at the test split: score the saved model, record the numbers in meta."""
    import torch

    from marsad.ner.neural import NeuralTagger

    torch.set_num_threads(1)
    test = read_conll(data / TEST_FILE)
    loaded = NeuralTagger(out)
    sents = [s for s, _ in test]
    gold = [t for _, t in test]
    test_sc = score(gold, loaded.tag_batch(sents))
    print(format_scores("test (sentence mode)", test_sc), flush=True)
    doc_sc = score(gold, _doc_mode(loaded, sents))
    print(format_scores(f"test (document mode, {DOC_WINDOW}-sentence windows)", doc_sc))
    loaded.meta["test_micro_f1_sentence"] = round(test_sc["micro"]["f1"], 4)
    loaded.meta["test_micro_f1_document"] = round(doc_sc["micro"]["f1"], 4)
    loaded.write_meta(out)


def _pretrain(args: argparse.Namespace, fit_set: Sequence[Sentence], words: Sequence[str],
              vecs: np.ndarray, gaz_dir: Path | None, config: dict) -> dict:
    """Bidirectional-LM pretraining of a fresh network on --corpus (marsad.ner.pretrain)."""
    import torch

    from marsad.ner.neural import DEFAULT_CONFIG, build_untrained
    from marsad.ner.pretrain import corpus_windows, pretrain_encoder

    cfg = {**DEFAULT_CONFIG, **config}
    torch.manual_seed(args.seed)
    encoder, net = build_untrained(fit_set, words, vecs, gaz_dir, cfg)
    wins = corpus_windows(args.corpus, args.pretrain_tokens)
    print(f"pretrain: {len(wins):,} windows from {args.corpus}", flush=True)
    return pretrain_encoder(net, encoder, wins, threads=args.threads)


def main(argv: list[str] | None = None) -> int:
    """CLI: build embeddings (unless present), train with dev early stopping, score test."""
    ap = argparse.ArgumentParser(description="Train the marsad neural Arabic NER tagger.")
    ap.add_argument("--data", type=Path, required=True, help="dir with the CAMeL split files")
    ap.add_argument("--corpus", type=Path, required=True, help="ANT corpus dir (word2vec)")
    ap.add_argument("--out", type=Path, required=True, help="output model dir")
    ap.add_argument("--aqmar", type=Path, default=None, help="AQMAR dir: extra train data")
    ap.add_argument("--annotated", type=Path, default=ANNOTATIONS,
                    help="stand-off labels of ANT sentences read from --corpus "
                         "(marsad.ner.annotated); the committed file by default")
    ap.add_argument("--gold-copies", type=int, default=2,
                    help="times ANERcorp train is seen per epoch, next to the larger annotated "
                         "ANT data whose conventions differ slightly (dev: 2 beats 1)")
    ap.add_argument("--no-annotated", action="store_true",
                    help="fit on ANERcorp (+ AQMAR) only")
    ap.add_argument("--gazetteer-dir", type=Path, default=GAZ_DIR,
                    help="dir holding gazetteer.tsv (built by marsad.ner.resources)")
    ap.add_argument("--no-gazetteer", action="store_true")
    ap.add_argument("--config", type=str, default="{}", help="JSON overrides of DEFAULT_CONFIG")
    ap.add_argument("--no-propagate", action="store_true")
    ap.add_argument("--w2v-cache", type=Path, default=W2V_CACHE,
                    help="raw word2vec table (built from --corpus when missing; not shipped)")
    ap.add_argument("--rebuild-embeddings", action="store_true")
    ap.add_argument("--embeddings-only", action="store_true")
    ap.add_argument("--epochs", type=int, default=14)
    ap.add_argument("--patience", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--seeds", type=int, nargs="+", default=None,
                    help="with --all-epochs: fine-tune one member per seed from the same "
                         "pretrained encoder and ship their ensemble (neural.combine_models)")
    ap.add_argument("--max-minutes", type=float, default=120.0,
                    help="dev runs: stop the main stage after the epoch that passes this")
    ap.add_argument("--no-test", action="store_true")
    ap.add_argument("--all-epochs", type=int, default=0,
                    help="final fit: train on ALL train sentences (dev included) for this many "
                         "epochs (the best epoch of a dev-selected run); no dev score")
    ap.add_argument("--pretrain-tokens", type=int, default=0,
                    help="first train the encoder as a bidirectional LM on this many --corpus "
                         "tokens (marsad.ner.pretrain); 0 = no pretraining")
    ap.add_argument("--pretrain-cache", type=Path, default=None,
                    help="keep the pretrained encoder here: loaded when the file exists, "
                         "written after pretraining otherwise (pretraining is the slow part); "
                         "a cache fits only runs with the same --dev-split/--all-epochs")
    ap.add_argument("--pretrain-only", action="store_true",
                    help="stop after pretraining (with --pretrain-cache)")
    ap.add_argument("--gold-epochs", type=int, default=4,
                    help="after the main fit, this many more epochs on ANERcorp train alone "
                         "at --gold-lr-scale times the learning rate, so the last word goes "
                         "to ANERcorp's own annotation conventions (tail dev: +0.6 to +1.2 "
                         "F1); 0 = none")
    ap.add_argument("--gold-lr-scale", type=float, default=0.25)
    ap.add_argument("--stage1-cache", type=Path, default=None,
                    help="keep the network fitted by the main stage here (loaded when the "
                         "file exists): --gold-epochs variants then skip the slow part")
    ap.add_argument("--threads", type=int, default=1, help="torch threads")
    ap.add_argument("--dev-split", choices=("blocks", "tail"), default="blocks",
                    help="dev hold-out: every 10th block of 50 sentences, or the last sixth of "
                         "train (closer to the sequential test split)")
    ap.add_argument("--score-only", action="store_true",
                    help="no training: score the model already in --out on test, update meta")
    args = ap.parse_args(argv)

    t0 = time.time()
    train_all = read_conll(args.data / TRAIN_FILE)
    extra: list[Sentence] = []
    if args.aqmar:
        for path in sorted(args.aqmar.glob("*.txt")):
            extra.extend(read_conll(path))
    train, dev = split_dev(train_all) if args.dev_split == "blocks" else split_tail(train_all)
    if args.score_only:
        _score_test(args.data, args.out)
        return 0
    if args.rebuild_embeddings or not args.w2v_cache.exists():
        build_embeddings(args.corpus, args.w2v_cache, _need_words(train_all + extra))
    if args.embeddings_only:
        return 0

    from marsad.ner.neural import combine_models, load_embeddings, save_model, train_model

    random.seed(args.seed)
    words, vecs = load_embeddings(args.w2v_cache)
    more: list[Sentence] = []
    if not args.no_annotated:
        more, stale = load_annotated(args.corpus, args.annotated)
        if stale:
            print(f"warning: {stale} annotated sentences no longer match {args.corpus}; "
                  "skipped", flush=True)
    print(f"train {len(train)} sents (+{len(extra)} AQMAR, +{len(more)} annotated ANT), "
          f"dev {len(dev)}", flush=True)
    gaz_dir = None if args.no_gazetteer else args.gazetteer_dir
    config = json.loads(args.config)
    gold = train_all if args.all_epochs else train
    fit_set = gold + extra
    # ANERcorp's own sentences seen --gold-copies times per epoch (as extra data, so the
    # character set, and with it a cached pretrained encoder, stays the same).
    n_annotated = len(more)
    more = more + gold * (args.gold_copies - 1)
    init_state = None
    cache = args.pretrain_cache
    if args.pretrain_tokens and cache is not None and cache.is_file():
        import torch

        init_state = torch.load(cache)
        print(f"pretrained encoder loaded from {cache}", flush=True)
    elif args.pretrain_tokens:
        init_state = _pretrain(args, fit_set, words, vecs, gaz_dir, config)
        if cache is not None:
            import torch

            torch.save(init_state, cache)
    if args.pretrain_only:
        return 0

    def fit(seed: int, dev_set: Sequence[Sentence]) -> tuple[NeuralTagger, int]:
        """Main stage (or its cached state), then the optional gold-only stage."""
        import torch

        cache1 = args.stage1_cache
        if cache1 is not None and len(args.seeds or [seed]) > 1:
            cache1 = cache1.with_name(f"{cache1.stem}-{seed}{cache1.suffix}")
        if cache1 is not None and cache1.is_file():
            print(f"main stage loaded from {cache1}", flush=True)
            saved = torch.load(cache1)
            tagger, _, _ = train_model(
                fit_set, [], words, vecs, gaz_dir=gaz_dir, config=config, epochs=0,
                seed=seed, init_state=saved["state"], threads=args.threads)
            ep = int(saved["epochs"])
        else:
            tagger, _, ep = train_model(
                fit_set, dev_set if args.gold_epochs == 0 else [], words, vecs,
                gaz_dir=gaz_dir, config=config,
                epochs=args.all_epochs or args.epochs, patience=args.patience, seed=seed,
                max_seconds=float("inf") if args.all_epochs else args.max_minutes * 60,
                log=print, threads=args.threads, init_state=init_state, more=more,
            )
            if cache1 is not None:
                torch.save({"state": tagger.net.state_dict(), "epochs": ep}, cache1)
        if args.gold_epochs and dev_set:
            f1 = score([g for _, g in dev_set], tagger.tag_batch([x for x, _ in dev_set]))
            print(f"main stage ({ep} epochs): dev F1 {f1['micro']['f1']:.4f}", flush=True)
        if args.gold_epochs:
            s = args.gold_lr_scale
            main_cfg = dict(tagger.meta["config"])
            lrs = {"lr": main_cfg["lr"] * s, "emb_lr": main_cfg.get("emb_lr", main_cfg["lr"]) * s}
            print(f"gold-only stage: {args.gold_epochs} epochs on {len(gold)} ANERcorp "
                  f"sentences, learning rates x{s}", flush=True)
            tagger, _, _ = train_model(
                gold, dev_set, words, vecs, gaz_dir=gaz_dir, config={**config, **lrs},
                epochs=args.gold_epochs, patience=args.gold_epochs, seed=seed,
                max_seconds=float("inf"), log=print, threads=args.threads,
                init_state=tagger.net.state_dict(),
                chars_from=fit_set,
            )
            tagger.meta["config"] = main_cfg
        tagger.meta.update({
            "gold_epochs": args.gold_epochs,
            **({"gold_lr_scale": args.gold_lr_scale} if args.gold_epochs else {})})
        return tagger, ep

    if args.all_epochs:
        seeds = args.seeds or [args.seed]
        with tempfile.TemporaryDirectory(prefix="marsad-ner-members-") as tmp:
            dirs = []
            for seed in seeds:
                print(f"fine-tuning seed {seed} ({len(dirs) + 1} of {len(seeds)})", flush=True)
                tagger, epochs_run = fit(seed, [])
                tagger.meta.update({
                    "trained_on": "train (dev included)" + (" + AQMAR" if extra else "")
                    + (" + annotated ANT" if n_annotated else ""),
                    "annotated_sentences": n_annotated, "gold_copies": args.gold_copies,
                    "pretrain_tokens": args.pretrain_tokens,
                    "epochs": epochs_run, "seed": seed, "aqmar": bool(args.aqmar),
                    "propagate": not args.no_propagate, "gazetteer": gaz_dir is not None,
                    "train_seconds": round(time.time() - t0)})
                dirs.append(Path(tmp) / f"seed-{seed}")
                save_model(tagger, dirs[-1], words, vecs, gaz_dir)
            meta = combine_models(dirs, args.out,
                                  {"train_seconds": round(time.time() - t0)})
        print(f"saved {len(dirs)}-member model to {args.out} "
              f"(seeds {[m['seed'] for m in meta['members']]})", flush=True)
        if not args.no_test:
            _score_test(args.data, args.out)
        return 0
    tagger, epochs_run = fit(args.seed, dev)
    dev_sents = [s for s, _ in dev]
    dev_gold = [t for _, t in dev]
    dev_sc = score(dev_gold, tagger.tag_batch(dev_sents))
    print(format_scores("dev", dev_sc), flush=True)
    dev_doc = score(dev_gold, _doc_mode(tagger, dev_sents))
    print(format_scores(f"dev (document mode, {DOC_WINDOW}-sentence windows)", dev_doc))
    tagger.meta.update({
        "dev_micro_f1": round(dev_sc["micro"]["f1"], 4),
        "dev_micro_f1_document": round(dev_doc["micro"]["f1"], 4),
        "propagate": not args.no_propagate, "epochs": epochs_run, "seed": args.seed,
        "aqmar": bool(args.aqmar), "gazetteer": gaz_dir is not None,
        "pretrain_tokens": args.pretrain_tokens, "dev_split": args.dev_split,
        "annotated_sentences": n_annotated, "gold_copies": args.gold_copies,
        "train_seconds": round(time.time() - t0),
    })
    save_model(tagger, args.out, words, vecs, gaz_dir)
    if not args.no_test:
        _score_test(args.data, args.out)
    print(f"done in {time.time() - t0:.0f}s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
