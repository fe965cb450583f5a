"""Headline keys: the part of a title that tells the story, normalized for comparison.

Outlets decorate a copied headline with kickers (``عاجل |``, ``بالفيديو..``, ``(صور)``) and with
their own name (``- الشروق أونلاين``, ``| هسبريس``, ``العربية:``). None of that is the story, so
:func:`headline_key` removes it before :func:`marsad.arabic.normalize.match_key`.

A trailing `` - X`` segment is removed only when X is the site's own name, a known outlet, or
short and outlet-like (``نيوز``, ``أونلاين``, ``24``, Latin-only); a real second clause
(``ترامب يهدد - والصين ترد``) is kept.
"""

from __future__ import annotations

import re
from functools import lru_cache

from marsad.arabic.normalize import clean_text, key_from_clean, match_key

__all__ = ["KICKERS", "KNOWN_OUTLETS", "headline_key", "strip_decorations"]

# Kickers as they appear in titles (match_key form is computed below).
KICKERS: tuple[str, ...] = (
    "عاجل",
    "عاجل جدا",
    "خبر عاجل",
    "بالفيديو",
    "فيديو",
    "بالفيديوهات",
    "شاهد",
    "شاهدوا",
    "بالصور",
    "صور",
    "بالصورة",
    "صورة",
    "خاص",
    "حصري",
    "حصريا",
    "بالتفاصيل",
    "تفاصيل",
    "متابعة",
    "تحديث",
    "مباشر",
    "بث مباشر",
    "فيديو وصور",
    "بالفيديو والصور",
    "انفوجراف",
    "إنفوغراف",
    "breaking",
    "video",
    "urgent",
)

KNOWN_OUTLETS: tuple[str, ...] = (
    "الشروق أونلاين",
    "الشروق",
    "هسبريس",
    "العربية",
    "العربية نت",
    "الجزيرة",
    "الجزيرة نت",
    "سكاي نيوز عربية",
    "سكاي نيوز",
    "بي بي سي عربي",
    "بي بي سي",
    "فرانس 24",
    "سي إن إن بالعربية",
    "CNN بالعربية",
    "روسيا اليوم",
    "آر تي",
    "RT",
    "سبوتنيك",
    "الحرة",
    "اليوم السابع",
    "المصري اليوم",
    "الأهرام",
    "بوابة الأهرام",
    "مصراوي",
    "الوطن",
    "الشرق الأوسط",
    "عكاظ",
    "الرياض",
    "سبق",
    "البيان",
    "الخليج",
    "الاتحاد",
    "الراي",
    "القبس",
    "النهار",
    "الأخبار",
    "الخبر",
    "النهار الجديد",
    "القدس العربي",
    "العربي الجديد",
    "عربي21",
    "إرم نيوز",
    "الجوهرة أف أم",
    "موزاييك أف أم",
    "الصباح",
    "المغرب اليوم",
    "اليوم 24",
    "الأيام",
    "عمون",
    "رؤيا",
    "وكالة الأنباء",
    "رويترز",
    "فرانس برس",
    "أ ف ب",
    "وكالات",
)

# Words that make a short trailing segment look like an outlet name.
_OUTLET_HINTS = frozenset(
    match_key(w)
    for w in (
        "أونلاين",
        "اونلاين",
        "نيوز",
        "نت",
        "بوست",
        "تايمز",
        "24",
        "جريدة",
        "صحيفة",
        "موقع",
        "قناة",
        "بوابة",
        "وكالة",
        "إذاعة",
        "أف أم",
        "اف ام",
        "تي في",
        "بالعربية",
        "عربي",
        "عربية",
    )
)

_KICKER_KEYS = frozenset(match_key(k) for k in KICKERS)
_OUTLET_KEYS = frozenset(match_key(o) for o in KNOWN_OUTLETS)
_MAX_KICKER_WORDS = max(len(k.split()) for k in _KICKER_KEYS)

# Segment separators outlets use between kicker/outlet and the story.
# Segment separators outlets use between kicker/outlet and the story. A hyphen separates
# only with spaces around it (``ثنائي - القطب`` vs ``الدوحة-الرياض``).
_SPLIT_RE = re.compile(r"[|｜:：…]|\.\.+|\s[-–—]+\s|/\s|::")
_BRACKETED_RE = re.compile(r"[(\[{【（]([^()\[\]{}【】（）]{1,40})[)\]}】）]")
_QUOTES_RE = re.compile(r"[\"'«»“”„‟‘’‚‛‹›〝〞＂`´]")


_MAX_DECOR_WORDS = 5  # longer segments are story text; skip normalizing them here


@lru_cache(maxsize=16384)
def _seg_key(segment: str) -> str:
    """Cached key of a short segment (kickers and outlet names repeat all day)."""
    return key_from_clean(segment)


@lru_cache(maxsize=4096)
def _site_key(sitename: str) -> str:
    return match_key(sitename)


def _short(segment: str, site_key: str) -> bool:
    return segment.count(" ") < max(_MAX_DECOR_WORDS, site_key.count(" ") + 2)


def _is_kicker(segment: str) -> bool:
    return segment.count(" ") < _MAX_DECOR_WORDS and _seg_key(segment) in _KICKER_KEYS


def _is_outlet(segment: str, site_key: str) -> bool:
    """True when a trailing/leading segment names the outlet rather than telling news."""
    if not _short(segment, site_key):
        return False
    key = _seg_key(segment)
    if not key:
        return True
    if site_key and (key == site_key or key in site_key or site_key in key):
        return True
    if key in _OUTLET_KEYS:
        return True
    words = key.split()
    if len(words) > 3:
        return False
    if all(w.isascii() for w in words):  # "Hespress FR", "RT", "CNN"
        return True
    return any(w in _OUTLET_HINTS for w in words)


def _strip_leading_kicker_words(text: str) -> str:
    """Drop a kicker glued to the story without a separator: ``عاجل الرئيس يعلن...``."""
    words = text.split(maxsplit=_MAX_KICKER_WORDS)
    for n in range(min(_MAX_KICKER_WORDS, len(words) - 1), 0, -1):
        if _seg_key(" ".join(words[:n])) in _KICKER_KEYS:
            return " ".join(words[n:])
    return text


def strip_decorations(title: str, sitename: str | None = None) -> str:
    """Remove kickers, outlet names, quotes and bracketed kickers; keep the story text.

    Returns cleaned display text (not a key), so it is testable and reusable.
    """
    text = clean_text(title, keep_newlines=False)
    site_key = _site_key(sitename) if sitename else ""
    # Bracketed kickers or outlet names anywhere: "(فيديو)", "[صور]", "(هسبريس)".
    if any(b in text for b in "([{【（"):
        text = _bracketed(text, site_key)
    parts = [p.strip() for p in _SPLIT_RE.split(text)]
    parts = [p for p in parts if p]
    # Leading kickers / outlet names ("عاجل |", "هسبريس:").
    while len(parts) > 1 and (_is_kicker(parts[0]) or _is_outlet_strict(parts[0], site_key)):
        parts.pop(0)
    # Trailing kickers / outlet names ("- الشروق أونلاين", "| فيديو").
    while len(parts) > 1 and (_is_kicker(parts[-1]) or _is_outlet(parts[-1], site_key)):
        parts.pop()
    if parts:
        parts[0] = _strip_leading_kicker_words(parts[0])
    text = " ".join(parts)
    if _QUOTES_RE.search(text):
        text = _QUOTES_RE.sub(" ", text)
    return " ".join(text.split())


def _bracketed(text: str, site_key: str) -> str:
    """Drop bracketed kickers or outlet names anywhere: "(فيديو)", "[صور]", "(هسبريس)"."""
    return _BRACKETED_RE.sub(
        lambda m: " " if (_is_kicker(m.group(1)) or _is_outlet_strict(m.group(1), site_key))
        else m.group(0),
        text,
    )


def _is_outlet_strict(segment: str, site_key: str) -> bool:
    """Leading segments are stricter: only the site's name or a known outlet."""
    if not _short(segment, site_key):
        return False
    key = _seg_key(segment)
    if not key:
        return False
    return key in _OUTLET_KEYS or bool(site_key and key == site_key)


def headline_key(title: str, sitename: str | None = None) -> str:
    """The comparison key of a headline: decorations stripped, then ``match_key``."""
    key = key_from_clean(strip_decorations(title, sitename))
    if key:
        return key
    # A title that is only decoration (e.g. "فيديو") keeps its own key rather than "".
    return match_key(title)
