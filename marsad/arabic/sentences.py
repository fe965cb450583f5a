"""Sentence spans for Arabic news text, as offsets into the original string.

Why offsets and not strings: attributions and quantities point back into the stored clean
text, so analysts can highlight the exact sentence a claim came from.

Splits on ``.`` ``!`` ``?`` ``؟`` and newlines. A dot between two digits (``2.5``) or after
a single Latin letter (``U.S``, ``د.`` initials) does not end a sentence, and closing quotes or
brackets right after the mark stay in the sentence.
"""

from __future__ import annotations

import re

__all__ = ["sentence_spans", "split_sentences"]

_END = re.compile(r"[.!?؟]+[\"'»”)\]]*|\n+")
_DIGIT = re.compile(r"[0-9٠-٩]")
# Abbreviations that end with a dot inside a sentence: "د." (doctor), "م." (engineer), "ص."
_ABBREV = re.compile(r"(?:^|[\s(])(?:[A-Za-z]|د|م|ص|ج|أ)$")


def _is_false_stop(text: str, pos: int, mark: str) -> bool:
    """A dot inside a number or after a one-letter abbreviation is not a sentence end."""
    if mark != ".":
        return False
    before = text[pos - 1] if pos > 0 else ""
    after = text[pos + 1] if pos + 1 < len(text) else ""
    if _DIGIT.match(before) and _DIGIT.match(after):
        return True
    return bool(_ABBREV.search(text[max(0, pos - 3) : pos]))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-empty sentence, whitespace trimmed, in text order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if _is_false_stop(text, m.start(), m.group()):
            continue
        end = m.end() if m.group()[0] != "\n" else m.start()
        _add(text, start, end, spans)
        start = m.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def split_sentences(text: str) -> list[str]:
    """The sentences themselves (convenience for callers that need no offsets)."""
    return [text[s:e] for s, e in sentence_spans(text)]
