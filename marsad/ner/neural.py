"""A small neural Arabic NER tagger: word2vec + char-CNN + gazetteer flags -> BiLSTM -> CRF.

Second built-in backend next to the CRF in :mod:`marsad.ner.tagger`, with the same API. Why
neural: pretrained word vectors from a 10M-word news corpus let it recognise names it never saw
in the small labelled corpus, and the character CNN reads through Arabic clitics (والقاهرة،
بمصر). The whole encoder is pretrained as a language model on the same corpus before the
supervised fit (:mod:`marsad.ner.pretrain`), which taught it the contexts names occur in
(+2 dev F1). It stays CPU-friendly (one layer, ~1M trainable weights) and ships inside the
package.

torch is imported lazily (inside functions) so ``import marsad.ner`` stays light.
"""

from __future__ import annotations

import json
import random
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from marsad.errors import PermanentError
from marsad.ner.features import (
    TRIGGERS,
    Featurizer,
    normalize,
    shape,
    split_clitics,
    strip_prep,
    tokenize,
)
from marsad.ner.resources import GAZ_FILE, load_resources
from marsad.ner.tagger import _sentences, load_cached, propagate
from marsad.ner.train import chunks, score
from marsad.records import Entity

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "neural"
EMB_FILE = "embeddings.npz"
WEIGHTS_FILE = "weights.pt"
META_FILE = "meta.json"
# The encoder is first pretrained as a bidirectional LM on 3M words of ANT news
# (marsad.ner.pretrain); dev-selected runs (--dev-split tail) pick the epoch count, then the
# shipped fit uses all of train (dev included, seen twice per epoch: --gold-copies 2) + AQMAR
# + the project's 29,600 annotated ANT sentences (marsad.ner.annotated) for that many epochs,
# and ends with 4 epochs on ANERcorp train alone at a quarter of the learning rate
# (--gold-epochs 4 --gold-lr-scale 0.25: +0.6 to +1.2 tail-dev F1).
TRAIN_COMMAND = (
    "python -m marsad.ner.train_neural --data /work/shared/data/ner/anercorp-camel "
    "--corpus /work/shared/data/corpus/ant --out marsad/ner/models/neural "
    "--aqmar /work/shared/data/ner/aqmar --pretrain-tokens 3000000 --all-epochs 5 "
    "--gold-epochs 4 --gold-lr-scale 0.25"
)
TAGS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")
_SHAPES = ("AR", "ARD", "LAT", "lat", "NUM", "PUNCT")
_GAZ_CODES = "PLOMplom"
_TRIG = ("PER", "LOC", "ORG")
_PHR = ("BP", "BL", "BO", "BM", "IP", "IL", "IO", "IM")
N_FEATS = len(_SHAPES) + 3 + 3 * len(_GAZ_CODES) + len(_TRIG) + len(_PHR)
MAX_CHARS = 16
_BATCH = 64



class NeuralModelMissing(PermanentError, FileNotFoundError):
    """The neural model files are not where the tagger was told to look."""

    code = "ner_neural_model_missing"


class Encoder:
    """Token lists -> integer/float arrays; pure numpy, memoised per word (news repeats words)."""

    def __init__(self, words: Sequence[str], chars: Sequence[str], featurizer: Featurizer) -> None:
        self.word_ids = {w: i + 2 for i, w in enumerate(words)}  # 0 pad, 1 unknown
        self.chars = list(chars)
        self.char_ids = {c: i + 2 for i, c in enumerate(self.chars)}  # 0 pad, 1 unknown
        self.feat = featurizer
        self._memo: dict[str, tuple[int, int, list[int], np.ndarray, str, str]] = {}
        self._starts = {k.split(" ", 1)[0] for k in featurizer.res.gaz_phrases}

    def _lookup(self, *keys: str) -> int:
        for k in keys:
            i = self.word_ids.get(k)
            if i is not None:
                return i
        return 1

    def word(self, tok: str) -> tuple[int, int, list[int], np.ndarray, str, str]:
        """(word id, stem id, char ids, static features, normalized, preposition-stripped)."""
        hit = self._memo.get(tok)
        if hit is not None:
            return hit
        norm = normalize(tok)
        prefix, stem, art = split_clitics(norm)
        noprep = strip_prep(norm)
        full_stem = "ال" + stem if art else stem
        wid = self._lookup(norm, noprep, full_stem, stem)
        sid = self._lookup(full_stem, stem, noprep, norm)
        cids = [self.char_ids.get(c, 1) for c in norm[:MAX_CHARS]] or [1]
        f = np.zeros(N_FEATS, dtype=np.float32)
        f[_SHAPES.index(shape(tok))] = 1.0
        o = len(_SHAPES)
        f[o] = float(art)
        f[o + 1] = float(bool(prefix) and prefix[0] in "وف")
        f[o + 2] = float(bool(prefix.lstrip("وف")))
        o += 3
        gz = self.feat.res.gaz_words
        for j, key in enumerate((norm, full_stem if stem != norm else "", noprep)):
            for code in gz.get(key, "") if key else "":
                f[o + j * len(_GAZ_CODES) + _GAZ_CODES.index(code)] = 1.0
        o += 3 * len(_GAZ_CODES)
        trig = TRIGGERS.get(full_stem) or TRIGGERS.get(norm)
        if trig:
            f[o + _TRIG.index(trig)] = 1.0
        out = (wid, sid, cids, f, norm, noprep)
        if len(self._memo) > 300_000:
            self._memo.clear()
        self._memo[tok] = out
        return out

    def _phrases(self, norms: Sequence[str], noprep: Sequence[str]) -> list[str | None]:
        """Same output as ``Featurizer._phrases`` (greedy longest gazetteer phrase, B/I+types),
        but only probes positions whose word can start a phrase: 3x faster on news text."""
        n = len(norms)
        out: list[str | None] = [None] * n
        table, maxp, starts = self.feat.res.gaz_phrases, self.feat.res.max_phrase, self._starts
        i = 0
        while i < n:
            firsts = [w for w in (norms[i], noprep[i]) if w in starts]
            matched = 0
            if firsts and i + 1 < n:
                for k in range(min(maxp, n - i), 1, -1):
                    rest = " " + " ".join(norms[i + 1 : i + k])
                    types = next((t for t in (table.get(f + rest) for f in firsts) if t), None)
                    if types:
                        out[i] = "B" + types
                        for j in range(i + 1, i + k):
                            out[j] = "I" + types
                        matched = k
                        break
            i += matched or 1
        return out

    def batch(self, sents: Sequence[Sequence[str]]) -> dict[str, np.ndarray]:
        """Padded arrays for a batch of sentences (chars only for the batch's unique tokens)."""
        n = len(sents)
        maxlen = max(len(s) for s in sents)
        wid = np.zeros((n, maxlen), dtype=np.int64)
        sid = np.zeros((n, maxlen), dtype=np.int64)
        uid = np.zeros((n, maxlen), dtype=np.int64)
        feats = np.zeros((n, maxlen, N_FEATS), dtype=np.float32)
        lengths = np.array([len(s) for s in sents], dtype=np.int64)
        uniq: dict[str, int] = {}
        char_rows: list[list[int]] = []
        phr_base = N_FEATS - len(_PHR)
        for b, sent in enumerate(sents):
            encs = [self.word(t) for t in sent]
            for i, (w, s, c, f, _, _) in enumerate(encs):
                wid[b, i] = w
                sid[b, i] = s
                feats[b, i] = f
                u = uniq.get(sent[i])
                if u is None:
                    u = uniq[sent[i]] = len(char_rows)
                    char_rows.append(c)
                uid[b, i] = u
            if self.feat.res.gaz_phrases:
                phr = self._phrases([e[4] for e in encs], [e[5] for e in encs])
                for i, p in enumerate(phr):
                    if p:
                        for code in p[1:]:
                            if p[0] + code in _PHR:
                                feats[b, i, phr_base + _PHR.index(p[0] + code)] = 1.0
        chars = np.zeros((len(char_rows), MAX_CHARS), dtype=np.int64)
        for r, c in enumerate(char_rows):
            chars[r, : len(c)] = c
        return {"wid": wid, "sid": sid, "uid": uid, "feats": feats, "chars": chars,
                "lengths": lengths}


def _build_net(n_words: int, dim: int, n_chars: int, cfg: dict[str, Any]) -> Any:
    """The torch module (defined here so torch loads only when a model is used)."""
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.Embedding(n_words, dim, padding_idx=0)
            # Pretrained; frozen by default so names unseen in training stay near their
            # neighbours (``tune_emb`` fine-tunes it and ships the tuned table instead).
            self.emb.weight.requires_grad_(bool(cfg.get("tune_emb", False)))
            self.cemb = nn.Embedding(n_chars, cfg["char_dim"], padding_idx=0)
            self.conv = nn.Conv1d(cfg["char_dim"], cfg["char_filters"], 3, padding=1)
            self.fproj = nn.Linear(N_FEATS, cfg["feat_dim"])
            in_dim = 2 * dim + cfg["char_filters"] + cfg["feat_dim"]
            self.drop = nn.Dropout(cfg["dropout"])
            self.lstm = nn.LSTM(in_dim, cfg["hidden"], batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * cfg["hidden"], len(TAGS))
            k = len(TAGS)
            self.trans = nn.Parameter(torch.zeros(k, k))
            self.start = nn.Parameter(torch.zeros(k))
            self.end = nn.Parameter(torch.zeros(k))

        def encode(self, x: dict[str, Any]) -> Any:
            """BiLSTM states (B, T, 2*hidden): what pretraining and tagging share."""
            ch = self.cemb(x["chars"]).transpose(1, 2)  # U, C, L
            cvec = torch.relu(self.conv(ch)).max(dim=2).values  # U, F
            h = torch.cat(
                [self.emb(x["wid"]), self.emb(x["sid"]), cvec[x["uid"]],
                 torch.relu(self.fproj(x["feats"]))],
                dim=-1,
            )
            h = self.drop(h)
            packed = nn.utils.rnn.pack_padded_sequence(
                h, x["lengths"], batch_first=True, enforce_sorted=False
            )
            out, _ = self.lstm(packed)
            out, _ = nn.utils.rnn.pad_packed_sequence(
                out, batch_first=True, total_length=h.shape[1]
            )
            return out

        def emissions(self, x: dict[str, Any]) -> Any:
            return self.out(self.drop(self.encode(x)))

        def nll(self, em: Any, tags: Any, mask: Any) -> Any:
            """CRF negative log-likelihood summed over the batch."""
            bsz, length, _ = em.shape
            ar = torch.arange(bsz)
            gold = self.start[tags[:, 0]] + em[ar, 0, tags[:, 0]]
            alpha = self.start + em[:, 0]
            for t in range(1, length):
                m = mask[:, t]
                step = self.trans[tags[:, t - 1], tags[:, t]] + em[ar, t, tags[:, t]]
                gold = gold + step * m
                nxt = torch.logsumexp(alpha.unsqueeze(2) + self.trans + em[:, t].unsqueeze(1), 1)
                alpha = torch.where(m.unsqueeze(1) > 0, nxt, alpha)
            last = tags[ar, mask.sum(1).long() - 1]
            gold = gold + self.end[last]
            log_z = torch.logsumexp(alpha + self.end, dim=1)
            return (log_z - gold).sum()

    return Net()


def _allowed() -> np.ndarray:
    """BIO hard constraints for decoding: I-X only after B-X or I-X."""
    k = len(TAGS)
    ok = np.ones((k, k), dtype=bool)
    for j, t in enumerate(TAGS):
        if t.startswith("I-"):
            for i, s in enumerate(TAGS):
                ok[i, j] = s[2:] == t[2:]
    return ok


def viterbi(em: np.ndarray, lengths: np.ndarray, trans: np.ndarray, start: np.ndarray,
            end: np.ndarray) -> list[list[int]]:
    """Batched Viterbi over (B, T, K) emissions with per-sentence lengths."""
    bsz, length, k = em.shape
    score_ = start[None, :] + em[:, 0]
    back = np.zeros((bsz, length, k), dtype=np.int64)
    for t in range(1, length):
        cand = score_[:, :, None] + trans[None]  # B, from, to
        best = cand.argmax(1)
        new = np.take_along_axis(cand, best[:, None, :], 1)[:, 0] + em[:, t]
        live = (t < lengths)[:, None]
        score_ = np.where(live, new, score_)
        back[:, t] = best
    out: list[list[int]] = []
    final = score_ + end[None, :]
    for b in range(bsz):
        n = int(lengths[b])
        cur = int(final[b].argmax())
        path = [cur]
        for t in range(n - 1, 0, -1):
            cur = int(back[b, t, cur])
            path.append(cur)
        out.append(path[::-1])
    return out


class NeuralTagger:
    """BiLSTM-CRF tagger over marsad tokens; BIO tags with types PER/LOC/ORG/MISC."""

    def __init__(self, model_dir: Path, net: Any = None, encoder: Encoder | None = None,
                 meta: dict[str, Any] | None = None) -> None:
        self.model_dir = model_dir
        if net is None:
            nets, encoder, meta = _load(model_dir)
        else:
            nets = [net]
        self.nets: list[Any] = nets
        self.encoder = encoder
        self.meta = meta or {}
        self._lock = threading.Lock()
        self._consts: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def net(self) -> Any:
        """The first (for a trained-in-process tagger: the only) member network."""
        return self.nets[0]

    @classmethod
    def load(cls, model_dir: str | Path | None = None) -> NeuralTagger:
        """Load once per directory and reuse: later calls return the cached instance."""
        return load_cached(cls, model_dir, DEFAULT_MODEL_DIR)

    def _crf_params(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Transition/start/end scores (the members' mean), with the BIO constraints."""
        if self._consts is None:

            def mean(name: str) -> np.ndarray:
                return np.mean([getattr(n, name).detach().numpy() for n in self.nets], axis=0)

            trans, start = mean("trans"), mean("start")
            trans[~_allowed()] = -1e4
            for j, t in enumerate(TAGS):
                if t.startswith("I-"):
                    start[j] = -1e4
            self._consts = (trans, start, mean("end"))
        return self._consts

    def tag_batch(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO tags for many pre-tokenized sentences (batched by length: much faster)."""
        import torch

        assert self.encoder is not None
        out: list[list[str]] = [[] for _ in sentences]
        order = sorted((i for i, s in enumerate(sentences) if s), key=lambda i: len(sentences[i]))
        trans, start, end = self._crf_params()
        with self._lock, torch.inference_mode():
            for net in self.nets:
                net.eval()
            for k in range(0, len(order), _BATCH):
                idx = order[k : k + _BATCH]
                arr = self.encoder.batch([sentences[i] for i in idx])
                x = {n: torch.from_numpy(a) for n, a in arr.items()}
                em = self.nets[0].emissions(x)
                for net in self.nets[1:]:  # an ensemble: mean emission scores
                    em = em + net.emissions(x)
                em = (em / len(self.nets)).numpy()
                for i, path in zip(idx, viterbi(em, arr["lengths"], trans, start, end),
                                   strict=True):
                    out[i] = [TAGS[j] for j in path]
        return out

    def tag_tokens(self, tokens: list[str]) -> list[str]:
        """BIO tags (``B-PER``, ``I-LOC``, ``O`` ...) for one pre-tokenized sentence."""
        return self.tag_batch([tokens])[0] if tokens else []

    def tag_document(self, sentences: Sequence[list[str]]) -> list[list[str]]:
        """Tag one document's sentences, then make names consistent across it (propagate)."""
        tags = self.tag_batch(sentences)
        return propagate(sentences, tags) if self.meta.get("propagate", True) else tags

    def recognize(self, text: str) -> list[Entity]:
        """Entities in raw ``text`` with offsets such that ``text[e.start:e.end] == e.text``."""
        entities: list[Entity] = []
        sents = _sentences(tokenize(text), text)
        all_tags = self.tag_document([[t for t, _, _ in sent] for sent in sents])
        for sent, tags in zip(sents, all_tags, strict=True):
            for s_i, e_i, typ in sorted(chunks(tags)):
                s, e = sent[s_i][1], sent[e_i - 1][2]
                entities.append(Entity(text=text[s:e], type=typ, start=s, end=e))  # type: ignore[arg-type]
        return entities

    def save(self, out: Path) -> None:
        """Write weights (minus the frozen embedding table) + meta; embeddings saved by caller."""
        import torch

        if len(self.nets) != 1:
            raise ValueError("save() writes one trained network; build ensembles with "
                             "combine_models()")
        out.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().clone() for k, v in self.net.state_dict().items()
                 if k != "emb.weight"}
        state["emb.unk"] = self.net.emb.weight[1].detach().clone()
        torch.save(state, out / WEIGHTS_FILE)
        self.write_meta(out)

    def write_meta(self, out: Path) -> None:
        """Write meta.json only (scores recorded after a loaded, possibly int8, model ran)."""
        (out / META_FILE).write_text(json.dumps(self.meta, indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")


def quantize(vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row symmetric int8 quantization: halves the shipped embedding table vs float16."""
    scale = (np.abs(vecs).max(axis=1) / 127.0).astype(np.float32) + 1e-12
    q = np.clip(np.rint(vecs / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale


def load_embeddings(path: Path) -> tuple[list[str], np.ndarray]:
    """(words, float32 vectors) from an embeddings file (int8+scale or float16 layout).

    int8 tables are dequantized, so training and inference see exactly the same vectors.
    """
    with np.load(path) as z:
        words = [str(w) for w in z["words"]]
        if "q" in z:
            return words, z["q"].astype(np.float32) * z["scale"][:, None]
        q, scale = quantize(z["vectors"].astype(np.float32))
        return words, q.astype(np.float32) * scale[:, None]


def _members(meta: dict[str, Any]) -> list[tuple[str, str]]:
    """(weights file, embeddings file) of each member network; one for a single model."""
    return [(m["weights"], m["embeddings"]) for m in meta.get("members", [])] or [
        (WEIGHTS_FILE, EMB_FILE)]


def missing_file(model_dir: Path) -> Path | None:
    """The first file a model directory lacks (None: complete); checks without torch."""
    names = [META_FILE, GAZ_FILE]
    if (model_dir / META_FILE).is_file():
        try:
            meta = json.loads((model_dir / META_FILE).read_text(encoding="utf-8"))
        except ValueError:
            return model_dir / META_FILE
        names += [name for pair in _members(meta) for name in pair]
    else:
        names += [WEIGHTS_FILE, EMB_FILE]
    return next((model_dir / n for n in names if not (model_dir / n).is_file()), None)


def _load(model_dir: Path) -> tuple[list[Any], Encoder, dict[str, Any]]:
    import torch

    missing = missing_file(model_dir)
    if missing is not None:
        raise NeuralModelMissing(
            f"neural NER model file missing: {missing}. Train it with: {TRAIN_COMMAND}"
        )
    meta = json.loads((model_dir / META_FILE).read_text(encoding="utf-8"))
    nets: list[Any] = []
    words: list[str] = []
    for weights_file, emb_file in _members(meta):
        member_words, vecs = load_embeddings(model_dir / emb_file)
        if words and member_words != words:
            raise NeuralModelMissing(f"{model_dir / emb_file}: vocabulary differs from the "
                                     "first member's; retrain the ensemble")
        words = member_words
        net = _build_net(len(words) + 2, vecs.shape[1], len(meta["chars"]) + 2, meta["config"])
        state = torch.load(model_dir / weights_file, weights_only=True)
        emb = np.zeros((len(words) + 2, vecs.shape[1]), dtype=np.float32)
        emb[2:] = vecs
        if "emb.unk" in state:
            emb[1] = state.pop("emb.unk").numpy()
        state["emb.weight"] = torch.from_numpy(emb)
        net.load_state_dict(state)
        net.eval()
        if meta.get("int8_lstm"):
            _int8_lstm(net)
        nets.append(net)
    encoder = Encoder(words, meta["chars"], Featurizer(load_resources(model_dir,
                                                                       use_clusters=False)))
    return nets, encoder, meta


def _int8_lstm(net: Any) -> None:
    """Swap the BiLSTM for torch's dynamically quantized one (int8 weights, float activations).

    The LSTM is most of the tagging time; int8 makes tagging ~1.4x faster on one core and
    changes about 2 in 1,000 tags (the scores in meta.json are measured with it on). A torch
    without the eager quantization API keeps the float LSTM.
    """
    import warnings

    from torch import nn

    try:
        from torch.ao.quantization import quantize_dynamic
    except ImportError:  # pragma: no cover - depends on the torch build
        return
    with warnings.catch_warnings():  # torch marks the eager API as deprecated, not removed
        warnings.simplefilter("ignore")
        quantize_dynamic(net, {nn.LSTM}, inplace=True)


# Chosen on dev micro F1: frozen embeddings 0.734 (11 epochs); fully tuned at lr 2e-3 0.748
# (overfits from epoch 3); tuned at emb_lr 2e-4 0.751; emb_lr 5e-4 + word dropout 0.15: 0.760.
DEFAULT_CONFIG: dict[str, Any] = {
    "char_dim": 32, "char_filters": 64, "feat_dim": 32, "hidden": 128, "dropout": 0.5,
    "lr": 2e-3, "batch": 16, "word_dropout": 0.15, "tune_emb": True, "emb_lr": 5e-4,
}


def build_untrained(
    train: Sequence[tuple[list[str], list[str]]],
    words: Sequence[str],
    vecs: np.ndarray,
    gaz_dir: Path | None,
    config: dict[str, Any] | None = None,
) -> tuple[Encoder, Any]:
    """Encoder (character set from ``train``) and a fresh net whose embeddings are ``vecs``.

    Shared by pretraining and the supervised fit so a pretrained state loads into the net.
    """
    import torch

    cfg = {**DEFAULT_CONFIG, **(config or {})}
    char_counts: dict[str, int] = {}
    for toks, _ in train:
        for t in toks:
            for c in normalize(t)[:MAX_CHARS]:
                char_counts[c] = char_counts.get(c, 0) + 1
    chars = sorted(c for c, n in char_counts.items() if n >= 2)
    res = load_resources(gaz_dir, use_clusters=False) if gaz_dir else load_resources(
        Path("/nonexistent"), use_gazetteer=False, use_clusters=False)
    encoder = Encoder(words, chars, Featurizer(res))
    net = _build_net(len(words) + 2, vecs.shape[1], len(chars) + 2, cfg)
    emb = np.zeros((len(words) + 2, vecs.shape[1]), dtype=np.float32)
    emb[2:] = vecs
    with torch.no_grad():
        net.emb.weight.copy_(torch.from_numpy(emb))
    return encoder, net


def train_model(
    train: Sequence[tuple[list[str], list[str]]],
    dev: Sequence[tuple[list[str], list[str]]],
    words: Sequence[str],
    vecs: np.ndarray,
    gaz_dir: Path | None = None,
    config: dict[str, Any] | None = None,
    epochs: int = 30,
    patience: int = 6,
    seed: int = 7,
    max_seconds: float = 840.0,
    threads: int = 1,
    log: Callable[[str], Any] = print,
    init_state: dict[str, Any] | None = None,
    more: Sequence[tuple[list[str], list[str]]] = (),
    chars_from: Sequence[tuple[list[str], list[str]]] | None = None,
) -> tuple[NeuralTagger, float, int]:
    """Fit on ``train``, keep the epoch with the best dev micro F1 (or last, if no dev).

    ``more`` is extra fitting data (the project's annotated ANT sentences) that does not shape
    the character set, so a network pretrained on ``train``'s characters still loads;
    ``chars_from`` (default ``train``) names the sentences that do, for a second stage fitted
    on a subset of the first stage's data.

    ``gaz_dir`` holds gazetteer.tsv (None: no gazetteer features). ``init_state`` starts from
    a pretrained network built by :func:`build_untrained` on the same ``train``. Returns the
    tagger (its gazetteer is copied when saved), the best dev F1 and the number of epochs run.
    """
    import torch

    cfg = {**DEFAULT_CONFIG, **(config or {})}
    torch.manual_seed(seed)
    rng = random.Random(seed)
    torch.set_num_threads(threads)
    encoder, net = build_untrained(chars_from or train, words, vecs, gaz_dir, cfg)
    if init_state is not None:  # a pretrained encoder (marsad.ner.pretrain)
        net.load_state_dict(init_state)
    chars = encoder.chars
    meta: dict[str, Any] = {"chars": chars, "config": cfg, "tags": list(TAGS),
                            "propagate": True, "int8_lstm": True, "seed": seed,
                            "train_command": TRAIN_COMMAND}
    tagger = NeuralTagger(Path("."), net=net, encoder=encoder, meta=meta)
    params = [p for p in net.parameters() if p.requires_grad]
    rest = [p for p in params if p is not net.emb.weight]
    groups: list[dict[str, Any]] = [{"params": rest, "lr": cfg["lr"]}]
    if net.emb.weight.requires_grad:  # embeddings move slowly: they carry the corpus knowledge
        groups.append({"params": [net.emb.weight], "lr": cfg.get("emb_lr", cfg["lr"])})
    opt = torch.optim.Adam(groups)
    tag_id = {t: i for i, t in enumerate(TAGS)}
    data = [(list(t), [tag_id[g] for g in g_]) for t, g_ in [*train, *more] if t]
    best_f1, best_state, bad, t0, ep = -1.0, None, 0, time.time(), 0
    for ep in range(1, epochs + 1):
        net.train()
        # Bucket by length so batches pad little, then shuffle the batches.
        order = sorted(range(len(data)), key=lambda i: (len(data[i][0]), rng.random()))
        batches = [order[i : i + cfg["batch"]] for i in range(0, len(order), cfg["batch"])]
        rng.shuffle(batches)
        total = 0.0
        for bidx in batches:
            sents = [data[i][0] for i in bidx]
            arr = encoder.batch(sents)
            x = {n: torch.from_numpy(a) for n, a in arr.items()}
            if cfg["word_dropout"]:
                drop = torch.rand(x["wid"].shape) < cfg["word_dropout"]
                x["wid"] = x["wid"].masked_fill(drop & (x["wid"] > 0), 1)
                x["sid"] = x["sid"].masked_fill(drop & (x["sid"] > 0), 1)
            tags = torch.zeros(x["wid"].shape, dtype=torch.long)
            for b, i in enumerate(bidx):
                tags[b, : len(data[i][1])] = torch.tensor(data[i][1])
            mask = (torch.arange(tags.shape[1])[None] < x["lengths"][:, None]).float()
            loss = net.nll(net.emissions(x), tags, mask) / len(bidx)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()
            total += float(loss.detach()) * len(bidx)
        tagger._consts = None
        msg = f"epoch {ep}: loss {total / len(data):.3f}  ({time.time() - t0:.0f}s)"
        if dev:
            f1 = score([g for _, g in dev], tagger.tag_batch([s for s, _ in dev]))["micro"]["f1"]
            msg += f"  dev F1 {f1:.4f}"
            if f1 > best_f1:
                best_f1, bad = f1, 0
                best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
            else:
                bad += 1
        log(msg)
        if (dev and bad >= patience) or time.time() - t0 > max_seconds:
            break
    if best_state is not None:
        net.load_state_dict(best_state)
    tagger._consts = None
    net.eval()
    tagger.gaz_dir = gaz_dir  # type: ignore[attr-defined]
    return tagger, best_f1, ep


def save_model(tagger: NeuralTagger, out: Path, words: Sequence[str], vecs: np.ndarray,
               gaz_dir: Path | None) -> None:
    """Write a complete, loadable model directory (weights, meta, embeddings, gazetteer)."""
    tagger.save(out)
    if tagger.meta.get("config", {}).get("tune_emb"):
        vecs = tagger.net.emb.weight[2:].detach().numpy()
    emb_path = out / EMB_FILE
    q, scale = quantize(vecs)
    np.savez_compressed(emb_path, words=np.array(list(words)), q=q, scale=scale)
    if gaz_dir is not None and (gaz_dir / GAZ_FILE).resolve() != (out / GAZ_FILE).resolve():
        shutil.copyfile(gaz_dir / GAZ_FILE, out / GAZ_FILE)
    elif gaz_dir is None:
        (out / GAZ_FILE).write_text("", encoding="utf-8")


def combine_models(dirs: Sequence[Path], out: Path,
                   extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build an ensemble model dir from single-model dirs (same data and pretraining, other
    seeds): tagging averages the members' emission and transition scores.

    Why: members fine-tuned with different seeds make different mistakes, and the mean scores
    are right more often than any member (dev: +0.7 F1 for 2-3 members). The first member's
    files keep their names, so a one-member ensemble is an ordinary model dir. ``extra`` is
    merged into the written meta, which is returned.
    """
    if not dirs:
        raise ValueError("combine_models needs at least one model dir")
    metas = [json.loads((d / META_FILE).read_text(encoding="utf-8")) for d in dirs]
    for d, m in zip(dirs[1:], metas[1:], strict=True):
        if m["chars"] != metas[0]["chars"] or m["config"] != metas[0]["config"]:
            raise ValueError(f"{d}: character set or config differs from {dirs[0]}")
    out.mkdir(parents=True, exist_ok=True)
    members = []
    for k, (d, m) in enumerate(zip(dirs, metas, strict=True)):
        suffix = "" if k == 0 else f"-{k}"
        w, e = f"weights{suffix}.pt", f"embeddings{suffix}.npz"
        for src, dst in ((d / WEIGHTS_FILE, out / w), (d / EMB_FILE, out / e)):
            if src.resolve() != dst.resolve():
                shutil.copyfile(src, dst)
        members.append({"weights": w, "embeddings": e, "seed": m.get("seed")})
    if (dirs[0] / GAZ_FILE).resolve() != (out / GAZ_FILE).resolve():
        shutil.copyfile(dirs[0] / GAZ_FILE, out / GAZ_FILE)
    meta = {**metas[0], "members": members, **(extra or {})}
    (out / META_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
    return meta

