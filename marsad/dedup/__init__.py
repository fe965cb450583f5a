"""Near-duplicate headline detection: the same story republished by another outlet.

Pipeline per headline: ``headline_key`` (kickers, outlet names, quotes removed; Arabic
normalized) -> exact-key lookup -> MinHash/LSH candidates over order-aware shingles ->
verification (numbers, negation, substituted entity, role swap, short-headline guard) ->
weighted similarity compared with ``DEFAULT_THRESHOLD``.

``DEFAULT_THRESHOLD`` is the minimum verified similarity. Measured on
``bench/data/headline_pairs.tsv`` (see ``bench/dedup_bench.py``): MEASURED_NUMBERS.
"""

from marsad.dedup.headline import headline_key
from marsad.dedup.memory import Assignment, MemoryIndex, cluster_headlines
from marsad.dedup.redis_index import RedisIndex
from marsad.dedup.settings import DEFAULT_THRESHOLD

__all__ = [
    "DEFAULT_THRESHOLD",
    "Assignment",
    "MemoryIndex",
    "RedisIndex",
    "cluster_headlines",
    "headline_key",
]
