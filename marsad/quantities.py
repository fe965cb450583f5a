"""Counted amounts in Arabic news text: ``1500 مرتزق``، ``قرابة 300 مقاتل``، ``عشرات الجرحى``.

Why: fact-checkers compare the numbers different outlets give for the same event (how many
mercenaries, flights, casualties), so every amount is kept with the noun it counts.

Rules (the evaluation set in ``bench/data/attribution_quantity.jsonl`` follows them):

* Numbers: Western or Eastern digits; ``,`` or ``٬`` followed by exactly three digits is a
  thousands separator (``1,500`` = 1500), and so is a single ``.`` followed by three digits
  ending in ``00`` (``50.000``، ``2.500``: European style in Maghreb and wire copy); otherwise
  ``.`` ``,`` ``٫`` are a decimal point (``2.5``، ``٢٫٥``، ``1,6``). Number words 2..10,
  teens, tens, hundreds (``ثلاثمئة`` / ``ثلاث مئة``), ``ألف ألفين مليون مليار`` and
  compounds with و (``خمسة وعشرون``). A multiplier after a number
  multiplies (``3 آلاف`` = 3000, ``2.5 مليون`` = 2500000). ``واحد`` is not counted.
* Vague amounts ``عشرات مئات آلاف ملايين مليارات`` (not preceded by a number) have
  ``value=None``; a following multiplier stays in the span (``عشرات الآلاف``).
* A hedge before the number (``قرابة نحو حوالي زهاء أكثر من أقل من ما يقارب ما لا يقل عن
  أزيد من ما يزيد عن``) is part of the span; a one-letter proclitic (``بنحو``، ``بثلاثة``) is not.
* Percent: ``%``، ``٪``، ``في المئة``، ``بالمئة`` give ``unit="%"`` (value is the number).
* Unit: the counted noun right after the amount (after an optional ``من`` before a definite
  noun: ``مئات من الأشخاص``), plus one following adjective of the same definiteness ending in
  a nisba (``ي``/``ية``/``يين``/``يون``/``يات``): ``12 رحلة جوية`` -> ``رحله جويه``. Normalized
  by :func:`normalize_unit`: diacritics removed, ``أ إ آ ٱ`` -> ``ا``, ``ة`` -> ``ه``,
  ``ى`` -> ``ي``, a leading ``ال``/``وال``/``بال``/``كال``/``فال``/``لل`` dropped, and a final
  accusative ``ا`` dropped (``مسلحاً`` -> ``مسلح``; not after ``اي``: ``ضحايا``). No noun ->
  ``unit=""`` (``ارتفع العدد إلى 120.``).
* Skipped: years (1900..2100 without separator, unless a counted noun follows and no year cue
  such as ``عام``/``منذ`` precedes), day numbers before a month name, Hijri/Gregorian years
  marked ``هـ``/``م``, numbers glued to ``/ : -`` or Latin letters (dates, times, scores,
  ``كوفيد-19``), phone-like numbers (8+ digits, a leading 0, runs of digit groups, ``+``),
  label numbers (``القرار 2254``، ``الدقيقة 90``، ``المادة 8``), ``الـ15`` (ordinals), and a
  noun-less number inside a name (``"زلزال 1"``، ``أيفون X و8``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from marsad.records import Quantity

__all__ = ["find_quantities", "normalize_unit", "normalize_word", "parse_number"]

_DIAC = re.compile(r"[\u064B-\u065F\u0670\u06D6-\u06ED]")
_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_EAST = str.maketrans({chr(0x0660 + i): str(i) for i in range(10)} | {
    chr(0x06F0 + i): str(i) for i in range(10)
})

_TOKEN = re.compile(
    r"(?P<num>[0-9٠-٩۰-۹]+(?:[.,٫٬][0-9٠-٩۰-۹]+)*)"
    r"|(?P<word>[\u0621-\u063A\u0641-\u064A\u0671-\u06D3\u064B-\u065F\u0670]+)"
    r"|(?P<other>\S)"
)


def normalize_word(word: str) -> str:
    """Comparison form of one word: no diacritics, one alef, ه for ة, ي for ى."""
    return _DIAC.sub("", word).translate(_LETTERS)


def normalize_unit(noun: str) -> str:
    """The documented unit form (see module docstring) of a noun phrase of 1-2 words."""
    out = []
    for raw in _DIAC.sub("", noun).split():
        # the article is checked as written: آلية (madda) is not ال + ية
        for pre in ("وال", "بال", "كال", "فال", "لل", "ال"):
            if raw.startswith(pre) and len(raw) - len(pre) >= 2:
                raw = raw[len(pre) :]
                break
        w = normalize_word(raw)
        if len(w) >= 3 and w.endswith("ا") and not w.endswith(("ايا", "اا")):
            w = w[:-1]
        out.append(w)
    return " ".join(out)


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str
    raw: str  # dediacritized, letters as written (keeps أ/آ apart from ا)
    kind: str  # "num" | "word" | "other"
    start: int
    end: int
    norm: str


def _tokenize(text: str) -> list[_Tok]:
    toks = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        t = m.group()
        raw = _DIAC.sub("", t)
        toks.append(_Tok(t, raw, kind, m.start(), m.end(),
                         normalize_word(t) if kind == "word" else t))
    return toks


# --- number words -----------------------------------------------------------------------

_UNITS = {
    "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "ثلاث": 3, "ثلاثه": 3, "اربع": 4,
    "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6, "سبع": 7, "سبعه": 7, "ثمان": 8,
    "ثماني": 8, "ثمانيه": 8, "تسع": 9, "تسعه": 9, "عشر": 10, "عشره": 10,
}
# Only valid as the first part of a teen (أحد عشر، اثنا عشر).
_TEEN_HEADS = {"احد": 1, "احدي": 1, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2}
_TENS = {
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40,
    "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70,
    "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90,
}
_HUNDREDS = {"مئه": 100, "مائه": 100, "مئتان": 200, "مئتين": 200, "مئتي": 200, "مئتا": 200,
             "مائتان": 200, "مائتين": 200, "مائتي": 200, "مائتا": 200}
for _w, _v in (("ثلاث", 3), ("اربع", 4), ("خمس", 5), ("ست", 6), ("سبع", 7), ("ثمان", 8),
               ("ثماني", 8), ("تسع", 9)):
    _HUNDREDS[_w + "مئه"] = _v * 100
    _HUNDREDS[_w + "مائه"] = _v * 100
_MULTIPLIERS = {
    "الف": 1e3, "الفا": 1e3, "الاف": 1e3, "مليون": 1e6, "مليونا": 1e6, "ملايين": 1e6,
    "مليار": 1e9, "مليارا": 1e9, "مليارات": 1e9, "بليون": 1e9, "ترليون": 1e12,
    "تريليون": 1e12,
}
_DUAL_MULT = {"الفين": 2e3, "الفان": 2e3, "الفي": 2e3, "مليونين": 2e6, "مليونان": 2e6,
              "مليوني": 2e6, "مليارين": 2e9, "ملياران": 2e9, "ملياري": 2e9}
# ``ألفا مرتزق`` (two thousand, the dual before its noun) is spelled like ``ألفاً`` (a thousand,
# accusative, never directly before its noun: ``خمسين ألفاً``، ``ألفاً من``).
_DUAL_CONSTRUCT = {"الفا", "مليونا", "مليارا"}
_VAGUE = {"عشرات", "مئات", "الاف", "ملايين", "مليارات"}
_VAGUE_DEF = {"ال" + w for w in _VAGUE} | {"العشرات"}
_ORDINALS = {
    "الحادي", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع",
    "الحاديه", "الثانيه", "الثالثه", "الرابعه", "الخامسه", "السادسه", "السابعه", "الثامنه",
    "التاسعه", "حادي", "ثاني", "ثالث", "رابع", "خامس", "سادس", "سابع", "ثامن", "تاسع",
}

_HEDGES_1 = {"قرابه", "نحو", "حوالي", "زهاء", "يناهز", "حوالى", "تقريبا"}
_HEDGES_2 = {("اكثر", "من"), ("اقل", "من"), ("ازيد", "من"), ("ما", "يقارب"),
             ("ما", "يناهز"), ("ما", "يفوق"), ("اكثر", "من"), ("يزيد", "عن"), ("يزيد", "علي")}
_HEDGES_3 = {("ما", "يزيد", "عن"), ("ما", "يزيد", "علي"), ("ما", "يقرب", "من"),
             ("لا", "يقل", "عن"), ("ما", "يربو", "علي")}
_HEDGES_4 = {("ما", "لا", "يقل", "عن")}

_MONTHS = {
    "يناير", "فبراير", "مارس", "ابريل", "مايو", "يونيو", "يوليو", "اغسطس", "سبتمبر",
    "اكتوبر", "نوفمبر", "ديسمبر", "كانون", "شباط", "اذار", "نيسان", "ايار", "حزيران",
    "تموز", "اب", "ايلول", "تشرين", "جانفي", "فيفري", "افريل", "ماي", "جوان", "جويليه",
    "اوت", "يوليوز", "غشت", "شتنبر", "نونبر", "دجنبر", "محرم", "ربيع", "جمادي", "رجب",
    "شعبان", "رمضان", "شوال", "ذو", "ذي",
}
_YEAR_CUES = {"عام", "العام", "سنه", "السنه", "منذ", "لعام", "عامي", "خلال", "موسم", "بحلول",
              "اواخر", "اوائل", "مطلع", "منتصف", "نهايه", "بدايه", "العامين"}
_YEAR_NOUNS = {"عام", "العام", "سنه", "السنه", "لعام", "لسنه", "عامي", "العامين"}
_ERA_MARKS = {"م", "ه", "هـ", "ميلادي", "هجري", "ميلاديه", "هجريه"}
_LABELS = {
    "رقم", "الرقم", "القرار", "قرار", "الماده", "ماده", "الفقره", "البند", "الفصل",
    "الجوله", "الدقيقه", "النسخه", "الدوره", "الطريق", "المرتبه", "المركز", "الصفحه",
    "الساعه", "الكيلو", "الاسبوع", "المباراه", "الطبعه", "الحلقه", "الفئه", "الجيل", "الرحله",
    "المرحله", "بوينغ", "ايرباص", "طراز", "موديل",
}
_FUNCTION = {
    "في", "من", "علي", "الي", "عن", "مع", "او", "ثم", "قد", "لقد", "التي", "الذي", "الذين",
    "اللذين", "اللتين", "اللواتي", "ان", "انه", "انها", "لم", "لن", "لا", "ما", "هذا", "هذه",
    "ذلك", "تلك", "هو", "هي", "هم", "كما", "بين", "حتي", "منذ", "بعد", "قبل", "خلال",
    "عند", "لدي", "حيث", "اذ", "اذا", "لكن", "بل", "كل", "بعض", "اي", "فقط", "نحو", "حوالي",
    "تقريبا", "اخري", "اخر", "يوميا", "سنويا", "شهريا", "اسبوعيا", "مقابل", "فيما", "بينما",
    "وفق", "ضمن", "عبر", "لدى", "الا", "سوي", "غير", "كانت", "كان", "يكون", "تكون", "وقد",
    "كذلك", "ايضا", "اليوم", "امس", "غدا", "فوق", "تحت", "دون", "بنحو",
    "بحسب", "حسب", "وفقا", "طبقا", "نقلا", "منهم", "منها", "منهن", "بينهم", "بينها", "فيها",
    "فيه", "عليها", "عليه", "لها", "له", "لهم", "امام", "خلف", "قرب", "داخل", "خارج",
    "حول", "وسط", "جراء", "بسبب", "اثر", "ازاء",
}
_NISBA_ENDS = ("ي", "يه", "يين", "يون", "يات")


def _prefix_strip(norm: str, min_rest: int = 3) -> tuple[str, int]:
    """Drop one proclitic (و ب ل ف ك) when the rest is long enough; returns (rest, cut)."""
    if len(norm) - 1 >= min_rest and norm[0] in "وبلفك":
        return norm[1:], 1
    return norm, 0


def parse_number(s: str) -> float:
    """Value of a digit string: ``1,500`` ``١٬٥٠٠`` -> 1500, ``2.5`` ``٢٫٥`` -> 2.5."""
    s = s.translate(_EAST)
    parts = re.split(r"([.,٫٬])", s)
    if len(parts) == 1:
        return float(s)
    seps = parts[1::2]
    groups = parts[0::2]
    if all(sp in ",٬" for sp in seps) and all(len(g) == 3 for g in groups[1:]):
        return float("".join(groups))
    if len(seps) == 1 and seps[0] == "." and len(groups[1]) == 3 and groups[1].endswith("00"):
        return float(groups[0] + groups[1])  # 50.000 / 2.500: European thousands, not 50.0
    if len(seps) == 1:
        return float(groups[0] + "." + groups[1])
    # 1.234.567 style thousands or something odd: keep the digits that look like thousands.
    if len(set(seps)) == 1 and all(len(g) == 3 for g in groups[1:]):
        return float("".join(groups))
    raise ValueError(f"not a number: {s!r}")


def _is_dual(norm: str) -> bool:
    """``ألفين`` / ``بمليوني``: a dual multiplier, with or without one proclitic."""
    return norm in _DUAL_MULT or _prefix_strip(norm, 3)[0] in _DUAL_MULT


def _word_value(norm: str) -> tuple[str, float] | None:
    """Classify a normalized word as a number part: (kind, value)."""
    if norm in _UNITS:
        return "unit", _UNITS[norm]
    if norm in _TENS:
        return "ten", _TENS[norm]
    if norm in _HUNDREDS:
        return "hundred", _HUNDREDS[norm]
    if norm in _MULTIPLIERS:
        return "mult", _MULTIPLIERS[norm]
    if norm in _DUAL_MULT:
        return "dual", _DUAL_MULT[norm]
    return None


class _Scanner:
    """One left-to-right pass over tokens; methods return the index after what they read."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokenize(text)

    def attached(self, i: int) -> bool:
        """True when token i touches the previous token (no space between)."""
        return i > 0 and self.toks[i - 1].end == self.toks[i].start

    def norm(self, i: int) -> str:
        return self.toks[i].norm if 0 <= i < len(self.toks) else ""

    def kind(self, i: int) -> str:
        return self.toks[i].kind if 0 <= i < len(self.toks) else ""

    # -- skipping numbers that are not quantities --------------------------------------

    def skip_digits(self, i: int) -> bool:
        toks = self.toks
        tok = toks[i]
        raw = tok.text.translate(_EAST)
        plain = raw.isdigit()
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        prv = toks[i - 1] if i > 0 else None
        # glued to / : - or Latin letters: dates, times, scores, model names
        if prv is not None and prv.norm == "ال":
            return True  # دور الـ 16: an ordinal, even with a space
        if prv is not None and prv.end == tok.start and (
            prv.text in "/:-+–" or (prv.text.isascii() and prv.text.isalpha()) or prv.norm == "ال"
        ):
            return True
        if nxt is not None and nxt.start == tok.end and (
            nxt.text in "/:-–" or (nxt.text.isascii() and nxt.text.isalpha())
        ):
            return True
        if plain and (len(raw) >= 8 or (len(raw) >= 3 and raw.startswith("0"))):
            return True
        # runs of digit groups separated by spaces: phone numbers, codes
        if (nxt is not None and nxt.kind == "num") or (prv is not None and prv.kind == "num"):
            return True
        prev_norm = _prefix_strip(prv.norm, 2)[0] if prv is not None and prv.kind == "word" else ""
        if prv is not None and (prv.norm in _LABELS or prev_norm in _LABELS):
            return True
        nxt_norm = nxt.norm if nxt is not None and nxt.kind == "word" else ""
        if nxt_norm in _MONTHS or nxt_norm in _ERA_MARKS:
            return True
        if nxt_norm == "من" and self.norm(i + 2) in _MONTHS | {"الشهر", "شهر"}:
            return True
        if prv is not None and (prv.norm in _YEAR_NOUNS or prev_norm in _YEAR_NOUNS) and plain:
            return True  # عام 490، سنة 1882: a year whatever its size
        if plain and prv is not None and prv.norm == "و" and i >= 2 and toks[i - 2].kind == "num":
            prev_raw = toks[i - 2].text.translate(_EAST)
            if prev_raw.isdigit() and 1800 <= int(prev_raw) <= 2100:
                return True  # عامي 2014 و2015
        if nxt_norm in {"الي", "و", "حتي"} and self.kind(i + 2) == "num" and (
            self.norm(i + 3) in _MONTHS
        ):
            return True  # من 22 إلى 30 أفريل
        if plain and 1800 <= int(raw) <= 2100:
            if prv is not None and (prv.norm in _YEAR_CUES or prev_norm in _YEAR_CUES):
                return True
            if prv is not None and prv.norm in _MONTHS:
                return True
            if self.multiplier_at(i + 1) or self.percent_at(i + 1):
                return False
            # كأس العالم 2018 المقامة: a counted noun after a number is indefinite
            return not self.countable(i + 1) or self.definite(i + 1)
        return False

    def in_a_name(self, i: int) -> bool:
        """``صاروخ "زلزال 1"``، ``أيفون X و8``: a small number that is part of a name."""
        toks = self.toks
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is not None and nxt.start == toks[i].end and nxt.text in "\"'”»":
            return True
        k = i - 1
        if k >= 0 and toks[k].norm == "و" and toks[k].end == toks[i].start:
            k -= 1
        return k >= 0 and toks[k].text.isascii() and toks[k].text.isalpha()

    # -- pieces ---------------------------------------------------------------------

    def multiplier_at(self, i: int) -> bool:
        return self.kind(i) == "word" and self.norm(i) in _MULTIPLIERS

    def percent_at(self, i: int) -> int:
        """Tokens used by a percent marker at i (0 if none)."""
        if self.kind(i) == "other" and self.toks[i].text in "%٪":
            return 1
        n = self.norm(i)
        if n in {"بالمئه", "بالمائه"}:
            return 1
        if n == "في" and self.norm(i + 1) in {"المئه", "المائه"}:
            return 2
        return 0

    def countable(self, i: int) -> bool:
        """Could token i be the counted noun (an Arabic content word)?"""
        if self.kind(i) != "word":
            return False
        if "\n" in self.text[self.toks[i - 1].end : self.toks[i].start]:
            return False  # a new line starts a new sentence
        n = self.norm(i)
        if n in _FUNCTION or n in _MONTHS or n in _ERA_MARKS or len(n) < 2:
            return False
        if _word_value(n) is not None or n in _VAGUE or n in _TEEN_HEADS:
            return False
        if n.startswith("و") and len(n) > 2:
            rest, raw_rest = n[1:], self.toks[i].raw[1:]
            if raw_rest[0] in "أإآيتن" or rest.startswith("ال") or _word_value(rest) is not None:
                return False
        return True

    def definite(self, i: int) -> bool:
        """Written with the article ال (``آلية`` is not: its alef carries madda)."""
        raw = self.toks[i].raw
        return raw.startswith("ال") and len(raw) > 3

    def hedge_start(self, i: int) -> int | None:
        """Start offset of a hedge ending right before token i, if any."""
        for size, table in ((4, _HEDGES_4), (3, _HEDGES_3), (2, _HEDGES_2)):
            if i - size < 0:
                continue
            words = [self.norm(j) for j in range(i - size, i)]
            if any(self.kind(j) != "word" for j in range(i - size, i)):
                continue
            first, cut = _prefix_strip(words[0], 2)
            if tuple(words) in table or (cut and tuple([first, *words[1:]]) in table):
                return self.toks[i - size].start + (cut if tuple(words) not in table else 0)
        if i >= 1 and self.kind(i - 1) == "word":
            w = self.norm(i - 1)
            if w in _HEDGES_1:
                return self.toks[i - 1].start
            rest, cut = _prefix_strip(w, 3)
            if cut and rest in _HEDGES_1:
                return self.toks[i - 1].start + cut
        return None

    def unit_at(self, i: int, definite_ok: bool) -> tuple[str, int]:
        """(unit, index after it) for the counted noun starting at token i."""
        if self.norm(i) == "من" and self.kind(i + 1) == "word" and self.definite(i + 1) and (
            self.countable(i + 1)
        ):
            i += 1
            definite_ok = True
        if not self.countable(i):
            return "", i
        definite = self.definite(i)
        if definite and not definite_ok:
            return "", i
        words = [self.toks[i].text]
        j = i + 1
        if self.countable(j):
            adj = self.norm(j)
            if adj.endswith("يا") and len(adj) >= 5:
                adj = adj[:-1]  # accusative: عسكرياً
            prep = self.toks[j].raw.startswith(("بال", "لل", "كال", "فال", "وال"))
            if self.toks[j].raw.endswith("ى"):
                adj = ""  # تعنى: a verb, not a nisba adjective
            if self.definite(j) == definite and adj.endswith(_NISBA_ENDS) and len(adj) >= 4 and (
                not adj.endswith("ايه") and not prep
            ):
                words.append(self.toks[j].text)
                j += 1
        return normalize_unit(" ".join(words)), j

    # -- one quantity -----------------------------------------------------------------

    def _noun_follows(self, i: int) -> bool:
        """Token i is directly followed by a plain word that is no number part nor ``من``."""
        nxt = self.norm(i + 1)
        return (self.kind(i + 1) == "word" and nxt not in {"من", "و"} and len(nxt) > 1
                and _word_value(nxt) is None and nxt not in _VAGUE)

    def read_amount(self, i: int) -> tuple[float | None, int, int] | None:
        """Parse the amount starting at token i: (value, start_offset, next index)."""
        toks = self.toks
        tok = toks[i]
        total = 0.0
        cur = 0.0
        vague = False
        start = tok.start
        last_kind = ""
        j = i
        if tok.kind == "num":
            if self.skip_digits(i):
                return None
            try:
                cur = parse_number(tok.text)
            except ValueError:
                return None
            last_kind = "digits"
            j = i + 1
        else:
            n, cut = tok.norm, 0
            info = _word_value(n)
            if n in _VAGUE_DEF and (self.kind(i - 1) == "num" or self.norm(i - 1) in _VAGUE):
                return None
            if n in _VAGUE_DEF:
                vague, last_kind = True, "vague"
            if vague:
                pass
            elif n in _VAGUE:
                vague, last_kind = True, "vague"
            elif info is None and n in _TEEN_HEADS:
                if _word_value(self.norm(i + 1)) in {("unit", 10.0), ("unit", 10)}:
                    cur, last_kind = float(_TEEN_HEADS[n]), "unit"
                else:
                    return None
            else:
                if info is None:
                    rest, cut = _prefix_strip(n, 3)
                    info = _word_value(rest) if cut else None
                    if cut and rest in _VAGUE:
                        info, vague, last_kind = None, True, "vague"
                    elif info is None:
                        return None
                if info is not None:
                    kind, val = info
                    if kind == "unit" and val == 10 and self.norm(i - 1) in _ORDINALS:
                        return None
                    if kind == "mult":
                        if (rest if cut else n) in _DUAL_CONSTRUCT and self._noun_follows(i):
                            val *= 2
                        total, last_kind = val, "mult"
                    else:
                        cur, last_kind = float(val), kind
            start = tok.start + cut
            j = i + 1
        # continue with multipliers, teens, hundreds and و-compounds
        while j < len(toks) and toks[j].kind == "word":
            n = toks[j].norm
            info = _word_value(n)
            if info is not None and info[0] == "mult":
                if vague:
                    j += 1
                    continue
                if last_kind == "mult":
                    break
                total += (cur or 1.0) * info[1]
                cur, last_kind = 0.0, "mult"
                j += 1
                continue
            if n == "و" and last_kind == "mult" and self.kind(j + 1) == "num" and (
                toks[j + 1].start == toks[j].end
            ):
                try:
                    cur += parse_number(toks[j + 1].text)
                except ValueError:
                    break
                last_kind = "digits"
                j += 2
                continue
            if vague and n in _VAGUE_DEF:
                j += 1
                continue
            if vague:
                break
            if info is not None and info[0] == "hundred" and n in {"مئه", "مائه"} and (
                last_kind == "unit" and 1 <= cur <= 9
            ):
                cur *= 100
                last_kind = "hundred"
                j += 1
                continue
            if info == ("unit", 10) and last_kind == "unit" and 1 <= cur <= 9:
                cur += 10
                last_kind = "teen"
                j += 1
                continue
            if n.startswith("و") and len(n) > 2:
                rest_info = _word_value(n[1:])
                if rest_info is not None and rest_info[0] in {"unit", "ten", "hundred"}:
                    cur += rest_info[1]
                    last_kind = rest_info[0]
                    j += 1
                    continue
            break
        value = None if vague else total + cur
        return value, start, j


def find_quantities(text: str) -> list[Quantity]:
    """Every counted amount in ``text`` with its normalized unit, in text order."""
    sc = _Scanner(text)
    toks = sc.toks
    out: list[Quantity] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.kind not in {"num", "word"}:
            i += 1
            continue
        got = sc.read_amount(i)
        if got is None:
            i += 1
            continue
        value, start, j = got
        if value == 0:
            i += 1
            continue
        hedge = sc.hedge_start(i)
        if hedge is not None:
            start = hedge
        pct = sc.percent_at(j)
        if pct and value is not None:
            unit, end_idx = "%", j + pct
        else:
            vague = value is None
            unit, end_idx = sc.unit_at(j, definite_ok=vague)
            if not unit and not vague and tok.kind == "word" and j == i + 1 and (
                not _is_dual(tok.norm)
            ):
                # one bare number word without a noun (ثلاثة، ألف) is too often something else;
                # a dual multiplier (مليوني، ألفين) is unambiguous and kept
                i = j
                continue
            if not unit and tok.kind == "num" and sc.in_a_name(i):
                i = j
                continue
        end = toks[end_idx - 1].end
        out.append(Quantity(text=text[start:end], value=value, unit=unit, start=start, end=end))
        i = max(end_idx, i + 1)
    return out
