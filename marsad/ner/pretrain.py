"""Language-model pretraining of the neural tagger's encoder on unlabeled Arabic news.

The labelled corpus (ANERcorp) is small, and most tagging errors are names it never shows.
Before the supervised fit, the tagger's own layers (word and stem embeddings, character CNN,
gazetteer projection and the BiLSTM) are trained as a bidirectional language model on the
ANT news corpus: the forward half of the BiLSTM predicts the next word, the backward half the
previous one. The encoder thereby learns what contexts teams, companies, officials and places
appear in, and fine-tuning starts from there. Same network, so tagging speed is unchanged.

Prediction uses a sampled softmax: each step scores the target against 1,024 shared negatives
drawn from the 20k most frequent words, so a CPU pass over millions of words takes minutes.
torch is imported lazily, like the rest of the neural backend.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from marsad.ner.features import tokenize

WINDOW = 35  # tokens per training window (the LM reads fixed windows, no padding)
TARGET_VOCAB = 20_000  # words the LM learns to predict (the most frequent)
NEGATIVES = 1_024  # sampled softmax negatives per step


def corpus_windows(corpus_dir: Path, max_tokens: int, seed: int = 3) -> list[list[str]]:
    """Raw-token windows of ``WINDOW`` from ANT article files, files in a seeded order."""
    rng = random.Random(seed)
    paths = sorted(corpus_dir.rglob("*.txt"))
    rng.shuffle(paths)
    wins: list[list[str]] = []
    total = 0
    for path in paths:
        toks = [t for t, _, _ in tokenize(path.read_text(encoding="utf-8", errors="replace"))]
        for i in range(0, len(toks) - WINDOW, WINDOW):
            wins.append(toks[i : i + WINDOW])
            total += WINDOW
        if total >= max_tokens:
            break
    rng.shuffle(wins)
    return wins


def pretrain_encoder(
    net: Any,
    encoder: Any,
    windows: Sequence[list[str]],
    seed: int = 3,
    batch: int = 32,
    threads: int = 1,
    log: Callable[[str], Any] = print,
    losses: list[float] | None = None,
) -> dict[str, Any]:
    """One pass of bidirectional-LM training over ``windows``; returns the net's state dict.

    ``net`` comes from ``marsad.ner.neural.build_untrained`` with its embedding table set to
    the word vectors (its word ids are the LM's vocabulary, most frequent first). ``losses``,
    when given, receives every step's loss.
    """
    import torch
    from torch import nn

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    np_rng = np.random.default_rng(seed)
    hidden, dim = net.lstm.hidden_size, net.emb.embedding_dim
    vocab = min(TARGET_VOCAB, net.emb.num_embeddings - 2)
    proj_f, proj_b = nn.Linear(hidden, dim), nn.Linear(hidden, dim)
    out_emb = nn.Embedding(vocab + 2, dim)
    with torch.no_grad():
        out_emb.weight.copy_(net.emb.weight[: vocab + 2])
    params = [p for p in net.parameters() if p.requires_grad and p is not net.emb.weight]
    params += [*proj_f.parameters(), *proj_b.parameters(), *out_emb.parameters()]
    groups: list[dict[str, Any]] = [{"params": params, "lr": 2e-3}]
    if net.emb.weight.requires_grad:
        groups.append({"params": [net.emb.weight], "lr": 5e-4})
    opt = torch.optim.Adam(groups)
    ids = np.arange(2, vocab + 2)
    weights = 1.0 / ids.astype(np.float64) ** 0.75  # Zipf-like: ids are frequency ranks
    weights /= weights.sum()
    every = max(1, len(windows) // batch // 10)
    net.train()
    t0 = time.time()
    for step, start in enumerate(range(0, len(windows), batch)):
        arrays = encoder.batch(windows[start : start + batch])
        x = {k: torch.from_numpy(a) for k, a in arrays.items()}
        out = net.drop(net.encode(x))
        neg = torch.from_numpy(np_rng.choice(ids, NEGATIVES, p=weights))
        loss = torch.zeros(())
        # forward state at t predicts word t+1; backward state at t+1 predicts word t
        for states, targets, proj in ((out[:, :-1, :hidden], x["wid"][:, 1:], proj_f),
                                      (out[:, 1:, hidden:], x["wid"][:, :-1], proj_b)):
            q = proj(states).reshape(-1, dim)
            t = targets.reshape(-1)
            keep = (t >= 2) & (t < vocab + 2)
            q, t = q[keep], t[keep]
            pos = (q * out_emb(t)).sum(-1, keepdim=True)
            negs = (q @ out_emb(neg).T).masked_fill(neg[None, :] == t[:, None], -1e4)
            logits = torch.cat([pos, negs], dim=1)
            loss = loss + nn.functional.cross_entropy(
                logits, torch.zeros(len(t), dtype=torch.long)
            )
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(params, 5.0)
        opt.step()
        if losses is not None:
            losses.append(float(loss.detach()))
        if step % every == 0:
            done = (step + 1) * batch * WINDOW
            log(f"pretrain: {done:,} tokens, loss {float(loss.detach()):.3f} "
                f"({done / (time.time() - t0):.0f} tokens/s)")
    net.eval()
    return {k: v.detach().clone() for k, v in net.state_dict().items()}
