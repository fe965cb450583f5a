"""Adapter over ``camel_tools.ner.NERecognizer`` (CAMeL Tools' fine-tuned BERT NER).

Why the care around imports: ``camel_tools.ner`` imports ``camel_tools.data``, whose module body
loads the data catalogue and, when the catalogue file is missing, *downloads it*. A worker with
no CAMeL data (the common case) must neither hang on the network nor crash on ``import marsad``.
So this module never imports camel-tools at module level; :func:`import_camel_ner` imports it
on demand with HTTP requests made by ``requests`` refused for the duration of the import, and
turns every failure into :class:`BackendUnavailable` with an actionable message.

Model lookup (no environment reads here; the shell passes what it read from ``CAMELTOOLS_DATA``):

1. ``model_path`` if given (a directory with ``config.json`` + weights + ``vocab.txt``);
2. else ``<camel_data>/data/ner/arabert`` (the layout of ``camel_data -i ner-arabert``).

Labels: CAMeL emits ``B-PERS I-PERS B-LOC I-LOC B-ORG I-ORG B-MISC I-MISC O``; they are mapped
to marsad's ``PER LOC ORG MISC`` and word indices to character offsets in the original text.
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from marsad.errors import PermanentError
from marsad.records import Entity, EntityType

__all__ = [
    "CAMEL_MODEL_SUBDIR",
    "BackendUnavailable",
    "CamelRecognizer",
    "find_camel_model",
    "import_camel_ner",
    "labels_to_spans",
    "map_label_type",
    "split_words",
]

CAMEL_MODEL_SUBDIR = Path("data", "ner", "arabert")

_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")

# A word: letters/digits plus Arabic marks and tatweel (so diacritized words stay whole);
# any other non-space character is its own token, as camel-tools' simple tokenizer does.
_WORD_RE = re.compile(
    r"(?:[^\W_]|[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640])+"
    r"|[^\s]"
)
# Sentence ends: predictions are batched per sentence (BERT context is 256 word pieces).
_SENT_END = frozenset(".!?؟\n")
_MAX_SENT_WORDS = 120

_TYPE_MAP: dict[str, EntityType] = {
    "PERS": "PER",
    "PER": "PER",
    "PERSON": "PER",
    "LOC": "LOC",
    "GPE": "LOC",
    "FAC": "LOC",
    "ORG": "ORG",
    "ORGANIZATION": "ORG",
    "MISC": "MISC",
    "MIS": "MISC",
}

_IMPORT_LOCK = threading.Lock()


class BackendUnavailable(PermanentError):
    """The requested NER backend cannot be used here (missing model, data or library)."""

    code = "ner_backend_unavailable"


class _NetworkRefused(OSError):
    """Raised instead of an HTTP request while camel-tools is being imported."""


def find_camel_model(model_path: str | Path | None = None,
                     camel_data: str | Path | None = None) -> Path:
    """The CAMeL NER model directory, or BackendUnavailable saying where we looked."""
    candidates: list[Path] = []
    if model_path:
        candidates.append(Path(model_path).expanduser())
    elif camel_data:
        candidates.append(Path(camel_data).expanduser() / CAMEL_MODEL_SUBDIR)
    if not candidates:
        raise BackendUnavailable(
            "no CAMeL Tools NER model configured: pass a model path or the CAMeL data "
            "directory (CAMELTOOLS_DATA) that holds data/ner/arabert"
        )
    problems: list[str] = []
    for cand in candidates:
        missing = _missing_model_files(cand)
        if not missing:
            return cand
        problems.append(f"{cand}: missing {', '.join(missing)}")
    raise BackendUnavailable(
        "no CAMeL Tools NER model found ("
        + "; ".join(problems)
        + "); install it with `camel_data -i ner-arabert` or use the builtin backend"
    )


def _missing_model_files(path: Path) -> list[str]:
    if not path.is_dir():
        return ["the directory"]
    missing = [name for name in ("config.json", "vocab.txt") if not (path / name).is_file()]
    if not any((path / name).is_file() for name in _WEIGHT_FILES):
        missing.append(" or ".join(_WEIGHT_FILES))
    return missing


@contextlib.contextmanager
def _requests_refused() -> Iterator[None]:
    """Make ``requests`` refuse to connect while the block runs (camel-tools uses requests)."""
    try:
        import requests.sessions
    except ImportError:  # no requests: camel-tools cannot download anything either
        yield
        return

    original = requests.sessions.Session.request

    def refuse(self: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        raise _NetworkRefused(f"marsad refused a network request during import: {url}")

    requests.sessions.Session.request = refuse  # type: ignore[method-assign]
    try:
        yield
    finally:
        requests.sessions.Session.request = original  # type: ignore[method-assign]


def import_camel_ner() -> ModuleType:
    """Import ``camel_tools.ner`` without any network access, or raise BackendUnavailable."""
    mod = sys.modules.get("camel_tools.ner")
    if mod is not None:
        return mod
    with _IMPORT_LOCK, _requests_refused():
        try:
            import camel_tools.ner as ner_mod
        except ImportError as exc:
            raise BackendUnavailable(
                f"camel-tools NER cannot be imported ({exc}); install camel-tools with torch"
            ) from exc
        except Exception as exc:  # catalogue download refused, corrupt catalogue, ...
            raise BackendUnavailable(
                "camel-tools NER cannot be imported offline: its data catalogue "
                "(catalogue.json in CAMELTOOLS_DATA or ~/.camel_tools) is missing or unreadable "
                f"and marsad does not download it ({type(exc).__name__}: {exc}); "
                "run `camel_data -i ner-arabert` once with network access"
            ) from exc
    return ner_mod


def map_label_type(label: str) -> EntityType | None:
    """``B-PERS`` -> ``PER``; ``O`` (or an unknown label) -> None."""
    if not label or label == "O":
        return None
    tag = label.split("-", 1)[1] if label[:2] in ("B-", "I-") else label
    return _TYPE_MAP.get(tag.upper(), "MISC")


def split_words(text: str) -> list[tuple[str, int, int]]:
    """Words and punctuation of ``text`` with their character offsets."""
    return [(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(text)]


def labels_to_spans(labels: list[str]) -> list[tuple[int, int, EntityType]]:
    """BIO labels -> ``(first_word, last_word_exclusive, type)``; a stray ``I-`` opens a span."""
    spans: list[tuple[int, int, EntityType]] = []
    cur: list[Any] | None = None
    for i, label in enumerate(labels):
        etype = map_label_type(label)
        if etype is None:
            cur = None
            continue
        if label.startswith("I-") and cur is not None and cur[2] == etype and cur[1] == i:
            cur[1] = i + 1
            spans[-1] = (cur[0], cur[1], etype)
            continue
        cur = [i, i + 1, etype]
        spans.append((i, i + 1, etype))
    return spans


def _sentences(words: list[tuple[str, int, int]], text: str) -> list[list[int]]:
    """Group word indices into sentences (split at end punctuation, newlines, or length)."""
    groups: list[list[int]] = []
    cur: list[int] = []
    prev_end = 0
    for idx, (word, start, end) in enumerate(words):
        if cur and "\n" in text[prev_end:start]:
            groups.append(cur)
            cur = []
        cur.append(idx)
        prev_end = end
        abbreviation = word == "." and idx > 0 and len(words[idx - 1][0]) == 1  # "د. محمد"
        if (word in _SENT_END and not abbreviation) or len(cur) >= _MAX_SENT_WORDS:
            groups.append(cur)
            cur = []
    if cur:
        groups.append(cur)
    return groups


class CamelRecognizer:
    """``Recognizer`` backed by a CAMeL Tools BERT NER model (loaded once, CPU by default)."""

    name = "camel"

    def __init__(self, model_dir: Path, ner: Any) -> None:
        self.model_dir = model_dir
        self._ner = ner

    @classmethod
    def load(cls, model_path: str | Path | None = None,
             camel_data: str | Path | None = None, use_gpu: bool = False) -> CamelRecognizer:
        """Find the model, import camel-tools offline, load weights; else BackendUnavailable."""
        model_dir = find_camel_model(model_path, camel_data)
        ner_mod = import_camel_ner()
        try:
            ner = ner_mod.NERecognizer(str(model_dir), use_gpu=use_gpu)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise BackendUnavailable(
                f"CAMeL NER model at {model_dir} could not be loaded: {exc}"
            ) from exc
        return cls(model_dir, ner)

    def _has_pieces(self, word: str) -> bool:
        # NERecognizer drops words its tokenizer turns into no pieces (control characters),
        # which would shift every later label; such words are never sent.
        return bool(self._ner.tokenizer.tokenize(word))

    def tag_words(self, sentences: list[list[str]]) -> list[list[str]]:
        """Raw CAMeL labels for pre-split sentences (one label per word)."""
        return self._ner.predict(sentences) if sentences else []

    def recognize(self, text: str) -> list[Entity]:
        """Entities with offsets into ``text`` (``text[e.start:e.end] == e.text``)."""
        words = [w for w in split_words(text) if self._has_pieces(w[0])]
        if not words:
            return []
        groups = _sentences(words, text)
        labels_per_sent = self.tag_words([[words[i][0] for i in g] for g in groups])
        entities: list[Entity] = []
        for group, labels in zip(groups, labels_per_sent, strict=True):
            if len(labels) != len(group):
                raise BackendUnavailable(
                    f"CAMeL NER returned {len(labels)} labels for {len(group)} words"
                )
            for first, last, etype in labels_to_spans(labels):
                start = words[group[first]][1]
                end = words[group[last - 1]][2]
                entities.append(Entity(text=text[start:end], type=etype, start=start, end=end))
        return entities
