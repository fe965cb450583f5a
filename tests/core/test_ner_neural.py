"""Tests for the neural NER tagger (marsad.ner.neural): packaged model, offsets, training."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from marsad.ner.neural import DEFAULT_MODEL_DIR, NeuralModelMissing, NeuralTagger, train_model

# Test-split micro F1 (sentence mode) measured for the committed model, minus 0.005 slack.
QUALITY_GATE_F1 = 0.7688 - 0.005
ISSUE_BAR_F1 = 0.78  # the issue's bar, document mode (BERT-class models reach about 0.83)

SENTENCES = [
    "أعلنت وزارة الصحة المصرية في القاهرة، صباح الأحد، تسجيل ١٢ إصابة جديدة بالحمى.",
    "وقال الرئيس الفرنسي إيمانويل ماكرون للصحفيين في باريس إن الاتحاد الأوروبي سيرد بحزم.",
    "التقى وزير الخارجية السعودي فيصل بن فرحان نظيره الأمريكي في الرياض،\n"
    "وبحثا الأوضاع في غزة ولبنان.",
    "ذكرت وكالة «رويترز» أن شركة أرامكو رفعت أسعار الخام لآسيا.",
    "",
    "   ...   ",
]


def _shared() -> Path:
    env = os.environ.get("MARSAD_SHARED_DATA")
    base = Path(env) if env else Path(__file__).resolve().parents[3] / "shared" / "data"
    return base.resolve()


def _need_shared() -> Path:
    data = _shared() / "ner" / "anercorp-camel"
    if not data.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared NER data missing in CI: {data}")
        pytest.skip(f"shared NER data not available at {data}")
    return data


@pytest.fixture(scope="module")
def tagger() -> NeuralTagger:
    return NeuralTagger.load()


def test_packaged_model_loads_and_is_cached(tagger: NeuralTagger) -> None:
    assert tagger.model_dir == DEFAULT_MODEL_DIR
    assert NeuralTagger.load() is tagger
    size = sum(p.stat().st_size for p in DEFAULT_MODEL_DIR.rglob("*") if p.is_file())
    assert size < 12_000_000
    assert (DEFAULT_MODEL_DIR / "NOTICE.md").is_file()


@pytest.mark.parametrize("text", SENTENCES)
def test_offsets_match_text(tagger: NeuralTagger, text: str) -> None:
    ents = tagger.recognize(text)
    for e in ents:
        assert text[e.start : e.end] == e.text
        assert e.type in ("PER", "LOC", "ORG", "MISC")
        assert e.text.strip() == e.text and e.text
    if not text.strip(" ."):
        assert ents == []


def test_finds_obvious_entities(tagger: NeuralTagger) -> None:
    text = SENTENCES[1]
    found = {(e.text, e.type) for e in tagger.recognize(text)}
    assert ("إيمانويل ماكرون", "PER") in found
    assert ("باريس", "LOC") in found


def test_tag_tokens_shapes(tagger: NeuralTagger) -> None:
    toks = ["زار", "الوزير", "محمد", "علي", "مدينة", "حلب", "."]
    tags = tagger.tag_tokens(toks)
    assert len(tags) == len(toks)
    assert tagger.tag_tokens([]) == []
    assert tagger.tag_batch([toks, [], toks[:3]])[1] == []
    for prev, cur in zip(["O", *tags], tags, strict=False):  # BIO-valid by construction
        if cur.startswith("I-"):
            assert prev[2:] == cur[2:]


def test_missing_model_dir_raises(tmp_path: Path) -> None:
    with pytest.raises(NeuralModelMissing):
        NeuralTagger(tmp_path)


def _handwritten() -> tuple[list[tuple[list[str], list[str]]], list[str], np.ndarray, dict]:
    """Five labelled sentences, their vocabulary, random vectors and a tiny config."""
    lines = [
        "وصل/O خالد/B-PER العمري/I-PER إلى/O عمان/B-LOC أمس/O",
        "أصدرت/O جامعة/B-ORG اليرموك/I-ORG بيانا/O",
        "وقالت/O سلمى/B-PER حداد/I-PER إن/O المعرض/O يفتتح/O",
        "غادر/O الوفد/O بيروت/B-LOC متجها/O إلى/O دمشق/B-LOC",
        "شارك/O منتخب/B-ORG الأردن/I-ORG في/O كأس/B-MISC آسيا/I-MISC",
    ]
    data = [([p.split("/")[0] for p in ln.split(" ")], [p.split("/")[1] for p in ln.split(" ")])
            for ln in lines]
    words = sorted({t for toks, _ in data for t in toks})
    vecs = np.random.default_rng(1).standard_normal((len(words), 8)).astype(np.float32)
    cfg = {"char_dim": 8, "char_filters": 8, "feat_dim": 4, "hidden": 16, "dropout": 0.0,
           "lr": 0.02, "batch": 5, "word_dropout": 0.0}
    return data, words, vecs, cfg


def test_tiny_model_learns_handwritten_sentences(tmp_path: Path) -> None:
    """A model trained in the test on a few sentences reproduces their labels, saved and
    reloaded from disk."""
    from marsad.ner.neural import save_model

    data, words, vecs, cfg = _handwritten()
    tagger, _, _ = train_model(data, [], words, vecs, gaz_dir=None, config=cfg, epochs=60,
                               log=lambda _m: None)
    save_model(tagger, tmp_path, words, vecs, None)
    loaded = NeuralTagger(tmp_path)
    assert loaded.tag_batch([t for t, _ in data]) == [g for _, g in data]


def _fit_and_save(out: Path, seed: int) -> Path:
    from marsad.ner.neural import save_model

    data, words, vecs, cfg = _handwritten()
    tagger, _, _ = train_model(data, [], words, vecs, gaz_dir=None, config=cfg, epochs=60,
                               seed=seed, log=lambda _m: None)
    save_model(tagger, out, words, vecs, None)
    return out


def test_ensemble_decodes_the_mean_of_its_members_scores(tmp_path: Path) -> None:
    """combine_models() ships several fine-tuned members; tagging decodes the mean of their
    emission and transition scores, so it is the members' consensus, not member 1 alone."""
    import torch

    from marsad.ner.neural import TAGS, combine_models, viterbi

    a = NeuralTagger(_fit_and_save(tmp_path / "a", seed=1))
    b = NeuralTagger(_fit_and_save(tmp_path / "b", seed=2))
    meta = combine_models([a.model_dir, b.model_dir], tmp_path / "ens")
    assert [m["seed"] for m in meta["members"]] == [1, 2]
    ens = NeuralTagger(tmp_path / "ens")
    assert len(ens.nets) == 2
    data, _, _, _ = _handwritten()
    sents = [t for t, _ in data] + [["غادرت", "سلمى", "بيروت", "إلى", "عمان"]]
    assert ens.tag_batch(sents[:-1]) == [g for _, g in data]

    arr = ens.encoder.batch(sents)
    x = {n: torch.from_numpy(v) for n, v in arr.items()}
    with torch.inference_mode():
        em = (a.net.emissions(x) + b.net.emissions(x)).numpy() / 2
    ta, sa, ea = a._crf_params()
    tb, sb, eb = b._crf_params()
    paths = viterbi(em, arr["lengths"], (ta + tb) / 2, (sa + sb) / 2, (ea + eb) / 2)
    assert ens.tag_batch(sents) == [[TAGS[j] for j in p] for p in paths]


def test_ensemble_with_a_missing_member_file_is_reported(tmp_path: Path) -> None:
    from marsad.ner.neural import combine_models

    dirs = [_fit_and_save(tmp_path / "a", seed=1), _fit_and_save(tmp_path / "b", seed=2)]
    combine_models(dirs, tmp_path / "ens")
    (tmp_path / "ens" / "weights-1.pt").unlink()
    with pytest.raises(NeuralModelMissing, match=r"weights-1\.pt"):
        NeuralTagger(tmp_path / "ens")


def test_int8_lstm_is_used_when_meta_asks_and_keeps_the_tags(tmp_path: Path) -> None:
    """Shipped models run their BiLSTM with int8 weights (meta ``int8_lstm``): faster on one
    core, same tags here; recording scores rewrites meta.json only, never the weights."""
    import json

    out = _fit_and_save(tmp_path / "m", seed=1)
    q = NeuralTagger(out)
    assert q.meta["int8_lstm"] is True
    assert "quantized" in type(q.net.lstm).__module__
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    meta["int8_lstm"] = False
    (out / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    f = NeuralTagger(out)
    assert "quantized" not in type(f.net.lstm).__module__
    data, _, _, _ = _handwritten()
    sents = [t for t, _ in data]
    assert q.tag_batch(sents) == f.tag_batch(sents) == [g for _, g in data]

    weights = (out / "weights.pt").read_bytes()
    q.meta["test_micro_f1_document"] = 0.5
    q.write_meta(out)
    assert (out / "weights.pt").read_bytes() == weights
    assert NeuralTagger(out).meta["test_micro_f1_document"] == 0.5


def test_more_data_is_fitted_but_does_not_change_the_character_set() -> None:
    """``more`` (the annotated ANT sentences) is learned from, yet the character vocabulary
    comes from ``train`` alone, so an encoder pretrained on ``train`` still loads."""
    from marsad.ner.neural import build_untrained

    train = [(["زار", "كريم", "حلب"], ["O", "B-PER", "B-LOC"]),
             (["زار", "كريم", "حلب"], ["O", "B-PER", "B-LOC"])]
    more = [(["غادرت", "زينب", "طنجة"], ["O", "B-PER", "B-LOC"])] * 2
    words = ["زار", "كريم", "حلب", "غادرت", "زينب", "طنجة"]
    vecs = np.random.default_rng(2).standard_normal((len(words), 8)).astype(np.float32)
    cfg = {"char_dim": 8, "char_filters": 8, "feat_dim": 4, "hidden": 16, "dropout": 0.0,
           "lr": 0.02, "batch": 4, "word_dropout": 0.0}
    _, pretrained = build_untrained(train, words, vecs, None, cfg)
    tagger, _, _ = train_model(train, [], words, vecs, gaz_dir=None, config=cfg, epochs=60,
                               log=lambda _m: None, more=more,
                               init_state=pretrained.state_dict())
    assert tagger.encoder.chars == sorted(set("زاركريمحلب"))  # no char of ``more`` added
    assert tagger.tag_batch([["غادرت", "زينب", "طنجة"]]) == [["O", "B-PER", "B-LOC"]]


def test_quality_gate_on_test_split(tagger: NeuralTagger) -> None:
    from marsad.ner.train import TEST_FILE, read_conll, score

    data = _need_shared()
    test = read_conll(data / TEST_FILE)
    sc = score([t for _, t in test], tagger.tag_batch([s for s, _ in test]))
    assert sc["micro"]["f1"] >= QUALITY_GATE_F1, sc["micro"]


def test_issue_bar_on_test_split_document_mode(tagger: NeuralTagger) -> None:
    """The issue's bar, scored the way marsad tags articles (a name found once is propagated
    through its document; 25-sentence windows stand in for the split's missing article
    boundaries). The committed model reads 0.7824 (meta.json)."""
    from marsad.ner.train import DOC_WINDOW, TEST_FILE, read_conll, score

    test = read_conll(_need_shared() / TEST_FILE)
    pred: list[list[str]] = []
    for i in range(0, len(test), DOC_WINDOW):
        pred.extend(tagger.tag_document([s for s, _ in test[i : i + DOC_WINDOW]]))
    f1 = score([t for _, t in test], pred)["micro"]["f1"]
    assert f1 >= ISSUE_BAR_F1, f"micro F1 {f1:.4f} below the {ISSUE_BAR_F1} bar"


def test_neural_backend_through_the_factory() -> None:
    from marsad.ner import clear_cache, get_recognizer

    clear_cache()
    rec = get_recognizer("neural")
    assert rec.name == "neural"
    assert get_recognizer("neural") is rec  # loaded once per process
    text = "وصل وزير الخارجية إلى القاهرة صباح الأحد"
    ents = rec.recognize(text)
    assert all(text[e.start : e.end] == e.text for e in ents)
    assert any(e.type == "LOC" and e.text == "القاهرة" for e in ents)


def _tiny_setup(tmp_path: Path) -> tuple[list, list[str], np.ndarray, Path]:
    """A made-up labelled set, vocabulary and a small unlabeled 'news corpus' on disk."""
    data = [(["زار", "سامر", "حلب"], ["O", "B-PER", "B-LOC"]),
            (["غادر", "سامر", "دمشق"], ["O", "B-PER", "B-LOC"])]
    corpus = tmp_path / "corpus" / "outlet"
    corpus.mkdir(parents=True)
    pattern = ("زار الوزير مدينة حلب ثم غادر إلى دمشق . " * 3 + "وصل الوفد إلى بيروت . ") * 40
    for i in range(3):
        (corpus / f"{i}.txt").write_text(f"عنوان {i}\n{pattern}\n", encoding="utf-8")
    words = sorted({t for line in [pattern, "زار سامر حلب غادر دمشق"] for t in line.split()})
    vecs = np.random.default_rng(2).standard_normal((len(words), 8)).astype(np.float32)
    return data, words, vecs, tmp_path / "corpus"


def test_pretraining_lowers_lm_loss_and_feeds_the_supervised_fit(tmp_path: Path) -> None:
    """The bidirectional LM learns the corpus (its loss falls), and train_model starts from
    the pretrained weights rather than a fresh network."""
    import torch

    from marsad.ner.neural import build_untrained
    from marsad.ner.pretrain import WINDOW, corpus_windows, pretrain_encoder

    data, words, vecs, corpus = _tiny_setup(tmp_path)
    wins = corpus_windows(corpus, max_tokens=3_000)
    assert wins and all(len(w) == WINDOW for w in wins)
    assert corpus_windows(corpus, max_tokens=3_000) == wins  # seeded: reproducible
    cfg = {"char_dim": 8, "char_filters": 8, "feat_dim": 4, "hidden": 16, "dropout": 0.0,
           "lr": 0.02, "batch": 2, "word_dropout": 0.0}
    torch.manual_seed(0)
    encoder, net = build_untrained(data, words, vecs, None, cfg)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    losses: list[float] = []
    state = pretrain_encoder(net, encoder, wins * 4, batch=8,
                             log=lambda _m: None, losses=losses)
    assert len(losses) == -(-len(wins) * 4 // 8)
    assert np.mean(losses[-5:]) < 0.75 * np.mean(losses[:5]), (losses[:5], losses[-5:])
    assert not torch.equal(state["lstm.weight_ih_l0"], before["lstm.weight_ih_l0"])

    tagger, _, _ = train_model(data, [], words, vecs, config=cfg, epochs=0,
                               log=lambda _m: None, init_state=state)
    assert torch.equal(tagger.net.lstm.weight_ih_l0, state["lstm.weight_ih_l0"])
    assert torch.equal(tagger.net.emb.weight, state["emb.weight"])


def test_tail_dev_split_holds_out_the_last_sixth_in_order() -> None:
    from marsad.ner.train import split_tail

    sents = [([f"w{i}"] * (i % 7 + 1), ["O"] * (i % 7 + 1)) for i in range(60)]
    train, dev = split_tail(sents)
    assert train + dev == sents  # nothing lost, order kept: dev is the end of the corpus
    total = sum(len(t) for t, _ in sents)
    dev_tokens = sum(len(t) for t, _ in dev)
    assert dev_tokens >= total / 6 > dev_tokens - len(dev[0][0])  # the smallest such tail


def test_second_stage_keeps_the_first_stages_character_set_and_learns_its_subset() -> None:
    """The gold-only stage refits a subset of the data from the first stage's network:
    ``chars_from`` keeps the full character set (so the state loads), and the subset's own
    labelling convention wins."""
    data, words, vecs, cfg = _handwritten()
    first, _, _ = train_model(data, [], words, vecs, gaz_dir=None, config=cfg, epochs=60,
                              log=lambda _m: None)
    assert first.tag_batch([data[0][0]]) == [data[0][1]]
    # The subset calls عمان an organisation (say, the convention of the gold corpus).
    subset = [(data[0][0], ["O", "B-PER", "I-PER", "O", "B-ORG", "O"]), data[1]]
    second, _, _ = train_model(subset, [], words, vecs, gaz_dir=None, config=cfg, epochs=40,
                               log=lambda _m: None, chars_from=data,
                               init_state=first.net.state_dict())
    assert second.encoder.chars == first.encoder.chars
    assert len(second.encoder.chars) > len({c for toks, _ in subset for t in toks for c in t})
    assert second.tag_batch([subset[0][0]]) == [subset[0][1]]


def test_training_cli_gold_stage_from_a_cached_first_stage_is_the_same_model(
    tmp_path: Path,
) -> None:
    """``--stage1-cache`` is only a shortcut: the gold-only stage run on the cached first
    stage gives the same weights as the whole run in one go."""
    import torch

    from marsad.ner.train import TEST_FILE, TRAIN_FILE
    from marsad.ner.train_neural import main

    data, words, vecs, cfg = _handwritten()
    split = tmp_path / "split"
    split.mkdir()
    conll = "\n\n".join("\n".join(f"{t} {g}" for t, g in zip(toks, tags, strict=True))
                        for toks, tags in data) + "\n"
    (split / TRAIN_FILE).write_text(conll, encoding="utf-8")
    (split / TEST_FILE).write_text(conll, encoding="utf-8")
    w2v = tmp_path / "w2v.npz"
    np.savez_compressed(w2v, words=np.array(words), vectors=vecs.astype(np.float16))
    common = ["--data", str(split), "--corpus", str(tmp_path), "--no-annotated",
              "--no-gazetteer", "--w2v-cache", str(w2v), "--config", json.dumps(cfg),
              "--all-epochs", "3", "--gold-epochs", "2", "--gold-lr-scale", "0.5",
              "--no-test"]
    cache = tmp_path / "stage1.pt"
    assert main([*common, "--out", str(tmp_path / "one-go")]) == 0
    assert main([*common, "--out", str(tmp_path / "first"), "--stage1-cache", str(cache)]) == 0
    assert cache.is_file()
    assert main([*common, "--out", str(tmp_path / "cached"), "--stage1-cache", str(cache)]) == 0
    states = [torch.load(tmp_path / d / "weights.pt") for d in ("one-go", "first", "cached")]
    for name, tensor in states[0].items():
        assert torch.equal(tensor, states[1][name]), name
        assert torch.equal(tensor, states[2][name]), name
    meta = NeuralTagger(tmp_path / "cached").meta
    assert (meta["gold_epochs"], meta["gold_lr_scale"], meta["epochs"]) == (2, 0.5, 3)
    assert meta["config"]["lr"] == cfg["lr"]  # the main stage's rate, not the scaled one


def test_word2vec_vectors_are_the_same_in_every_process(tmp_path: Path) -> None:
    """The training command can only reproduce the shipped model if its first step does:
    two processes (with different ``hash`` salts, which gensim once seeded vectors with)
    write identical word2vec vectors."""
    import subprocess
    import sys

    pytest.importorskip("gensim", reason="gensim (the [dev]/[train] extra) builds word2vec")
    corpus = tmp_path / "corpus" / "outlet"
    corpus.mkdir(parents=True)
    lines = ["قال الوزير إن الحكومة ستعقد اجتماعا في عمان غدا",
             "أعلنت الوزارة أن الاجتماع في بيروت تأجل إلى الأسبوع المقبل",
             "وصل الرئيس إلى القاهرة في زيارة رسمية تستمر يومين"] * 20
    (corpus / "a.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = ("import sys; from pathlib import Path; "
            "from marsad.ner.train_neural import build_embeddings; "
            "build_embeddings(Path(sys.argv[1]), Path(sys.argv[2]), set(), dim=8)")
    outs = []
    for salt in ("1", "2"):
        out = tmp_path / f"w2v-{salt}.npz"
        env = {**os.environ, "PYTHONHASHSEED": salt}
        subprocess.run([sys.executable, "-c", code, str(tmp_path / "corpus"), str(out)],
                       check=True, env=env, capture_output=True, timeout=120)
        outs.append(np.load(out))
    assert list(outs[0]["words"]) == list(outs[1]["words"])
    assert len(outs[0]["words"]) > 10
    assert np.array_equal(outs[0]["vectors"], outs[1]["vectors"])
