"""Named-entity recognition front door: pick a backend, load it once per process.

Backends:

* ``builtin`` — marsad's own CRF tagger (``marsad.ner.tagger``), small, needs no torch;
* ``neural`` — marsad's own BiLSTM-CRF with a language-model-pretrained encoder
  (``marsad.ner.neural``, needs torch); the most accurate shipped model (ANERcorp scores in
  the README), as fast as the CRF, slower to load;
* ``camel`` — CAMeL Tools' BERT NER (``marsad.ner.camel_backend``), better but needs the
  ``ner-arabert`` data package; never downloaded by marsad;
* ``auto`` — ``camel`` when a CAMeL model is found and loads, else ``neural``, else ``builtin``.

``model_path`` is the model directory of the chosen backend. With ``auto`` it is taken as a
CAMeL model when it looks like one (has ``config.json``), else handed to the builtin tagger.
``camel_data`` is the CAMeL data directory (the shell passes ``CAMELTOOLS_DATA``; the core never
reads the environment).

Models are heavy, so recognizers are cached per process (the key includes the pid, so a Celery
prefork child loads its own copy lazily instead of reusing torch state from before the fork).
Nothing here imports torch or camel-tools at module import time.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from marsad.errors import MarsadError
from marsad.ner.camel_backend import BackendUnavailable
from marsad.records import Entity

__all__ = [
    "BACKENDS",
    "BackendUnavailable",
    "Recognizer",
    "backend_status",
    "clear_cache",
    "get_recognizer",
]

log = logging.getLogger(__name__)

BACKENDS = ("auto", "builtin", "neural", "camel")


@runtime_checkable
class Recognizer(Protocol):
    """What the pipeline needs from a NER backend."""

    name: str

    def recognize(self, text: str) -> list[Entity]: ...


_CACHE: dict[tuple[Any, ...], Recognizer] = {}
_LOCK = threading.RLock()


class _BuiltinRecognizer:
    """Wraps a marsad tagger so every backend exposes the same ``name``/``recognize``."""

    def __init__(self, tagger: Any, name: str = "builtin") -> None:
        self.tagger = tagger
        self.name = name

    def recognize(self, text: str) -> list[Entity]:
        return list(self.tagger.recognize(text))


def _load_builtin(model_path: str | None) -> Recognizer:
    try:
        from marsad.ner.tagger import BuiltinTagger
    except ImportError as exc:
        raise BackendUnavailable(f"builtin NER tagger is not installed: {exc}") from exc
    try:
        tagger = BuiltinTagger.load(model_path)
    except BackendUnavailable:
        raise
    except (MarsadError, OSError, ValueError) as exc:
        where = model_path or "the packaged model (marsad/ner/models)"
        raise BackendUnavailable(
            f"builtin NER model could not be loaded from {where}: {exc}"
        ) from exc
    return _BuiltinRecognizer(tagger)


def _load_neural(model_path: str | None) -> Recognizer:
    try:
        from marsad.ner.neural import NeuralTagger

        return _BuiltinRecognizer(NeuralTagger.load(model_path), name="neural")
    except (ImportError, MarsadError, OSError, ValueError) as exc:
        raise BackendUnavailable(f"neural NER model could not be loaded: {exc}") from exc


def _load_camel(model_path: str | None, camel_data: str | None) -> Recognizer:
    from marsad.ner.camel_backend import CamelRecognizer

    return CamelRecognizer.load(model_path, camel_data)


def _looks_like_camel_model(model_path: str | None) -> bool:
    return bool(model_path) and (Path(model_path) / "config.json").is_file()  # type: ignore[arg-type]


def _cached(key: tuple[Any, ...], loader: Any, *args: Any) -> Recognizer:
    full_key = (os.getpid(), *key)
    with _LOCK:
        rec = _CACHE.get(full_key)
        if rec is None:
            rec = loader(*args)
            _CACHE[full_key] = rec
        return rec


def get_recognizer(backend: str = "auto", model_path: str | None = None,
                   camel_data: str | None = None) -> Recognizer:
    """The recognizer for ``backend``, loaded on first call in this process, then reused.

    Raises BackendUnavailable (code ``ner_backend_unavailable``) with the reason when the
    backend cannot be used; ``auto`` only raises when neither backend works.
    """
    if backend not in BACKENDS:
        raise BackendUnavailable(f"unknown NER backend {backend!r}; choose one of {BACKENDS}")
    if backend == "builtin":
        return _cached(("builtin", model_path), _load_builtin, model_path)
    if backend == "neural":
        return _cached(("neural", model_path), _load_neural, model_path)
    if backend == "camel":
        return _cached(("camel", model_path, camel_data), _load_camel, model_path, camel_data)
    with _LOCK:
        auto_key = (os.getpid(), "auto", model_path, camel_data)
        rec = _CACHE.get(auto_key)
        if rec is not None:
            return rec
        camel_path = model_path if _looks_like_camel_model(model_path) else None
        builtin_path = None if camel_path else model_path
        # Best first. A model_path that is not a CAMeL model is a CRF model directory.
        candidates: list[tuple[str, tuple[Any, ...]]] = [("camel", (camel_path, camel_data))]
        if builtin_path is None:
            candidates.append(("neural", (None,)))
        candidates.append(("builtin", (builtin_path,)))
        reasons: list[str] = []
        for name, args in candidates:
            try:
                rec = get_recognizer(name, *args)
                break
            except BackendUnavailable as exc:
                log.info("NER auto: %s backend not used (%s)", name, exc)
                reasons.append(f"{name}: {exc}")
        else:
            raise BackendUnavailable("no NER backend available: " + "; ".join(reasons))
        _CACHE[auto_key] = rec
        return rec


def clear_cache() -> None:
    """Forget loaded recognizers (tests, or to reload a retrained model)."""
    with _LOCK:
        _CACHE.clear()


def backend_status(camel_data: str | None = None, model_path: str | None = None) -> dict[str, Any]:
    """Which backends can run here and why not, for ``marsad doctor``-style reports.

    Shape::

        {"builtin": {"available": bool, "reason": str | None},
         "neural": {"available": bool, "reason": str | None},
         "camel": {"available": bool, "reason": str | None, "model_dir": str | None},
         "auto": "camel" | "neural" | "builtin" | None}

    The builtin model is loaded (it is small) and cached; the neural one is only checked
    (torch importable, model files present); for CAMeL the model directory is located and
    camel-tools imported offline, but the BERT weights are not loaded.
    """
    from marsad.ner.camel_backend import find_camel_model, import_camel_ner

    camel_path = model_path if _looks_like_camel_model(model_path) else None
    builtin_path = None if camel_path else model_path

    builtin: dict[str, Any] = {"available": False, "reason": None}
    try:
        get_recognizer("builtin", builtin_path)
        builtin["available"] = True
    except BackendUnavailable as exc:
        builtin["reason"] = str(exc)

    camel: dict[str, Any] = {"available": False, "reason": None, "model_dir": None}
    try:
        model_dir = find_camel_model(camel_path, camel_data)
        camel["model_dir"] = str(model_dir)
        import_camel_ner()
        camel["available"] = True
    except BackendUnavailable as exc:
        camel["reason"] = str(exc)

    neural: dict[str, Any] = {"available": False, "reason": None}
    if builtin_path is not None:
        neural["reason"] = "a custom model_path is used (a CRF model directory)"
    else:
        neural["reason"] = _neural_missing()
        neural["available"] = neural["reason"] is None

    order = (("camel", camel), ("neural", neural), ("builtin", builtin))
    auto = next((name for name, st in order if st["available"]), None)
    return {"builtin": builtin, "neural": neural, "camel": camel, "auto": auto}


def _neural_missing() -> str | None:
    """Why the packaged neural model cannot run here, without importing torch (None: it can)."""
    import importlib.util

    from marsad.ner.neural import DEFAULT_MODEL_DIR, missing_file

    if importlib.util.find_spec("torch") is None:
        return "torch is not installed"
    missing = missing_file(DEFAULT_MODEL_DIR)
    return f"neural NER model file missing: {missing}" if missing else None
