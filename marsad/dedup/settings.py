"""Tunables of near-duplicate detection (one public knob: ``DEFAULT_THRESHOLD``)."""

from __future__ import annotations

#: Minimum verified similarity (``marsad.dedup.verify.similarity``) for two headlines to be
#: the same story. Measured numbers are in ``marsad.dedup.__doc__``.
DEFAULT_THRESHOLD: float = 0.7

#: Verify at most this many LSH candidates per lookup (most shared bands first).
MAX_CANDIDATES: int = 12

#: Read at most this many most-recent members of one LSH bucket (common word pairs).
MAX_BUCKET: int = 48

#: A headline may only match an item seen at most this many seconds away from it (None = no
#: window). Why: generic recurring titles ("gold prices today") would otherwise chain into one
#: story across months; copies of a copy inside the window keep joining (chaining).
DEFAULT_WINDOW_SECONDS: float | None = 7 * 86400
