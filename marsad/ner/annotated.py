"""The project's own NER annotations of ANT news sentences, kept as stand-off labels.

Why: ANERcorp's 125k labelled words are from one period and a few outlets, and most of the
tagger's misses are names it never saw (clubs, companies, products, Maghrebi places). marsad's
annotators labelled 29,600 sentences of the 2018 ANT corpus by ANERcorp's conventions
(``marsad/ner/data/ANNOTATION.md``). The corpus text may not be copied into the project, so
the committed file holds only *where* each sentence is and *which tokens* are entities:

    file <TAB> line <TAB> sentence <TAB> sha1[:10] <TAB> spans

``file`` is relative to the ANT corpus directory, ``line`` is 1-based, ``sentence`` counts the
sentences of that line as :func:`marsad.ner.tagger._sentences` cuts them after
:func:`marsad.ner.features.tokenize`, the hash is over the sentence's tokens joined by single
spaces (so a changed corpus is detected, not silently mislabelled), and ``spans`` is
``start-end:TYPE`` token ranges (end exclusive) joined by ``,``; empty when the sentence has no
entity. Reading needs the corpus; no text lives here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from marsad.ner.features import tokenize
from marsad.ner.tagger import _sentences

ANNOTATIONS = Path(__file__).resolve().parent / "data" / "ant_annotations.tsv"
TYPES = ("PER", "LOC", "ORG", "MISC")
_ROUND = re.compile(r"#\s*round\s+(\d+)\b")


class AnnotationError(ValueError):
    """The stand-off file is malformed or does not match the corpus it points into."""


@dataclass(frozen=True)
class Record:
    """One annotated sentence: where it is in the corpus and its entity spans."""

    file: str
    line: int
    sentence: int
    sha: str
    spans: tuple[tuple[int, int, str], ...]
    round: int = 1  # annotation round: set by a ``# round N`` comment line before the records


def sentence_hash(tokens: Sequence[str]) -> str:
    """Short fingerprint of a tokenized sentence (detects a changed or different corpus)."""
    return hashlib.sha1(" ".join(tokens).encode("utf-8")).hexdigest()[:10]


def format_record(rec: Record) -> str:
    """One TSV line (no newline) for ``rec``."""
    spans = ",".join(f"{s}-{e}:{t}" for s, e, t in rec.spans)
    return f"{rec.file}\t{rec.line}\t{rec.sentence}\t{rec.sha}\t{spans}"


def parse_record(line: str, where: str = "") -> Record:
    """Parse one TSV line; raises :class:`AnnotationError` with the place on bad input."""
    parts = line.rstrip("\n").split("\t")
    if len(parts) != 5:
        raise AnnotationError(f"{where}: expected 5 tab-separated fields, got {len(parts)}")
    file, line_no, sent, sha, spans_s = parts
    spans: list[tuple[int, int, str]] = []
    try:
        for item in filter(None, spans_s.split(",")):
            rng, typ = item.split(":")
            s, e = (int(x) for x in rng.split("-"))
            if typ not in TYPES or not 0 <= s < e:
                raise ValueError(item)
            spans.append((s, e, typ))
        return Record(file, int(line_no), int(sent), sha, tuple(spans))
    except ValueError as exc:
        raise AnnotationError(f"{where}: bad field ({exc})") from None


def read_records(path: Path = ANNOTATIONS) -> list[Record]:
    """All records of a stand-off file (``#`` lines are comments; ``# round N`` starts the
    records of annotation round N, round 1 until the first such line)."""
    out: list[Record] = []
    round_no = 1
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.startswith("#"):
                m = _ROUND.match(line)
                if m:
                    round_no = int(m.group(1))
            elif line.strip():
                rec = parse_record(line, f"{path.name}:{n}")
                out.append(replace(rec, round=round_no) if round_no != 1 else rec)
    return out


def corpus_sentence(text_line: str, index: int) -> list[str]:
    """The ``index``-th sentence of one corpus line, as the tagger would cut it."""
    sents = _sentences(tokenize(text_line), text_line)
    if index >= len(sents):
        return []
    return [t for t, _, _ in sents[index]]


def to_bio(n_tokens: int, spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """BIO tags for ``n_tokens`` tokens from non-overlapping ``(start, end, type)`` spans."""
    tags = ["O"] * n_tokens
    for s, e, typ in sorted(spans):
        if e > n_tokens or any(t != "O" for t in tags[s:e]):
            raise AnnotationError(f"span {s}-{e}:{typ} is outside the sentence or overlaps")
        tags[s] = "B-" + typ
        for j in range(s + 1, e):
            tags[j] = "I-" + typ
    return tags


def load_annotated(
    corpus_dir: Path, path: Path = ANNOTATIONS, rounds: Collection[int] | None = None
) -> tuple[list[tuple[list[str], list[str]]], int]:
    """Rebuild ``(tokens, tags)`` sentences from the corpus; returns them and how many records
    were skipped because the corpus at that place no longer hashes the same (0 when intact).
    ``rounds`` keeps only those annotation rounds (None: all)."""
    records = [r for r in read_records(path) if rounds is None or r.round in rounds]
    lines_cache: dict[str, list[str]] = {}
    out: list[tuple[list[str], list[str]]] = []
    stale = 0
    for rec in records:
        lines = lines_cache.get(rec.file)
        if lines is None:
            fpath = corpus_dir / rec.file
            if not fpath.is_file():
                raise AnnotationError(f"{fpath} is missing: is {corpus_dir} the ANT corpus?")
            lines = lines_cache[rec.file] = fpath.read_text(encoding="utf-8").split("\n")
        text = lines[rec.line - 1] if 0 < rec.line <= len(lines) else ""
        toks = corpus_sentence(text, rec.sentence)
        if not toks or sentence_hash(toks) != rec.sha:
            stale += 1
            continue
        out.append((toks, to_bio(len(toks), rec.spans)))
    return out, stale
