"""The built-in Arabic named-entity tagger (CRF trained by ``marsad.ner.train``).

It ships inside the package (``marsad/ner/models/``) so marsad tags entities with no download
and no GPU, at tens of thousands of tokens per second on one core.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from marsad.errors import PermanentError
from marsad.ner.features import Featurizer, normalize, strip_prep, tokenize
from marsad.ner.resources import load_resources
from marsad.ner.train import MODEL_FILE, TRAIN_COMMAND, chunks
from marsad.records import Entity

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models"

# Tokens after which a new sentence starts (ANERcorp's sentences end at periods).
_SENTENCE_END = frozenset({".", "!", "?", "؟", "…"})
_MAX_SENTENCE = 200  # cap so one run-on paragraph does not become one huge CRF sequence

T = TypeVar("T")
_CACHE: dict[tuple[type, Path], Any] = {}
_CACHE_LOCK = threading.Lock()


def load_cached(cls: type[T], model_dir: str | Path | None, default_dir: Path) -> T:
    """One instance per tagger class and model folder per process (models load once)."""
    path = Path(model_dir).resolve() if model_dir is not None else default_dir
    with _CACHE_LOCK:
        tagger = _CACHE.get((cls, path))
        if tagger is None:
            tagger = cls(path)
            _CACHE[(cls, path)] = tagger
        return tagger


class ModelMissing(PermanentError, FileNotFoundError):
    """The CRF model file is not where the tagger was told to look."""

    code = "ner_model_missing"


class BuiltinTagger:
    """CRF tagger over whitespace/punctuation tokens; BIO tags with types PER/LOC/ORG/MISC."""

    def __init__(self, model_dir: Path) -> None:
        import pycrfsuite

        model_path = model_dir / MODEL_FILE
        if not model_path.is_file():
            raise ModelMissing(
                f"NER model not found: {model_path}. Train it with: {TRAIN_COMMAND}"
            )
        self.model_dir = model_dir
        self._featurizer = Featurizer(load_resources(model_dir))
        self._crf = pycrfsuite.Tagger()
        self._crf.open(str(model_path))
        self._lock = threading.Lock()  # a crfsuite Tagger is not safe to share across threads

    @classmethod
    def load(cls, model_dir: str | Path | None = None) -> BuiltinTagger:
        """Load once per directory and reuse: later calls return the cached instance."""
        return load_cached(cls, model_dir, DEFAULT_MODEL_DIR)

    def tag_tokens(self, tokens: list[str]) -> list[str]:
        """BIO tags (``B-PER``, ``I-LOC``, ``O`` ...) for one pre-tokenized sentence."""
        if not tokens:
            return []
        feats = self._featurizer.sequence(tokens)
        with self._lock:
            return list(self._crf.tag(feats))

    def tag_document(self, sentences: Sequence[list[str]]) -> list[list[str]]:
        """Tag the sentences of one document, then make names consistent across it.

        Per-sentence CRF tags followed by :func:`propagate`, which tags later bare mentions of
        a name found elsewhere in the same document (about +2 F1 on dev).
        """
        tags = [self.tag_tokens(list(s)) for s in sentences]
        return propagate(sentences, tags)

    def recognize(self, text: str) -> list[Entity]:
        """Entities in raw ``text`` with offsets such that ``text[e.start:e.end] == e.text``.

        The whole text is treated as one document (an article) for name consistency.
        """
        entities: list[Entity] = []
        sents = _sentences(tokenize(text), text)
        all_tags = self.tag_document([[t for t, _, _ in sent] for sent in sents])
        for sent, tags in zip(sents, all_tags, strict=True):
            for start, end, typ in sorted(chunks(tags)):
                s, e = sent[start][1], sent[end - 1][2]
                entities.append(Entity(text=text[s:e], type=typ, start=s, end=e))  # type: ignore[arg-type]
        return entities


def _sentences(
    toks: Sequence[tuple[str, int, int]], text: str
) -> list[list[tuple[str, int, int]]]:
    """Group tokens into sentences: after final punctuation, at line breaks, or at the cap."""
    out: list[list[tuple[str, int, int]]] = []
    cur: list[tuple[str, int, int]] = []
    for tok in toks:
        if cur and ("\n" in text[cur[-1][2] : tok[1]] or len(cur) >= _MAX_SENTENCE):
            out.append(cur)
            cur = []
        cur.append(tok)
        if tok[0] in _SENTENCE_END:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def _norms(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    """Normalized tokens, and the same with conjunction/preposition stripped (span heads)."""
    norm = [normalize(t) for t in tokens]
    return norm, [strip_prep(n) for n in norm]


def propagate(
    sentences: Sequence[Sequence[str]], tags: list[list[str]], surnames: bool = False
) -> list[list[str]]:
    """Label consistency within one document: a name tagged once is tagged everywhere.

    News articles repeat names; the CRF often finds the first, context-rich mention and misses
    a bare later one. Untagged spans whose normalized form equals an entity predicted elsewhere
    in the same document get that entity's majority type. ``surnames`` also spreads the last
    word of multi-word person names.
    """
    normed = [_norms(toks) for toks in sentences]
    votes: dict[tuple[str, ...], dict[str, int]] = {}
    for (norm, head), tg in zip(normed, tags, strict=True):
        for s, e, typ in chunks(tg):
            keys = [(head[s], *norm[s + 1 : e])]
            if surnames and typ == "PER" and e - s > 1:
                keys.append((head[e - 1],))
            for key in keys:
                if len(key) == 1 and len(key[0]) < 3:
                    continue
                counter = votes.setdefault(key, {})
                counter[typ] = counter.get(typ, 0) + 1
    if not votes:
        return tags
    best = {k: max(v, key=lambda t: v[t]) for k, v in votes.items()}
    firsts = {k[0] for k in best}
    longest = max(len(k) for k in best)
    out: list[list[str]] = []
    for (norm, head), tg in zip(normed, tags, strict=True):
        new = list(tg)
        i = 0
        size = len(norm)
        while i < size:
            hit = 0
            if new[i] == "O" and head[i] in firsts:
                for n in range(min(longest, size - i), 0, -1):
                    if any(t != "O" for t in new[i : i + n]):
                        continue
                    if i + n < size and new[i + n].startswith("I-"):
                        continue
                    typ = best.get((head[i], *norm[i + 1 : i + n]))
                    if typ:
                        new[i : i + n] = ["B-" + typ] + ["I-" + typ] * (n - 1)
                        hit = n
                        break
            i += hit or 1
        out.append(new)
    return out
