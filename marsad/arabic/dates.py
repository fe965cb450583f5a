"""Arabic publication-date parsing: every month-name system Arab outlets actually print.

Why this exists: ``dateparser`` and ``htmldate`` know the Egyptian/Gulf month names
(يناير، فبراير…) but miss the Levantine/Iraqi names (كانون الثاني، آذار، تشرين الأول…),
the Algerian/Tunisian ones (جانفي، أفريل، جوان، جويلية، أوت), the Moroccan ones (يوليوز،
غشت، شتنبر، نونبر، دجنبر), Eastern digits (١٥ آذار ٢٠٢٠) and Hijri dates.  A fact-checker
ordering copies of a claim by publication time needs all of them.

How it works: the text is first *normalised* into a same-script skeleton (alef variants →
ا, ى → ي, ة → ه, Eastern/Persian digits → ASCII, diacritics/tatweel/bidi marks dropped)
while keeping a map from each normalised character back to its original offset, so the
regexes stay simple and :class:`DateMatch` offsets still point into the caller's text.
Every regex is compiled once at import.

Conventions (documented choices, not accidents):

* Numeric dates are read **day-first** (``03/04/2020`` is 3 April), the Arabic convention.
  Only when day-first is impossible and month-first is valid (``04/15/2020``) is it
  read month-first.  ``YYYY-MM-DD`` / ``YYYY/MM/DD`` are read year-first.
* Two-digit years (only accepted in numeric dates with ``/`` or ``-``; ``2.1.10`` is a
  version number): ``00–69`` → 2000–2069, ``70–99`` → 1970–1999.
* A numeric date whose year lies in 1343–1500 (the range ``hijridate`` covers), or that
  carries a ``هـ`` suffix, is Hijri (no Arab outlet prints a Gregorian 1445 numerically).
  Named Gregorian months always stay Gregorian (``29 مايو 1453`` is a historical date).
* Hijri dates are converted with ``hijridate`` (Umm al-Qura), so a day that does not exist
  in that calendar (``30 شعبان`` in a 29-day month) is rejected; years outside 1343–1500
  cannot be converted and are not reported.
* In dual forms (``8 آذار (مارس) 2020``, ``مارس/آذار``) the first month name decides.
* Impossible dates (``31 شباط 2020``) are not dates; a weekday prefix is consumed but never
  used to reject a date (outlets often mislabel it).
* A day, month *and* year are required: ``مارس 2020`` or ``الأحد 15 مارس`` is not a date.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass

from hijridate import Hijri

__all__ = ["DateMatch", "find_dates", "find_publication_date", "parse_date"]

CALENDAR_GREGORIAN = "gregorian"
CALENDAR_HIJRI = "hijri"
CALENDAR_NUMERIC = "numeric"

MIN_PLAUSIBLE_YEAR = 1990
_HIJRI_MIN_YEAR = 1343
_HIJRI_MAX_YEAR = 1500
_TWO_DIGIT_PIVOT = 69


@dataclass(frozen=True)
class DateMatch:
    """One date expression found in running text; ``text == source[start:end]``."""

    date: _dt.date
    start: int
    end: int
    text: str
    calendar: str  # "gregorian" | "hijri" | "numeric"
    has_time: bool = False


# --------------------------------------------------------------------------- normalisation

_CHAR_MAP: dict[str, str] = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ی": "ي",  # Persian yeh
    "ک": "ك",  # Persian kaf
    "ة": "ه",
    "ـ": "",  # tatweel: هـ → ه
    "\u061c": "",  # Arabic letter mark
    "\u200e": "",
    "\u200f": "",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u202a": "",
    "\u202b": "",
    "\u202c": "",
    "\u202d": "",
    "\u202e": "",
    "\u2066": "",
    "\u2067": "",
    "\u2068": "",
    "\u2069": "",
    "\u00a0": " ",
    "\u202f": " ",
    "\u066b": ".",  # Arabic decimal separator
    "\u066c": ",",  # Arabic thousands separator
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
}
for _i in range(10):
    _CHAR_MAP[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic ٠-٩
    _CHAR_MAP[chr(0x06F0 + _i)] = str(_i)  # Extended (Persian/Urdu) ۰-۹
for _cp in (*range(0x064B, 0x0653), 0x0670):  # harakat, shadda, sukun, dagger alef
    _CHAR_MAP[chr(_cp)] = ""


def _normalize(text: str) -> tuple[str, list[int]]:
    """Return the matching skeleton of ``text`` and, per skeleton char, its source offset.

    Whitespace runs collapse to one space: with long runs, patterns that allow optional
    whitespace on both sides of an optional separator would backtrack quadratically.
    """
    out: list[str] = []
    index: list[int] = []
    get = _CHAR_MAP.get
    for pos, ch in enumerate(text):
        rep = get(ch)
        if rep is None and ch.isspace():
            rep = " "  # one space per run keeps the optional-separator regexes linear
        if rep == " " and out and out[-1] == " ":
            continue
        if rep is None:
            if "\ufb50" <= ch <= "\ufdff" or "\ufe70" <= ch <= "\ufeff":
                # presentation forms (old PDFs/CMSs): fold to base letters, maybe several
                rep = "".join(get(c, c) for c in unicodedata.normalize("NFKC", ch))
            else:
                out.append(ch)
                index.append(pos)
                continue
        for piece in rep:
            out.append(piece)
            index.append(pos)
    return "".join(out), index


def _norm_name(name: str) -> str:
    return _normalize(name)[0]


# --------------------------------------------------------------------------- month tables

_GREGORIAN_NAMES: dict[int, tuple[str, ...]] = {
    # Egyptian/Gulf, Levantine/Iraqi, Algerian/Tunisian, Moroccan (duplicates are harmless)
    1: ("يناير", "كانون الثاني", "كانون ثاني", "جانفي", "جانفييه"),
    2: ("فبراير", "شباط", "فيفري", "فبرير"),
    3: ("مارس", "آذار", "اذار"),
    4: ("أبريل", "إبريل", "ابريل", "نيسان", "أفريل", "افريل"),
    5: ("مايو", "أيار", "مايس", "ماي"),
    6: ("يونيو", "يونيه", "حزيران", "جوان"),
    7: ("يوليو", "يوليه", "تموز", "جويلية", "جويلة", "يوليوز"),
    8: ("أغسطس", "اغسطس", "آب", "أوت", "اوت", "غشت"),
    9: ("سبتمبر", "أيلول", "ايلول", "شتنبر"),
    10: ("أكتوبر", "اكتوبر", "تشرين الأول", "تشرين أول"),
    11: ("نوفمبر", "تشرين الثاني", "تشرين ثاني", "نونبر", "نوڤمبر"),
    12: ("ديسمبر", "كانون الأول", "كانون أول", "دجنبر", "دیسمبر"),
}

_HIJRI_NAMES: dict[int, tuple[str, ...]] = {
    1: ("محرم", "المحرم"),
    2: ("صفر",),
    3: ("ربيع الأول", "ربيع أول"),
    4: ("ربيع الآخر", "ربيع الثاني", "ربيع آخر", "ربيع ثاني"),
    5: ("جمادى الأولى", "جمادى الأول", "جمادى أولى"),
    6: ("جمادى الآخرة", "جمادى الثانية", "جمادى الآخر", "جمادى الثاني", "جمادى آخرة"),
    7: ("رجب",),
    8: ("شعبان",),
    9: ("رمضان",),
    10: ("شوال",),
    11: ("ذو القعدة", "ذي القعدة", "ذا القعدة"),
    12: ("ذو الحجة", "ذي الحجة", "ذا الحجة"),
}


def _lookup(table: dict[int, tuple[str, ...]]) -> dict[str, int]:
    """Skeleton (spaces removed) → month number."""
    return {
        _norm_name(name).replace(" ", ""): month for month, names in table.items() for name in names
    }


_GREG_LOOKUP = _lookup(_GREGORIAN_NAMES)
_HIJRI_LOOKUP = _lookup(_HIJRI_NAMES)


def _alternation(table: dict[int, tuple[str, ...]]) -> str:
    """Regex alternation of every name, longest first, spaces as optional whitespace."""
    names = {_norm_name(n) for names in table.values() for n in names}
    parts = [re.escape(n).replace(r"\ ", " ").replace(" ", r"\s*") for n in names]
    return "|".join(sorted(parts, key=len, reverse=True))


_GREG_ALT = _alternation(_GREGORIAN_NAMES)
_HIJRI_ALT = _alternation(_HIJRI_NAMES)

# --------------------------------------------------------------------------- regex pieces

_END_NAME = r"(?![^\W\d])"  # a month name ends at a non-letter; a digit may follow (يونيو2017)
_WEEKDAY = r"(?:يوم\s+)?(?:ال)?(?:احد|اثنين|ثلاثاء|اربعاء|خميس|جمعه|سبت)"
_WEEKDAY_PREFIX = rf"(?:(?<!\w){_WEEKDAY}(?!\w)\s*[,،\-/|]?\s*)?"
_DAY = r"(?<!\d)(?P<day>(?<!\w)غره|\d{1,2})(?!\d)"
_DAY_SEP = r"\s*[-/.]?\s*(?:من\s+(?:شهر\s+)?|شهر\s+)?"
_YEAR_SEP = r"\s*[,،\-/.]?\s*(?:من\s+)?(?:ل?(?:ال)?عام\s+|ل?سنه\s+)?"
_YEAR4 = r"(?P<year>\d{4})(?!\d)"
_GREG_SUFFIX = r"(?:م\.?|ميلاديه|ميلادي|للميلاد)"
_HIJRI_SUFFIX = r"(?:ه\.?|هجريه|هجري|للهجره)"
_TIME = (
    r"(?P<time>\s*(?:[-|،,]|\bفي\b)?\s*(?:(?:الساعه|عند\s+الساعه)\s*)?"
    r"T?\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?"
    r"(?:\s*(?:صباحا|مساء|ظهرا|عصرا|ليلا|فجرا|ص|م|am|pm)(?!\w))?"
    r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}|gmt|utc|ت\.?\s?غ\.?|بتوقيت\s+(?:غرينتش|جرينتش|مكه(?:\s+المكرمه)?"
    r"|القدس|بيروت|القاهره|الدوحه|ابوظبي|الرياض|دمشق|بغداد|الجزائر|تونس|الرباط|عمان|مكه)))?)?"
)

_GREG_NAMED_RE = re.compile(
    rf"{_WEEKDAY_PREFIX}{_DAY}{_DAY_SEP}"
    rf"(?P<month>{_GREG_ALT}){_END_NAME}"
    rf"(?:\s*(?:/|\\|-)\s*(?P<alt1>{_GREG_ALT}){_END_NAME}|\s*\(\s*(?P<alt2>{_GREG_ALT})\s*\))?"
    rf"{_YEAR_SEP}{_YEAR4}(?:\s*(?P<suffix>{_GREG_SUFFIX})(?!\w))?{_TIME}",
    re.IGNORECASE,
)

_HIJRI_NAMED_RE = re.compile(
    rf"{_WEEKDAY_PREFIX}{_DAY}{_DAY_SEP}"
    rf"(?P<month>{_HIJRI_ALT}){_END_NAME}(?:\s*(?:المبارك|المعظم|الحرام|الخير)(?!\w))?"
    rf"{_YEAR_SEP}(?P<year>\d{{4}})(?!\d)(?:\s*(?P<suffix>{_HIJRI_SUFFIX})(?!\w))?{_TIME}",
    re.IGNORECASE,
)

_NUM_SUFFIX = rf"(?:\s*(?P<suffix>{_HIJRI_SUFFIX}|{_GREG_SUFFIX})(?!\w))?"

_YMD_RE = re.compile(
    rf"(?<![\w/.\-]){_WEEKDAY_PREFIX}(?P<year>\d{{4}})"
    rf"\s?(?P<sep>[-/.])\s?(?P<month>\d{{1,2}})\s?(?P=sep)\s?"
    rf"(?P<day>\d{{1,2}})(?!\d)(?![-/.]\d){_NUM_SUFFIX}{_TIME}",
    re.IGNORECASE,
)

_DMY_RE = re.compile(
    rf"(?<![\w/.\-]){_WEEKDAY_PREFIX}(?P<day>\d{{1,2}})"
    rf"\s?(?P<sep>[-/.])\s?(?P<month>\d{{1,2}})\s?(?P=sep)\s?"
    rf"(?P<year>\d{{4}}|\d{{2}})(?!\d)(?![-/.]\d){_NUM_SUFFIX}{_TIME}",
    re.IGNORECASE,
)

_LABEL_REACH = 200  # chars after the first plausible date where a labelled one may win
# A label right before a date saying it is the publication date (run on the skeleton).
_PUB_CUE_RE = re.compile(
    r"(?<!\w)(?:(?:تم\s+)?النشر|تاريخ\s+النشر|نشرت?|منشور|published(?:\s+on)?|posted(?:\s+on)?)"
    r"\s*(?:في|بتاريخ|يوم|on)?\s*[:|\-]?\s*$",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------- building dates


def _hijri_to_gregorian(year: int, month: int, day: int) -> _dt.date | None:
    """Umm al-Qura conversion; None when the Hijri day does not exist or is out of range."""
    if not _HIJRI_MIN_YEAR <= year <= _HIJRI_MAX_YEAR:
        return None
    try:
        greg = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return _dt.date(*greg.datetuple())


def _gregorian(year: int, month: int, day: int) -> _dt.date | None:
    try:
        return _dt.date(year, month, day)
    except ValueError:
        return None


def _day_value(raw: str) -> int:
    return 1 if raw == "غره" else int(raw)


def _month_of(lookup: dict[str, int], raw: str) -> int:
    return lookup[re.sub(r"\s+", "", raw)]


def _from_greg_named(m: re.Match[str]) -> tuple[_dt.date, str] | None:
    month = _month_of(_GREG_LOOKUP, m["month"])
    day = _day_value(m["day"])
    found = _gregorian(int(m["year"]), month, day)
    return (found, CALENDAR_GREGORIAN) if found else None


def _from_hijri_named(m: re.Match[str]) -> tuple[_dt.date, str] | None:
    month = _month_of(_HIJRI_LOOKUP, m["month"])
    found = _hijri_to_gregorian(int(m["year"]), month, _day_value(m["day"]))
    return (found, CALENDAR_HIJRI) if found else None


def _is_hijri_numeric(year: int, suffix: str | None) -> bool:
    if suffix:
        return suffix.startswith(("ه", "لله"))
    return _HIJRI_MIN_YEAR <= year <= _HIJRI_MAX_YEAR


def _numeric(year: int, month: int, day: int, suffix: str | None) -> tuple[_dt.date, str] | None:
    if _is_hijri_numeric(year, suffix):
        found = _hijri_to_gregorian(year, month, day)
        return (found, CALENDAR_HIJRI) if found else None
    found = _gregorian(year, month, day)
    return (found, CALENDAR_NUMERIC) if found else None


def _from_ymd(m: re.Match[str]) -> tuple[_dt.date, str] | None:
    return _numeric(int(m["year"]), int(m["month"]), int(m["day"]), m["suffix"])


def _from_dmy(m: re.Match[str]) -> tuple[_dt.date, str] | None:
    raw_year = m["year"]
    year = int(raw_year)
    if len(raw_year) == 2:
        if m["sep"] == ".":
            return None  # "2.1.10" is a version number far more often than a date
        year += 2000 if year <= _TWO_DIGIT_PIVOT else 1900
    first, second = int(m["day"]), int(m["month"])
    found = _numeric(year, second, first, m["suffix"])  # day-first, the Arabic convention
    if found is None and second > 12 >= first:
        found = _numeric(year, first, second, m["suffix"])  # only when DMY is impossible
    return found


_PARSERS = (
    (_GREG_NAMED_RE, _from_greg_named),
    (_HIJRI_NAMED_RE, _from_hijri_named),
    (_YMD_RE, _from_ymd),
    (_DMY_RE, _from_dmy),
)

# --------------------------------------------------------------------------- public API


def find_dates(text: str) -> list[DateMatch]:
    """Every date expression in ``text``, in reading order, with offsets into ``text``.

    Overlapping candidates are resolved in favour of the one starting first (then the
    longest), so ``الأحد 15 آذار 2020 - 10:30`` is one match that includes weekday and time.
    """
    if not text:
        return []
    skeleton, index = _normalize(text)
    candidates: list[tuple[int, int, _dt.date, str, bool]] = []
    for regex, build in _PARSERS:
        for m in regex.finditer(skeleton):
            built = build(m)
            if built is None:
                continue
            start, end = m.span()
            # trim whitespace the optional groups may have swallowed at the edges
            while end > start and skeleton[end - 1].isspace():
                end -= 1
            candidates.append((start, end, built[0], built[1], m["time"] is not None))
    candidates.sort(key=lambda c: (c[0], -c[1]))
    results: list[DateMatch] = []
    last_end = -1
    for start, end, found, calendar, has_time in candidates:
        if start < last_end:
            continue
        # the end reaches up to the next kept character so a trailing tatweel (هـ) or
        # diacritic dropped by normalisation stays inside the match
        src_start = index[start]
        src_end = index[end] if end < len(index) else len(text)
        src_end = len(text[:src_end].rstrip())
        results.append(
            DateMatch(found, src_start, src_end, text[src_start:src_end], calendar, has_time)
        )
        last_end = end
    return results


# What may sit between a Hijri date and the Gregorian date it is paired with.
_PAIR_GAP_RE = re.compile(
    r"[\s\-|،,/()\[\]:]*(?:(?:الموافق|الموافقه|يوافق)\s*ل?)?[\s\-|،,/()\[\]:]*"
)
_PAIR_MAX_DAYS = 2


def _prefer_gregorian_partner(matches: list[DateMatch], i: int, text: str) -> DateMatch:
    """Hijri date paired with a stated Gregorian one (``… هـ الموافق … م``): trust the latter.

    Umm al-Qura tables can differ by a day from the sighting-based calendar an outlet
    uses, so when the page states the Gregorian day next to the Hijri one, that wins.
    """
    current = matches[i]
    if current.calendar != CALENDAR_HIJRI or i + 1 >= len(matches):
        return current
    partner = matches[i + 1]
    gap = _normalize(text[current.end : partner.start])[0]
    if (
        partner.calendar != CALENDAR_HIJRI
        and _PAIR_GAP_RE.fullmatch(gap)
        and abs((partner.date - current.date).days) <= _PAIR_MAX_DAYS
    ):
        return partner
    return current


def parse_date(expr: str) -> _dt.date | None:
    """The date an expression (a date line, label, byline) states, or None if it states none.

    Labels and bylines around the date (``نشر في``, ``آخر تحديث:``, ``القاهرة -``) are
    ignored.  With several dates the first wins, except that a Hijri date followed by the
    Gregorian date it states (``… هـ الموافق … م``) yields the stated Gregorian day.
    """
    found = find_dates(expr)
    return _prefer_gregorian_partner(found, 0, expr).date if found else None


def find_publication_date(text: str, *, not_after: _dt.date | None = None) -> _dt.date | None:
    """Best publication-date candidate from a page's date line or the head of its text.

    Skips dates before 1990 (history mentioned in the story) and, when ``not_after`` is
    given (usually the crawl date), dates after it.  A plausible date right after a
    publication label (``نشر في:``, ``تاريخ النشر``) wins over an earlier unlabelled one
    (``آخر تحديث``); otherwise the first plausible date is the dateline.
    """
    matches = find_dates(text)
    plausible = [
        i
        for i, m in enumerate(matches)
        if m.date.year >= MIN_PLAUSIBLE_YEAR and (not_after is None or m.date <= not_after)
    ]
    if not plausible:
        return None
    chosen = plausible[0]
    for i in plausible:
        if matches[i].start - matches[chosen].start > _LABEL_REACH:
            break  # a "نُشر في" deep in the story is about something else
        head = _normalize(text[max(0, matches[i].start - 40) : matches[i].start])[0]
        if _PUB_CUE_RE.search(head):
            chosen = i
            break
    best = _prefer_gregorian_partner(matches, chosen, text).date
    if not_after is not None and best > not_after:
        return matches[chosen].date
    return best
