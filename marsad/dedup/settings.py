"""Tunables of near-duplicate detection (one public knob: ``DEFAULT_THRESHOLD``)."""

from __future__ import annotations

#: Minimum verified similarity (``marsad.dedup.verify.similarity``) for two headlines to be
#: the same story. Measured numbers are in ``marsad.dedup.__doc__``.
DEFAULT_THRESHOLD: float = 0.7

#: Verify at most this many LSH candidates per lookup (most shared bands first).
MAX_CANDIDATES: int = 12

#: Read at most this many most-recent members of one LSH bucket (common word pairs).
MAX_BUCKET: int = 48
