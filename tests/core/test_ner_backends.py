"""NER front door (backend choice, per-process cache) and the CAMeL Tools adapter.

The CAMeL adapter is exercised end to end through ``camel_tools.ner.NERecognizer`` with a tiny
BERT token classifier built here; its weights are set by hand so that some words get chosen
labels, which lets us assert merged spans, offsets and type mapping exactly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import marsad.ner as ner
from marsad.errors import PermanentError
from marsad.ner.camel_backend import (
    BackendUnavailable,
    CamelRecognizer,
    find_camel_model,
    labels_to_spans,
    map_label_type,
    split_words,
)
from marsad.records import Entity

REPO = Path(__file__).resolve().parents[2]
CAMEL_LABELS = ["B-LOC", "B-ORG", "B-PERS", "B-MISC", "I-LOC", "I-ORG", "I-PERS", "I-MISC", "O"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    ner.clear_cache()
    yield
    ner.clear_cache()


class _FakeTagger:
    name = "builtin"

    def recognize(self, text: str) -> list[Entity]:
        i = text.find("طرابلس")
        return [] if i < 0 else [Entity("طرابلس", "LOC", i, i + 6)]


# --- factory and cache -------------------------------------------------------------------


def test_builtin_recognizer_is_loaded_once_and_cached(monkeypatch):
    calls: list[str | None] = []

    def loader(model_path):
        calls.append(model_path)
        return _FakeTagger()

    monkeypatch.setattr(ner, "_load_builtin", loader)
    first = ner.get_recognizer("builtin")
    second = ner.get_recognizer("builtin")
    assert first is second
    assert calls == [None]
    # a different model path is a different cache entry
    other = ner.get_recognizer("builtin", model_path="/models/v2")
    assert other is not first
    assert calls == [None, "/models/v2"]
    assert first.recognize("اشتباكات في طرابلس") == [Entity("طرابلس", "LOC", 12, 18)]


def _no_neural(model_path):
    raise BackendUnavailable("neural NER model could not be loaded: torch is not installed")


def test_auto_falls_back_to_builtin_when_no_camel_model(monkeypatch, tmp_path):
    builtin_calls: list[str | None] = []
    monkeypatch.setattr(ner, "_load_neural", _no_neural)
    monkeypatch.setattr(
        ner, "_load_builtin", lambda p: builtin_calls.append(p) or _FakeTagger()
    )
    rec = ner.get_recognizer("auto", camel_data=str(tmp_path))
    assert rec.name == "builtin"
    assert ner.get_recognizer("auto", camel_data=str(tmp_path)) is rec
    assert builtin_calls == [None]


def test_auto_prefers_neural_over_the_crf(monkeypatch, tmp_path):
    class FakeNeural:
        name = "neural"

        def recognize(self, text):
            return []

    neural_calls: list[str | None] = []
    monkeypatch.setattr(ner, "_load_neural", lambda p: neural_calls.append(p) or FakeNeural())
    monkeypatch.setattr(ner, "_load_builtin", lambda p: pytest.fail("CRF must not load"))
    rec = ner.get_recognizer("auto", camel_data=str(tmp_path))
    assert rec.name == "neural"
    assert neural_calls == [None]
    # a custom model_path is a CRF model directory: auto hands it to the CRF, not the neural
    ner.clear_cache()
    monkeypatch.setattr(ner, "_load_builtin", lambda p: _FakeTagger())
    assert ner.get_recognizer("auto", model_path=str(tmp_path)).name == "builtin"
    assert neural_calls == [None]


def test_auto_prefers_camel_when_it_loads(monkeypatch):
    class FakeCamel:
        name = "camel"

        def recognize(self, text):
            return []

    camel_calls = []
    monkeypatch.setattr(
        ner, "_load_camel", lambda p, d: camel_calls.append((p, d)) or FakeCamel()
    )
    monkeypatch.setattr(ner, "_load_builtin", lambda p: pytest.fail("builtin must not load"))
    monkeypatch.setattr(ner, "_load_neural", lambda p: pytest.fail("neural must not load"))
    rec = ner.get_recognizer("auto", camel_data="/data/camel")
    assert rec.name == "camel"
    assert ner.get_recognizer("camel", camel_data="/data/camel") is rec
    assert camel_calls == [(None, "/data/camel")]


def test_unknown_backend_and_missing_camel_model_raise_clear_errors(tmp_path):
    with pytest.raises(BackendUnavailable, match="unknown NER backend"):
        ner.get_recognizer("spacy")
    with pytest.raises(BackendUnavailable) as info:
        ner.get_recognizer("camel", camel_data=str(tmp_path))
    assert info.value.code == "ner_backend_unavailable"
    assert isinstance(info.value, PermanentError)
    assert str(tmp_path / "data" / "ner" / "arabert") in str(info.value)
    with pytest.raises(BackendUnavailable, match="no CAMeL Tools NER model configured"):
        find_camel_model(None, None)


def test_auto_reports_both_reasons_when_nothing_works(monkeypatch, tmp_path):
    def broken(model_path):
        raise BackendUnavailable("builtin NER tagger is not installed")

    monkeypatch.setattr(ner, "_load_builtin", broken)
    monkeypatch.setattr(ner, "_load_neural", _no_neural)
    with pytest.raises(BackendUnavailable) as info:
        ner.get_recognizer("auto", camel_data=str(tmp_path))
    message = str(info.value)
    assert message.startswith("no NER backend available: camel: no CAMeL Tools NER model found")
    assert "; neural: neural NER model could not be loaded: torch is not installed; " in message
    assert message.endswith("builtin: builtin NER tagger is not installed")


def test_backend_status_reports_reasons(monkeypatch, tmp_path):
    def broken(model_path):
        raise BackendUnavailable("builtin NER model could not be loaded from /nowhere")

    monkeypatch.setattr(ner, "_load_builtin", broken)
    monkeypatch.setattr(ner, "_neural_missing", lambda: "torch is not installed")
    status = ner.backend_status(camel_data=str(tmp_path))
    assert status["auto"] is None
    assert status["neural"] == {"available": False, "reason": "torch is not installed"}
    assert status["builtin"] == {
        "available": False,
        "reason": "builtin NER model could not be loaded from /nowhere",
    }
    assert status["camel"]["available"] is False
    assert "missing" in status["camel"]["reason"]


def test_backend_status_finds_the_packaged_neural_model(tmp_path):
    status = ner.backend_status(camel_data=str(tmp_path))
    assert status["neural"] == {"available": True, "reason": None}
    assert status["auto"] == "neural"
    custom = ner.backend_status(model_path=str(tmp_path))  # a CRF directory: not the neural
    assert custom["neural"]["available"] is False and custom["auto"] != "neural"


def test_builtin_backend_with_packaged_model():
    try:
        from marsad.ner.tagger import BuiltinTagger
    except ImportError:
        pytest.skip("marsad.ner.tagger not built yet")
    try:
        BuiltinTagger.load()
    except (OSError, PermanentError) as exc:
        pytest.skip(f"packaged CRF model absent: {exc}")
    rec = ner.get_recognizer("builtin")
    assert rec.name == "builtin"
    assert ner.get_recognizer("builtin") is rec
    text = "قال الرئيس الفرنسي إيمانويل ماكرون في باريس إن فرنسا ستدعم لبنان."
    ents = rec.recognize(text)
    for e in ents:
        assert text[e.start:e.end] == e.text
        assert e.type in {"PER", "LOC", "ORG", "MISC"}


# --- label mapping, words, spans ----------------------------------------------------------


def test_label_mapping_covers_camel_labels():
    assert [map_label_type(x) for x in CAMEL_LABELS] == [
        "LOC", "ORG", "PER", "MISC", "LOC", "ORG", "PER", "MISC", None,
    ]
    assert map_label_type("B-GPE") == "LOC"
    assert map_label_type("I-WEIRD") == "MISC"


def test_bio_to_spans_merges_and_splits():
    labels = ["O", "B-PERS", "I-PERS", "B-PERS", "I-LOC", "I-LOC", "O", "I-ORG", "B-MISC"]
    assert labels_to_spans(labels) == [
        (1, 3, "PER"), (3, 4, "PER"), (4, 6, "LOC"), (7, 8, "ORG"), (8, 9, "MISC"),
    ]


def test_split_words_keeps_diacritized_words_whole_with_offsets():
    text = "أعلنَ المشيرُ خليفة حفتر، (الأحد) وقفَ إطلاق النار."
    words = split_words(text)
    for w, s, e in words:
        assert text[s:e] == w
    assert [w for w, _, _ in words][:5] == ["أعلنَ", "المشيرُ", "خليفة", "حفتر", "،"]
    assert "(" in [w for w, _, _ in words]


class _ScriptedNER:
    """Stands in for NERecognizer: labels chosen per word, and records the batches."""

    def __init__(self, by_word: dict[str, str]) -> None:
        self.by_word = by_word
        self.batches: list[list[list[str]]] = []

        class Tok:
            @staticmethod
            def tokenize(word):
                return [] if word == "\x7f" else [word]

        self.tokenizer = Tok()

    def predict(self, sentences):
        self.batches.append(sentences)
        return [[self.by_word.get(w, "O") for w in s] for s in sentences]


def test_camel_recognizer_maps_words_to_char_offsets():
    fake = _ScriptedNER({
        "خليفة": "B-PERS", "حفتر": "I-PERS", "بنغازي": "B-LOC",
        "الأمم": "B-ORG", "المتحدة": "I-ORG",
    })
    rec = CamelRecognizer(Path("/fake"), fake)
    text = "التقى خليفة  حفتر \x7f في بنغازي.\nورحبت الأمم المتحدة بالخطوة"
    ents = rec.recognize(text)
    assert [(e.text, e.type) for e in ents] == [
        ("خليفة  حفتر", "PER"), ("بنغازي", "LOC"), ("الأمم المتحدة", "ORG"),
    ]
    for e in ents:
        assert text[e.start:e.end] == e.text
    # one predict call, split into two sentences, the control character never sent
    assert len(fake.batches) == 1
    assert len(fake.batches[0]) == 2
    assert "\x7f" not in fake.batches[0][0]
    assert rec.recognize("   ") == []
    # an abbreviation point does not end the sentence
    fake.batches.clear()
    rec.recognize("قال د. خليفة حفتر إن الهدنة صامدة. وأضاف أن")
    assert [len(s) for s in fake.batches[0]] == [9, 2]


# --- the real NERecognizer on a tiny hand-set BERT ------------------------------------------

VOCAB_WORDS = ["التقى", "خليفة", "حفتر", "في", "بنغازي", "مع", "وفد", "الأمم", "المتحدة", "."]
# word -> label the hand-set weights force; every other word gets O
FORCED = {"خليفة": "B-PERS", "حفتر": "I-PERS", "بنغازي": "B-LOC",
          "الأمم": "B-ORG", "المتحدة": "I-ORG"}


def _build_tiny_bert(out: Path, forced: dict[str, str] | None, seed: int = 0) -> None:
    """A 1-layer BERT whose encoder is zeroed, so a word's label is read off its embedding."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    out.mkdir(parents=True, exist_ok=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *VOCAB_WORDS, "##ة"]
    (out / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    config = transformers.BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=37, max_position_embeddings=256,
        id2label=dict(enumerate(CAMEL_LABELS)),
        label2id={lab: i for i, lab in enumerate(CAMEL_LABELS)},
    )
    torch.manual_seed(seed)
    model = transformers.BertForTokenClassification(config)
    if forced is not None:
        with torch.no_grad():
            for pname, p in model.bert.encoder.named_parameters():
                if "LayerNorm" not in pname:  # keep norms at identity so embeddings pass
                    p.zero_()
            emb = model.bert.embeddings
            emb.word_embeddings.weight.zero_()
            emb.position_embeddings.weight.zero_()
            emb.token_type_embeddings.weight.zero_()
            model.classifier.weight.zero_()
            model.classifier.bias.zero_()
            model.classifier.bias[CAMEL_LABELS.index("O")] = 1.0
            for dim, (word, label) in enumerate(forced.items()):
                emb.word_embeddings.weight[vocab.index(word), dim] = 10.0
                model.classifier.weight[CAMEL_LABELS.index(label), dim] = 5.0
    model.save_pretrained(out)
    # the released CAMeL model ships a plain vocab.txt the same way
    (out / "tokenizer_config.json").write_text(
        json.dumps({"do_lower_case": False, "tokenizer_class": "BertTokenizer"}), encoding="utf-8"
    )


def _run_isolated(script: str, tmp_path: Path) -> dict:
    """Run ``script`` in a fresh interpreter with an empty HOME and a stub camel catalogue.

    camel-tools reads CAMELTOOLS_DATA once at import and needs a catalogue.json there, so this
    cannot share the pytest process. Sockets are blocked: nothing may touch the network.
    """
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    data = tmp_path / "ctdata"
    data.mkdir(exist_ok=True)
    (data / "catalogue.json").write_text(
        json.dumps({"version": "1.6", "packages": {}, "components": {}}), encoding="utf-8"
    )
    prelude = textwrap.dedent("""
        import json, socket
        def _blocked(*a, **k):
            raise OSError("network blocked by test")
        socket.socket.connect = _blocked
        socket.create_connection = _blocked
    """)
    env = {**os.environ, "HOME": str(home), "CAMELTOOLS_DATA": str(data),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(script)],
        capture_output=True, text=True, env=env, cwd=str(REPO), timeout=240, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_camel_adapter_runs_nerecognizer_on_tiny_bert(tmp_path):
    forced_dir = tmp_path / "ctdata" / "data" / "ner" / "arabert"
    random_dir = tmp_path / "random-model"
    _build_tiny_bert(forced_dir, FORCED)
    _build_tiny_bert(random_dir, None, seed=3)
    text = "التقى خليفة حفتر في بنغازي مع وفد الأمم المتحدة. وفد في بنغازي"
    script = f"""
        from marsad.ner import get_recognizer
        text = {text!r}
        auto = get_recognizer("auto", camel_data={str(tmp_path / "ctdata")!r})
        forced = [[e.text, e.type, e.start, e.end] for e in auto.recognize(text)]
        rnd = get_recognizer("camel", model_path={str(random_dir)!r})
        random_ents = [[e.text, e.type, e.start, e.end] for e in rnd.recognize(text * 3)]
        labels = rnd._ner.predict([text.split()])[0]
        print(json.dumps({{"name": auto.name, "forced": forced, "random": random_ents,
                           "raw": labels, "same": get_recognizer("camel",
                           camel_data={str(tmp_path / "ctdata")!r}) is auto}}))
    """
    out = _run_isolated(script, tmp_path)
    assert out["name"] == "camel"
    assert out["same"] is True
    expected = []
    for word, etype in [("خليفة حفتر", "PER"), ("بنغازي", "LOC"), ("الأمم المتحدة", "ORG"),
                        ("بنغازي", "LOC")]:
        start = text.index(word, expected[-1][3] if expected else 0)
        expected.append([word, etype, start, start + len(word)])
    assert out["forced"] == expected
    # random weights: labels come from the CAMeL label set, spans are valid and ordered
    assert len(out["raw"]) == len(text.split())
    assert set(out["raw"]) <= set(CAMEL_LABELS)
    doubled = text * 3
    last_end = 0
    for etext, etype, start, end in out["random"]:
        assert doubled[start:end] == etext
        assert etype in {"PER", "LOC", "ORG", "MISC"}
        assert start >= last_end
        last_end = end
