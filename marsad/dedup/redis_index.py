"""Near-duplicate index shared by several workers through Redis (distributed mode).

Atomicity (why per-bucket locks): a lookup only ever reads the LSH buckets and the exact-key
bucket of the new headline, and an item's cluster never changes once written. So two
assignments can influence each other only if their bucket sets intersect. Before
query+insert, ``assign`` takes all of its bucket locks at once with one Lua script
(all-or-nothing ``SET NX PX``, no partial holds, so no deadlock). Two variants of one
story share their exact key or a band and are serialized; unrelated headlines proceed in
parallel, unlike with one global lock. Verification runs in Python under the lock, which
a pure Lua script could not do. A lock expires after ``lock_ttl_ms`` if a worker dies.

Keys (``prefix`` = ``marsad:dedup``): ``{p}:items`` hash item_id -> entry bytes (same
format as ``MemoryIndex.entry``, item time included, so candidate times come with the
candidate data in the same HMGET), ``{p}:x:<hash>`` exact key -> newest item_id,
``{p}:b:<band key>`` list of the newest ``MAX_BUCKET`` item_ids, ``{p}:lock:<bucket>`` lock tokens.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from marsad.dedup.headline import headline_key
from marsad.dedup.memory import (
    Assignment,
    choose_match,
    decode_entry,
    decode_entry_timed,
    encode_entry,
    exact_hash,
    in_window,
)
from marsad.dedup.minhash import band_keys, signature
from marsad.dedup.settings import (
    DEFAULT_THRESHOLD,
    DEFAULT_WINDOW_SECONDS,
    MAX_BUCKET,
    MAX_CANDIDATES,
)
from marsad.errors import StoreUnavailable

__all__ = ["RedisIndex"]

_ACQUIRE = """
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
end
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[1], 'PX', tonumber(ARGV[2]))
end
return 1
"""

_RELEASE = """
local n = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('DEL', KEYS[i]); n = n + 1
  end
end
return n
"""


class RedisIndex:
    """Same contract as ``MemoryIndex.assign``, state in Redis, safe across processes."""

    def __init__(
        self,
        client: Any,
        prefix: str = "marsad:dedup",
        threshold: float = DEFAULT_THRESHOLD,
        lock_ttl_ms: int = 5000,
        lock_wait_s: float = 10.0,
        window: float | None = DEFAULT_WINDOW_SECONDS,
    ) -> None:
        self.r = client
        self.window = window
        self.prefix = prefix
        self.threshold = threshold
        self.lock_ttl_ms = lock_ttl_ms
        self.lock_wait_s = lock_wait_s
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)
        self._items = f"{prefix}:items"

    def __len__(self) -> int:
        return int(self.r.hlen(self._items))

    def _existing(self, item_id: str) -> Assignment | None:
        blob = self.r.hget(self._items, item_id)
        if blob is None:
            return None
        cluster, _, _ = decode_entry(blob)
        return Assignment(cluster, None, 1.0, False)

    def _lock(self, buckets: list[str]) -> str:
        token = uuid.uuid4().hex
        keys = [f"{self.prefix}:lock:{b}" for b in buckets]
        deadline = time.monotonic() + self.lock_wait_s
        delay = 0.0005
        while not self._acquire(keys=keys, args=[token, self.lock_ttl_ms]):
            if time.monotonic() > deadline:
                raise StoreUnavailable("dedup: could not lock LSH buckets in time")
            time.sleep(delay)
            delay = min(delay * 2, 0.02)
        return token

    def _unlock(self, buckets: list[str], token: str) -> None:
        self._release(keys=[f"{self.prefix}:lock:{b}" for b in buckets], args=[token])

    def assign(
        self, item_id: str, headline: str, sitename: str | None = None, *, when: float | None = None
    ) -> Assignment:
        """Atomic assign: concurrent variants of one story end in one cluster.

        ``when`` as in ``MemoryIndex.assign``: matches only within ``window`` seconds.
        """
        done = self._existing(item_id)
        if done is not None:
            return done
        key = headline_key(headline, sitename)
        if not key:  # no letters or digits: its own cluster, not indexed
            blob = encode_entry(item_id, key, signature(key), when)
            if self.r.hsetnx(self._items, item_id, blob):
                return Assignment(item_id, None, 0.0, True)
            return self._existing(item_id) or Assignment(item_id, None, 0.0, True)
        sig = signature(key)
        buckets = [f"x:{exact_hash(key):x}"] + [f"b:{k:x}" for k in band_keys(sig).tolist()]
        token = self._lock(buckets)
        try:
            done = self._existing(item_id)
            if done is not None:
                return done
            result = self._assign_locked(item_id, key, sig, buckets, when)
        finally:
            self._unlock(buckets, token)
        return result

    def _assign_locked(
        self, item_id: str, key: str, sig: Any, buckets: list[str], when: float | None
    ) -> Assignment:
        p = self.prefix
        pipe = self.r.pipeline(transaction=False)
        pipe.get(f"{p}:{buckets[0]}")
        for b in buckets[1:]:
            pipe.lrange(f"{p}:{b}", -MAX_BUCKET, -1)
        exact, *lists = pipe.execute()
        match: tuple[str, str, float] | None = None
        if exact is not None:
            cluster, ckey, _, ctime = decode_entry_timed(self.r.hget(self._items, exact))
            if ckey == key and in_window(when, ctime, self.window):
                match = (exact.decode(), cluster, 1.0)
        if match is None:
            counts: dict[bytes, int] = {}
            for members in lists:
                for m in members:
                    counts[m] = counts.get(m, 0) + 1
            ranked = sorted(counts, key=lambda m: (-counts[m], m))[:MAX_CANDIDATES]
            blobs = self.r.hmget(self._items, ranked) if ranked else []
            cands = []
            for m, blob in zip(ranked, blobs, strict=True):
                if blob is not None:
                    cluster, ckey, _, ctime = decode_entry_timed(blob)
                    if in_window(when, ctime, self.window):
                        cands.append((m.decode(), cluster, ckey))
            match = choose_match(key, cands, self.threshold)
        if match is None:
            cluster, matched, score, new = item_id, None, 0.0, True
        else:
            matched, cluster, score = match
            new = False
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(self._items, item_id, encode_entry(cluster, key, sig, when))
        pipe.set(f"{p}:{buckets[0]}", item_id)  # newest copy: chains stay on the fast path
        for b in buckets[1:]:
            pipe.rpush(f"{p}:{b}", item_id)
            pipe.ltrim(f"{p}:{b}", -MAX_BUCKET, -1)  # only the newest are ever read
        pipe.execute()
        return Assignment(cluster, matched, score, new)

    def entry(self, item_id: str) -> bytes:
        """Serialized state of one item, same format as ``MemoryIndex.entry``."""
        blob = self.r.hget(self._items, item_id)
        if blob is None:
            raise KeyError(item_id)
        return bytes(blob)
