"""Verification of an LSH candidate pair: same story, or same topic with a different fact?

MinHash only says two headlines share words. Copies of one story differ by kickers,
spelling, function words, a clause moved to the front or an added detail; different stories
on one topic differ by *one* decisive thing. The verifier rejects (score 0.0):

* different numbers (``مقتل 5`` / ``مقتل 50``): digit sequences must be equal as multisets;
* two different day words (``الخميس`` / ``الجمعة``, ``اليوم`` / ``غدا``): recurring titles;
* a negation/denial word on one side only (``يعترف`` / ``ينفي``, ``لم``, ``عدم``);
* an added kinship/role/modality word (``نجل``, ``السابق``, ``محاولة``): another person or
  another stage of the story;
* a substituted content word, i.e. unmatched content words on *both* sides (one entity
  changed: ``ماكرون يزور الجزائر`` / ``ماكرون يزور المغرب``);
* content words in a different order that is not one block moved (role swaps:
  ``مصر تهزم المغرب`` / ``المغرب تهزم مصر``); fronting a phrase is one block move and allowed;
* for short headlines (fewer than ``SHORT_TOKENS`` content words): anything beyond function
  words and spelling variants.

Otherwise the score is a weighted Dice overlap of the tokens (content words weigh 1,
function/time words 0.25, spelling variants count 0.9), minus 0.05 for a moved block; the
index accepts the pair when the score reaches the threshold.
"""

from __future__ import annotations

import re
from collections import Counter

from marsad.dedup.lexicon import CRITICAL, DAYS, DROPPABLE, NEGATION, stem, variant

__all__ = ["SHORT_TOKENS", "is_block_move", "similarity"]

SHORT_TOKENS = 4
_DROP_WEIGHT = 0.25
_VARIANT_CREDIT = 0.9
_MOVE_PENALTY = 0.05
_MIN_SHARED = 0.5  # minimum Dice overlap of stems before the detailed check
_NUM_RE = re.compile(r"\d+(?:\.\d+)?")


def _weight(tok: str) -> float:
    return _DROP_WEIGHT if tok in DROPPABLE else 1.0


def is_block_move(perm: list[int]) -> bool:
    """True when ``perm`` is the identity with one contiguous block moved elsewhere."""
    n = len(perm)
    i = 0
    while i < n and perm[i] == i:
        i += 1
    if i == n:
        return True
    j = n - 1
    while perm[j] == j:
        j -= 1
    seg = perm[i : j + 1]
    ident = list(range(i, j + 1))
    return any(seg == ident[k:] + ident[:k] for k in range(1, len(ident)))


def _align(
    ta: list[str], tb: list[str], sa: list[str], sb: list[str]
) -> tuple[list[tuple[int, int, bool]], set[int], set[int]]:
    """Greedy alignment: equal stems first (in order), then spelling/clitic variants."""
    where: dict[str, list[int]] = {}
    for j, st in enumerate(sb):
        where.setdefault(st, []).append(j)
    pairs: list[tuple[int, int, bool]] = []
    unmatched_a: set[int] = set()
    for i, st in enumerate(sa):
        slots = where.get(st)
        if slots:
            j = slots.pop(0)
            pairs.append((i, j, ta[i] == tb[j]))
        else:
            unmatched_a.add(i)
    free_b = {j for slots in where.values() for j in slots}
    for i in sorted(unmatched_a):
        j = next((j for j in sorted(free_b) if variant(ta[i], tb[j])), None)
        if j is not None:
            free_b.discard(j)
            unmatched_a.discard(i)
            pairs.append((i, j, False))
    return pairs, unmatched_a, free_b


def similarity(key_a: str, key_b: str) -> float:
    """Verified similarity of two headline keys in [0, 1]; 0.0 means a different fact."""
    if key_a == key_b:
        return 1.0
    if Counter(_NUM_RE.findall(key_a)) != Counter(_NUM_RE.findall(key_b)):
        return 0.0
    ta, tb = key_a.split(), key_b.split()
    if not ta or not tb:
        return 0.0
    sa, sb = [stem(t) for t in ta], [stem(t) for t in tb]
    # Cheap reject before alignment: copies share most stems; topic neighbours do not.
    shared = sum((Counter(sa) & Counter(sb)).values())
    if 2 * shared < _MIN_SHARED * (len(sa) + len(sb)):
        return 0.0
    pairs, un_a, un_b = _align(ta, tb, sa, sb)
    extra_a = [ta[i] for i in un_a]
    extra_b = [tb[j] for j in un_b]
    if any(t in NEGATION for t in extra_a + extra_b):
        return 0.0
    if any(stem(t) in DAYS or t in DAYS for t in extra_a) and any(
        stem(t) in DAYS or t in DAYS for t in extra_b
    ):
        return 0.0
    content_a = [t for t in extra_a if t not in DROPPABLE]
    content_b = [t for t in extra_b if t not in DROPPABLE]
    if content_a and content_b:
        return 0.0
    if any(t in CRITICAL or stem(t) in CRITICAL for t in content_a + content_b):
        return 0.0
    n_content = min(
        sum(1 for t in ta if t not in DROPPABLE), sum(1 for t in tb if t not in DROPPABLE)
    )
    short = n_content < SHORT_TOKENS
    if short and (content_a or content_b):
        return 0.0
    # Order of the matched content words.
    content_pairs = sorted((i, j) for i, j, _ in pairs if ta[i] not in DROPPABLE)
    order = [j for _, j in content_pairs]
    ranks = {j: r for r, j in enumerate(sorted(order))}
    perm = [ranks[j] for j in order]
    moved = perm != sorted(perm)
    if moved and (short or not is_block_move(perm)):
        return 0.0
    matched = sum(
        _weight(ta[i]) * (1.0 if exact else _VARIANT_CREDIT) for i, _, exact in pairs
    )
    total = sum(_weight(t) for t in ta) + sum(_weight(t) for t in tb)
    score = 2.0 * matched / total
    if moved:
        score -= _MOVE_PENALTY
    return max(0.0, min(1.0, score))
