"""Small MinHash + LSH banding over order-aware shingles of a headline key.

Why our own instead of datasketch: we need only 16 permutations over ~20 shingles, stable
across processes (Redis mode, persistence) and band keys as plain 64-bit integers that fit
in a sorted numpy array; datasketch's per-band dicts of byte strings cost several times the
memory at 1M headlines (see ``bench/dedup_bench.py``).

Shingles: content-word unigrams, consecutive content-word bigrams (word order counts) and
the first/last content word marked as such. Function words are left out so that the very
common ``في`` / ``على`` do not put every headline in the same bucket; the verifier
(:mod:`marsad.dedup.verify`) looks at them again.
"""

from __future__ import annotations

import itertools
import zlib

import numpy as np

from marsad.dedup.lexicon import DROPPABLE, stem

__all__ = ["BANDS", "NUM_PERM", "ROWS", "band_keys", "band_keys_many", "shingles", "signature"]

BANDS = 8
ROWS = 2
NUM_PERM = BANDS * ROWS

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64(0xFFFFFFFF)
_rng = np.random.RandomState(20260522)  # fixed: signatures are persisted and shared
_A = _rng.randint(1, 1 << 31, size=NUM_PERM).astype(np.uint64)
_B = _rng.randint(0, 1 << 31, size=NUM_PERM).astype(np.uint64)
_BAND_MULT = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F][:ROWS], dtype=np.uint64
)
_BAND_SALT = (np.arange(BANDS, dtype=np.uint64) + np.uint64(1)) * np.uint64(0x165667B19E3779F9)


def content_tokens(key: str) -> list[str]:
    """Stemmed tokens of a key without function/time words."""
    return [stem(t) for t in key.split() if t not in DROPPABLE]


def shingles(key: str) -> set[str]:
    """Order-aware shingle set of a match key (see module docstring)."""
    toks = content_tokens(key) or key.split()
    out = set(toks)
    out.update(f"{a} {b}" for a, b in itertools.pairwise(toks))
    if toks:
        out.add("^" + toks[0])
        out.add(toks[-1] + "$")
    return out


def signature(key: str) -> np.ndarray:
    """MinHash signature (``NUM_PERM`` uint32) of a key; stable across processes."""
    sh = shingles(key)
    if not sh:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    h = np.fromiter((zlib.crc32(s.encode()) for s in sh), dtype=np.uint64, count=len(sh))
    perm = (h[:, None] * _A[None, :] + _B[None, :]) % _MERSENNE
    return (perm & _MAX32).min(axis=0).astype(np.uint32)


def band_keys_many(sigs: np.ndarray) -> np.ndarray:
    """Band keys (N x BANDS uint64) for many signatures at once: used by restore()."""
    sigs = np.asarray(sigs, dtype=np.uint64).reshape(-1, BANDS, ROWS)
    with np.errstate(over="ignore"):
        mixed = (sigs * _BAND_MULT).sum(axis=2, dtype=np.uint64) ^ _BAND_SALT
        mixed ^= mixed >> np.uint64(29)
    return mixed


def band_keys(sig: np.ndarray) -> np.ndarray:
    """Band keys (BANDS uint64) of one signature; equal rows in a band give equal keys."""
    return band_keys_many(sig[None, :])[0]
