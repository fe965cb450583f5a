"""Steps shared by the HTML and plain-text paths: cleaning, language, dating, quality gates.

The Arabic helpers (``marsad.arabic.normalize``, ``marsad.arabic.dates``) are imported
lazily so extraction still works, with plainer fallbacks, in a checkout that lacks them.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from types import ModuleType

from marsad.errors import NotArabic, TooShort
from marsad.extract.boilerplate import strip_boilerplate
from marsad.records import Extracted

log = logging.getLogger(__name__)

TEXT_HEAD_CHARS = 400
MAX_TITLE_CHARS = 160
_TATWEEL_SPLIT = re.compile(r"\u0640+\s+\u0640*|\s+\u0640+")


def _normalize() -> ModuleType | None:
    try:
        from marsad.arabic import normalize
    except ImportError:
        return None
    return normalize


def _fallback_clean(text: str, keep_newlines: bool) -> str:
    """Minimal repair when marsad.arabic.normalize is missing: rejoin ``ميليشـ ـيات``."""
    text = _TATWEEL_SPLIT.sub("", text).replace("\u0640", "")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    if not keep_newlines:
        return " ".join(x for x in lines if x)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean(text: str, keep_newlines: bool = True) -> str:
    """``marsad.arabic.normalize.clean_text`` (split words, tatweel, digits, invisibles)."""
    mod = _normalize()
    if mod is None:
        return _fallback_clean(text, keep_newlines)
    return mod.clean_text(text, keep_newlines=keep_newlines)


def clean_body(text: str) -> str:
    """Boilerplate removal then normalization; also after, since split words hide phrases."""
    return strip_boilerplate(clean(strip_boilerplate(text)))


def clean_title(title: str) -> str:
    return clean(title, keep_newlines=False)


def title_from(text: str) -> str:
    """A stand-in title (first line, cut at a word) for pages that declare none."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) <= MAX_TITLE_CHARS:
        return first
    return first[:MAX_TITLE_CHARS].rsplit(" ", 1)[0]


def arabic_ratio(text: str) -> float:
    mod = _normalize()
    if mod is not None:
        return float(mod.arabic_ratio(text))
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff") / len(letters)


def language_of(text: str) -> str | None:
    """``"ar"`` when Arabic letters are the majority; None otherwise (marsad is Arabic-only)."""
    return "ar" if arabic_ratio(text) >= 0.5 else None


def date_from_text(date_line: str, text: str, not_after: dt.date | None) -> dt.date | None:
    """Publication date from the visible date line, else from the head of the text.

    Uses ``marsad.arabic.dates.find_publication_date``; without that module no date.
    """
    try:
        from marsad.arabic.dates import find_publication_date
    except ImportError:
        log.debug("marsad.arabic.dates missing: no text date fallback")
        return None
    for chunk in (date_line, text[:TEXT_HEAD_CHARS]):
        if chunk and chunk.strip():
            found = find_publication_date(chunk, not_after=not_after)
            if found is not None:
                return found
    return None


def check_quality(extracted: Extracted, min_text_chars: int) -> None:
    """Raise NotArabic / TooShort so the shell records why a document was dropped."""
    if extracted.language != "ar":
        raise NotArabic(
            f"Arabic letters are {arabic_ratio(extracted.text):.0%} of the text's letters"
        )
    if len(extracted.text) < min_text_chars:
        raise TooShort(f"{len(extracted.text)} characters of text, {min_text_chars} required")
