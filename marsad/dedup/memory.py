"""In-process near-duplicate index (embedded mode) and batch clustering.

Layout (why): at 1M headlines Python dicts of band keys cost ~1 GB, so band keys live in a
sorted numpy ``uint64`` array (binary search) plus a small dict of recent inserts that is
merged into the array every ``_MERGE_EVERY`` entries (linear merge, no full re-sort).
Exact keys go through a dict first: most copies are identical after normalization.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from marsad.dedup.headline import headline_key
from marsad.dedup.minhash import NUM_PERM, band_keys, band_keys_many, signature
from marsad.dedup.settings import (
    DEFAULT_THRESHOLD,
    DEFAULT_WINDOW_SECONDS,
    MAX_BUCKET,
    MAX_CANDIDATES,
)
from marsad.dedup.verify import similarity
from marsad.errors import InvalidPayload

__all__ = [
    "Assignment",
    "MemoryIndex",
    "choose_match",
    "cluster_headlines",
    "decode_entry",
    "decode_entry_timed",
    "in_window",
]

_ENTRY_VERSION = 2
_HEAD = struct.Struct("<BHH")  # version, len(cluster_id), len(key)
_TIME = struct.Struct("<d")  # v2: item time (UNIX seconds), NaN = timeless
_MERGE_EVERY = 1 << 16


@dataclass(frozen=True)
class Assignment:
    """Result of assigning one headline: its cluster and the item it matched, if any."""

    cluster_id: str
    matched_id: str | None
    score: float
    is_new: bool


def exact_hash(key: str) -> int:
    """64-bit stable hash of a key (for the exact-match dict / Redis key)."""
    data = key.encode()
    return (zlib.crc32(data) << 32) | zlib.adler32(data)


def in_window(a: float | None, b: float | None, window: float | None) -> bool:
    """True when two item times may match: no window, either timeless, or close enough."""
    return window is None or a is None or b is None or abs(a - b) <= window


def _pack_time(when: float | None) -> bytes:
    return _TIME.pack(math.nan if when is None else float(when))


def encode_entry(cluster_id: str, key: str, sig: np.ndarray, when: float | None = None) -> bytes:
    """Compact persisted form: header, cluster id, key (UTF-8), time, signature (uint32 LE)."""
    c, k = cluster_id.encode(), key.encode()
    head = _HEAD.pack(_ENTRY_VERSION, len(c), len(k)) + c + k
    return head + _pack_time(when) + sig.astype("<u4").tobytes()


def decode_entry_timed(blob: bytes) -> tuple[str, str, np.ndarray, float | None]:
    """Inverse of :func:`encode_entry` with the item time; reads v1 blobs (time None).

    Raises InvalidPayload on a foreign blob.
    """
    try:
        version, lc, lk = _HEAD.unpack_from(blob)
        if version not in (1, 2):
            raise InvalidPayload(f"dedup entry version {version} unknown")
        off = _HEAD.size
        cluster = blob[off : off + lc].decode()
        key = blob[off + lc : off + lc + lk].decode()
        off += lc + lk
        when: float | None = None
        if version == 2:
            (t,) = _TIME.unpack_from(blob, off)
            when = None if math.isnan(t) else t
            off += _TIME.size
        sig = np.frombuffer(blob, dtype="<u4", count=NUM_PERM, offset=off)
    except (struct.error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidPayload(f"corrupt dedup entry: {exc}") from exc
    return cluster, key, sig.astype(np.uint32), when


def decode_entry(blob: bytes) -> tuple[str, str, np.ndarray]:
    """Cluster id, key and signature of a persisted entry (any version; time dropped)."""
    cluster, key, sig, _ = decode_entry_timed(blob)
    return cluster, key, sig


def choose_match(
    key: str, candidates: Iterable[tuple[str, str, str]], threshold: float
) -> tuple[str, str, float] | None:
    """Best verified candidate ``(item_id, cluster_id, score)`` at or above threshold.

    ``candidates`` yields ``(item_id, cluster_id, key)``; ties keep the earliest item so the
    outcome does not depend on bucket order.
    """
    best: tuple[str, str, float] | None = None
    for item_id, cluster_id, cand_key in candidates:
        score = similarity(key, cand_key)
        if score >= threshold and (best is None or score > best[2]):
            best = (item_id, cluster_id, score)
    return best


class MemoryIndex:
    """Near-duplicate headline index held in memory (embedded mode)."""

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        max_candidates: int = MAX_CANDIDATES,
        max_bucket: int = MAX_BUCKET,
        window: float | None = DEFAULT_WINDOW_SECONDS,
    ) -> None:
        self.threshold = threshold
        self.window = window
        self._times: list[float | None] = []
        self.max_candidates = max_candidates
        self.max_bucket = max_bucket
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}
        self._keys: list[str] = []
        self._clusters: list[str] = []
        self._sigs: list[bytes] = []
        self._exact: dict[int, int] = {}
        self._frozen_keys = np.empty(0, dtype=np.uint64)
        self._frozen_pos = np.empty(0, dtype=np.int64)
        self._recent: dict[int, list[int]] = {}
        self._recent_n = 0

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._pos

    # -- lookups -----------------------------------------------------------------
    def _bucket_members(self, bk: np.ndarray) -> list[int]:
        members: list[int] = []
        if len(self._frozen_keys):
            lo = np.searchsorted(self._frozen_keys, bk, side="left")
            hi = np.searchsorted(self._frozen_keys, bk, side="right")
            for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
                if b > a:
                    members.extend(self._frozen_pos[max(a, b - self.max_bucket) : b].tolist())
        for k in bk.tolist():
            got = self._recent.get(k)
            if got:
                members.extend(got[-self.max_bucket :])
        return members

    def _candidates(self, bk: np.ndarray) -> list[int]:
        counts = Counter(self._bucket_members(bk))
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return [p for p, _ in ranked[: self.max_candidates]]

    def lookup(
        self, headline: str, sitename: str | None = None, *, when: float | None = None
    ) -> Assignment | None:
        """Best match for a headline without inserting it (None when it is new)."""
        key = headline_key(headline, sitename)
        hit = self._match(key, band_keys(signature(key)), when)
        if hit is None:
            return None
        pos, score = hit
        return Assignment(self._clusters[pos], self._ids[pos], score, False)

    def _match(self, key: str, bk: np.ndarray, when: float | None) -> tuple[int, float] | None:
        same = self._exact.get(exact_hash(key))
        if (
            same is not None
            and self._keys[same] == key
            and in_window(when, self._times[same], self.window)
        ):
            return same, 1.0
        # Out-of-window items are skipped before verification (cheap float compare).
        cands = (
            (str(p), str(p), self._keys[p])
            for p in self._candidates(bk)
            if in_window(when, self._times[p], self.window)
        )
        best = choose_match(key, cands, self.threshold)
        return None if best is None else (int(best[0]), best[2])

    # -- inserts -----------------------------------------------------------------
    def assign(
        self, item_id: str, headline: str, sitename: str | None = None, *, when: float | None = None
    ) -> Assignment:
        """Put a headline in the cluster of its best verified match, or a new cluster.

        ``when`` (UNIX seconds) restricts matches to items within ``window`` seconds of it,
        either direction; an item without ``when`` is timeless and matches regardless.

        Idempotent: an ``item_id`` already present returns its stored cluster (with
        ``matched_id=None``, ``score=1.0``, ``is_new=False``) and changes nothing.
        """
        pos = self._pos.get(item_id)
        if pos is not None:
            return Assignment(self._clusters[pos], None, 1.0, False)
        key = headline_key(headline, sitename)
        sig = signature(key)
        bk = band_keys(sig)
        # A title with no letters or digits says nothing: never merge it with anything.
        hit = self._match(key, bk, when) if key else None
        if hit is None:
            cluster, matched, score, new = item_id, None, 0.0, True
        else:
            mpos, score = hit
            cluster, matched, new = self._clusters[mpos], self._ids[mpos], False
        self._add(item_id, key, cluster, sig, bk, when)
        return Assignment(cluster, matched, score, new)

    def _add(
        self,
        item_id: str,
        key: str,
        cluster: str,
        sig: np.ndarray,
        bk: np.ndarray,
        when: float | None,
    ) -> None:
        pos = len(self._ids)
        self._times.append(when)
        self._ids.append(item_id)
        self._pos[item_id] = pos
        self._keys.append(key)
        self._clusters.append(cluster)
        self._sigs.append(sig.astype("<u4").tobytes())
        if not key:
            return
        # Newest exact copy wins so a chain inside the window keeps hitting the fast path.
        self._exact[exact_hash(key)] = pos
        for k in bk.tolist():
            self._recent.setdefault(k, []).append(pos)
        self._recent_n += len(bk)
        if self._recent_n >= _MERGE_EVERY:
            self._merge()

    def _merge(self) -> None:
        """Fold recent band entries into the sorted arrays (linear merge via np.insert)."""
        if not self._recent:
            return
        keys = np.fromiter(
            (k for k, v in self._recent.items() for _ in v), dtype=np.uint64, count=self._recent_n
        )
        pos = np.fromiter(
            (p for v in self._recent.values() for p in v), dtype=np.int64, count=self._recent_n
        )
        order = np.lexsort((pos, keys))
        keys, pos = keys[order], pos[order]
        at = np.searchsorted(self._frozen_keys, keys, side="right")
        self._frozen_keys = np.insert(self._frozen_keys, at, keys)
        self._frozen_pos = np.insert(self._frozen_pos, at, pos)
        self._recent.clear()
        self._recent_n = 0

    # -- persistence -------------------------------------------------------------
    def entry(self, item_id: str) -> bytes:
        """Serialized state of one item (cluster id, key, time, signature) for the store."""
        pos = self._pos.get(item_id)
        if pos is None:
            raise KeyError(item_id)
        c, k = self._clusters[pos].encode(), self._keys[pos].encode()
        head = _HEAD.pack(_ENTRY_VERSION, len(c), len(k)) + c + k
        return head + _pack_time(self._times[pos]) + self._sigs[pos]

    def restore(self, rows: Iterable[tuple[str, bytes]]) -> None:
        """Rebuild from persisted entries without recomputing MinHash (bulk band build)."""
        sigs: list[np.ndarray] = []
        start = len(self._ids)
        for item_id, blob in rows:
            if item_id in self._pos:
                continue
            cluster, key, sig, when = decode_entry_timed(blob)
            pos = len(self._ids)
            self._times.append(when)
            self._ids.append(item_id)
            self._pos[item_id] = pos
            self._keys.append(key)
            self._clusters.append(cluster)
            self._sigs.append(sig.astype("<u4").tobytes())
            self._exact[exact_hash(key)] = pos
            sigs.append(sig)
        if not sigs:
            return
        self._merge()
        bks = band_keys_many(np.stack(sigs))
        keys = bks.ravel()
        pos = np.repeat(np.arange(start, start + len(sigs), dtype=np.int64), bks.shape[1])
        keys = np.concatenate([self._frozen_keys, keys])
        pos = np.concatenate([self._frozen_pos, pos])
        order = np.lexsort((pos, keys))
        self._frozen_keys, self._frozen_pos = keys[order], pos[order]

    def nbytes_arrays(self) -> int:
        """Bytes held by the band arrays (for the benchmark's memory report)."""
        return int(self._frozen_keys.nbytes + self._frozen_pos.nbytes)


def cluster_headlines(headlines: list[str], threshold: float = DEFAULT_THRESHOLD) -> list[int]:
    """Cluster index per headline, clusters numbered 0, 1, 2... by first appearance."""
    index = MemoryIndex(threshold=threshold)
    numbers: dict[str, int] = {}
    out: list[int] = []
    for i, line in enumerate(headlines):
        a = index.assign(str(i), line)
        out.append(numbers.setdefault(a.cluster_id, len(numbers)))
    return out
