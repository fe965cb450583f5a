"""Entity canonicalization: one key per real-world name, across mentions and articles.

Why: outlets write the same person as ``المشير خليفة حفتر``, ``خليفة حفتر``, ``حفتر``, ``وحفتر``,
``إردوغان`` / ``أردوغان`` / ``اردوغان``. Analysts count and search by *who*, so every mention
gets a display name (``Entity.canonical``) and a matching key.

Three layers:

1. :func:`canonical_key` (stateless, per mention): letters folded (diacritics, tatweel, alef
   and hamza seats, ى/ي, ة/ه, Persian letters), titles and honorifics stripped for persons
   (``المشير``, ``رئيس الوزراء العراقي``, ``المتحدث باسم وزارة الخارجية الروسية`` ...), a proclitic
   (و ب ل ف ك) removed from the first word only when that is certain (``والقاهرة``,
   ``للأمم``) or the rest is a well-known name (``ومصر``, ``لليبيا``; ``وليد`` stays), and
   compounds written both ways joined (``عبد الله`` = ``عبدالله``, ``أبو ظبي`` = ``أبوظبي``).
2. :func:`canonicalize` (per article): resolves uncertain clitics against the other mentions
   (``وحفتر`` next to ``حفتر``) and merges short and long person names (``حفتر`` and ``خليفة
   حفتر`` -> ``خليفة حفتر``: a mention whose words are the first or last words of exactly one
   longer person name takes that name). ``Entity.canonical`` is the longest title-free form.
3. Search. The store keeps, per mention, ``canonical`` (display) and
   ``canonical_key(canonical, type)``, plus the rows of :func:`index_keys` in an entity-key
   table; ``marsad ... --entity حفتر`` looks up ``key IN query_keys("حفتر")``. Index keys
   contain the person-name prefixes and suffixes (``خليفة حفتر`` -> ``خليفة``, ``حفتر``) and
   the uncertain clitic readings, so a surname query finds the article even if no mention
   in it was the bare surname.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
)

from marsad.records import Entity

__all__ = [
    "canonical_key",
    "canonicalize",
    "display_name",
    "fold",
    "index_keys",
    "query_keys",
]

# --- letters -----------------------------------------------------------------------------

_MARKS_RE = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]"
)
_INVISIBLE_RE = re.compile(
    "[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_TOKEN_RE = re.compile(r"[^\W_]+")
_LETTER_MAP = str.maketrans({
    "ؤ": "و", "ئ": "ي",
    "ک": "ك", "ی": "ي", "ې": "ي", "ۍ": "ي", "ہ": "ه", "ە": "ه", "ۀ": "ه", "ھ": "ه", "ۃ": "ة",
    "ڤ": "ف", "گ": "ك", "پ": "ب", "چ": "ج",
})


def _clean(text: str) -> str:
    """Display-level cleaning: canonical Unicode, no invisibles, diacritics or tatweel."""
    text = unicodedata.normalize("NFKC", _INVISIBLE_RE.sub("", text))
    return _MARKS_RE.sub("", dediac_ar(text))


def _fold_clean(text: str) -> str:
    # one character in, one character out: offsets in the cleaned form stay valid
    text = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(text)))
    return text.translate(_LETTER_MAP).lower()


def fold(text: str) -> str:
    """Spelling-insensitive form of a word or name (no title or clitic handling)."""
    return _fold_clean(_clean(text))


def phrase_key(text: str) -> str:
    """Folded words of a phrase between single spaces, with a space at each end.

    For word-aligned substring search (``marsad articles --cited سانا`` finds the source
    ``وكالة "سانا"``): spelling variants fold together, punctuation and diacritics go, and the
    outer spaces keep a query word from matching inside a longer word. Empty for no words.
    """
    words = _TOKEN_RE.findall(fold(text))
    return f" {' '.join(words)} " if words else ""


def _fold_all(words: str) -> frozenset[str]:
    return frozenset(fold(w) for w in words.split())


# --- lexicon -------------------------------------------------------------------------------

# Titles and honorifics stripped from the start of person names: single words, then phrases.
_TITLE_WORDS = (
    "المشير اللواء العقيد العميد الفريق المقدم الرائد النقيب الملازم الجنرال الأميرال "
    "العماد المارشال الرئيس الوزير الوزيرة الشيخ الشيخة الملك الملكة الأمير الأميرة "
    "السلطان العاهل الدكتور الدكتورة د م السيد السيدة الآنسة الأستاذ الأستاذة المهندس "
    "المهندسة المستشار المستشارة الحاج الحاجة الإمام القاضي القاضية النائب النائبة "
    "السفير السفيرة البروفيسور الفنان الفنانة اللاعب اللاعبة المدرب الكاتب الكاتبة "
    "الصحفي الصحفية الناشط الناشطة المحامي المحامية الداعية المطران الأب الكاردينال "
    "الحاخام المرشد الزعيم القائد الراحل الراحلة الشهيد الشهيدة المرحوم الفقيد "
    "السيناتور اللورد السير الرفيق المفوض المفوضة المبعوث المبعوثة "
    "سماحة فضيلة معالي سعادة فخامة جلالة سمو مستر مدام"
)
_TITLE_MULTI = (
    "اللواء المتقاعد", "الفريق أول", "الفريق الركن", "اللواء الركن", "العميد الركن",
    "آية الله", "حجة الإسلام", "صاحب السمو", "خادم الحرمين الشريفين", "المرشد الأعلى",
    "ولي العهد", "رئيس الوزراء", "رئيس الحكومة", "رئيس الجمهورية", "أ د", "ا د",
    "الأمين العام", "المتحدث باسم", "المتحدثة باسم", "الناطق باسم", "الناطقة باسم",
    "المتحدث الرسمي باسم", "الناطق الرسمي باسم", "المبعوث الأممي", "المبعوث الخاص",
)


def _title_phrases() -> tuple[tuple[str, ...], ...]:
    phrases = {(fold(w),) for w in _TITLE_WORDS.split()}
    phrases |= {tuple(fold(w) for w in p.split()) for p in _TITLE_MULTI}
    return tuple(sorted(phrases, key=len, reverse=True))  # longest match first


_TITLE_PHRASES = _title_phrases()

# Office nouns in construct state: "وزير الخارجية الأمريكي", "رئيس مجلس النواب الليبي",
# "قائد الجيش". They start a title only when followed by a definite or construct word.
_HEADS = _fold_all(
    "وزير وزيرة رئيس رئيسة نائب نائبة سفير سفيرة قائد زعيم زعيمة مدير مديرة محافظ حاكم "
    "أمين مستشار مستشارة مبعوث ممثل ممثلة عضو مساعد وكيل عمدة أمير ملك ولي المتحدث "
    "المتحدثة الناطق الناطقة الأمين رئيس وزيرة مفوض مفوضة قائد مرشد مؤسس منسق منسقة"
)
# Nouns that continue an office title without the article (construct chains).
_CONSTRUCT = _fold_all(
    "مجلس حكومة وزارة هيئة جهاز حزب حركة دولة جمهورية منظمة أركان لجنة بعثة جامعة مكتب "
    "قوات جيش شرطة مؤسسة اتحاد جبهة تحالف ائتلاف محكمة برلمان إدارة شركة مجموعة كتلة "
    "باسم عام وفد إقليم ولاية مدينة بلدية قسم مركز دائرة جماعة تنظيم ميليشيا مليشيا فصيل "
    "كتائب سرايا هيئة مفوضية أكاديمية نقابة"
)
# Countries without the article, so "أمير قطر" and "رئيس وزراء لبنان" are full titles.
_BARE_COUNTRIES = _fold_all(
    "قطر مصر لبنان ليبيا تونس سوريا سورية تركيا إيران روسيا فرنسا ألمانيا بريطانيا "
    "إسرائيل أمريكا فلسطين أوكرانيا إسبانيا إيطاليا باكستان أفغانستان إثيوبيا عمان "
    "موريتانيا الكويت وزراء"
)
# Qualifiers that may follow a title: "الرئيس الأمريكي السابق".
_QUALIFIERS = _fold_all(
    "السابق السابقة الأسبق الأسبقة المتقاعد المتقاعدة الجديد الجديدة المنتخب المنتخبة "
    "المكلف المكلفة المؤقت المؤقتة الانتقالي الأعلى العام الأول الركن الرسمي الأممي الخاص"
)
# Prepositions introducing the place of an office: the next word belongs to the title.
_PREPOSITIONS = _fold_all("إلى لدى في")
# Given names shaped like nisba adjectives: never taken for "التركي"-like qualifiers.
_NISBA_NAMES = _fold_all("الهادي المهدي الباجي العربي الهاشمي الطيب الزبيدي المنجي الناجي")

# Well-known bare names: a clitic in front of them is certain to be a clitic ("ومصر", "لليبيا").
_KNOWN = _fold_all(
    "مصر سوريا سورية العراق لبنان ليبيا تونس الجزائر المغرب السودان اليمن الأردن فلسطين "
    "إسرائيل إيران تركيا روسيا أمريكا فرنسا ألمانيا بريطانيا الصين اليابان الهند باكستان "
    "أفغانستان أوكرانيا قطر الكويت السعودية الإمارات البحرين عمان موريتانيا الصومال إثيوبيا "
    "إسبانيا إيطاليا أوروبا أفريقيا آسيا واشنطن موسكو باريس لندن برلين بكين طهران أنقرة "
    "إسطنبول القاهرة دمشق بغداد بيروت عمان الرياض الدوحة دبي أبوظبي طرابلس بنغازي مصراتة "
    "سرت درنة غزة رفح القدس الخليل نابلس جنين حلب إدلب حمص الموصل البصرة عدن صنعاء "
    "الخرطوم تونس الرباط الجزائر كييف واشنطن نيويورك جنيف فيينا "
    "محمد أحمد علي حسن حسين محمود مصطفى عمر خالد سعيد يوسف إبراهيم عبدالله عبد "
    "فاطمة مريم زينب خليفة عبدالفتاح بشار رجب فلاديمير دونالد جو إيمانويل بنيامين "
    "حفتر السيسي الأسد أردوغان بوتين ترامب بايدن نتنياهو ماكرون الدبيبة المشري باشاغا "
    "حماس حزب الله فتح الجيش الحكومة الأمم المتحدة البرلمان الاتحاد الناتو الجامعة "
    "الحوثي الحوثيين طالبان داعش "
    "تشاد النيجر مالي إريتريا جيبوتي نيجيريا السنغال كينيا أوغندا رواندا تنزانيا الكاميرون "
    "كوريا البرازيل كندا المكسيك الأرجنتين اليونان قبرص أذربيجان أرمينيا بولندا هولندا بلجيكا "
    "السويد النرويج الدنمارك سويسرا النمسا البرتغال إندونيسيا ماليزيا بنغلاديش سريلانكا "
    "كابول إسلام آباد الفاشر نيالا أم درمان سبها الكفرة الزاوية غريان صبراتة تعز الحديدة "
    "مأرب حضرموت المكلا كركوك أربيل الرقة دير الزور درعا اللاذقية طرطوس صيدا صور طنجة "
    "فاس مراكش الدار البيضاء وجدة وهران قسنطينة عنابة صفاقس سوسة القيروان الإسكندرية "
    "أسوان الأقصر بورتسعيد السويس الإسماعيلية العقبة إربد الزرقاء المنامة مسقط جدة مكة المدينة"
)
# Words that begin with a clitic letter but never lose it (besides _KNOWN).
_NEVER_STRIP = _fold_all(
    "وليد وائل وزير وزيرة وزارة وكالة ولاية وادي وهران ويلز وليام ويليام وسام وديع وجدي وحيد "
    "وفاء وهبي وهبة ولد وطن وحدة والتر والاس وارسو واغنر واتساب ووهان وودرو ويتكوف "
    "ويكيليكس ويندوز وول وارنر ويلسون وستمنستر ويسترن وصفي وسيم وضاح وداد ورد وردة "
    "بالتيمور بالدوين بالما بالي بالاو باليرمو كاليفورنيا كالاهان فالنسيا فالنتين فالح "
    "لالا ليلى لليان للي"
)
# Compounds spelled both joined and apart: joined in the key.
_JOIN_NEXT = _fold_all("عبد أبو ابو")
_JOIN_PREV = _fold_all("الله الدين الرحمن")
# Words that are not a name on their own (kept inside keys, never an index key alone).
_PARTICLES = _fold_all("بن ابن بنت ال آل أبو ابو عبد دي دو فون فان لا لي")

_DEFINITE = ("ال", "لل")


# --- parsing one mention -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Parsed:
    """A mention without its title: display words and folded words (parallel)."""

    display: tuple[str, ...]
    folded: tuple[str, ...]
    # other readings of the first word when a clitic was possible but not certain:
    # (folded reading, display reading)
    alternatives: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return _join_key(self.folded)


def _join_key(folded: tuple[str, ...] | list[str]) -> str:
    out: list[str] = []
    for word in folded:
        if out and (out[-1] in _JOIN_NEXT or word in _JOIN_PREV):
            out[-1] = out[-1] + word
        else:
            out.append(word)
    return " ".join(out)


def _clitic_readings(word: str) -> list[tuple[str, int, str]]:
    """Possible ``(rest, letters_removed, prefix_added)`` if ``word`` starts with proclitics."""
    readings: list[tuple[str, int, str]] = []
    if word.startswith("لل") and len(word) >= 5:
        readings.append(("ال" + word[2:], 2, "ال"))
    if len(word) >= 4 and word[0] in "وفبكل":
        readings.append((word[1:], 1, ""))
        if word[0] in "وف" and word[1] in "بكلف":
            readings.extend((r, n + 1, p) for r, n, p in _clitic_readings(word[1:]))
    return readings


def _certain_reading(word: str, etype: str | None) -> tuple[str, int, str] | None:
    """The clitic reading that is sure enough for a cross-article key, if any."""
    if word in _KNOWN or word in _NEVER_STRIP:
        return None
    for rest, n, prefix in _clitic_readings(word):
        if rest in _KNOWN:
            return rest, n, prefix
    for rest, n, prefix in _clitic_readings(word):
        if rest in _NEVER_STRIP:
            continue
        clitics = word[:n]
        definite = rest.startswith("ال") and len(rest) >= 5
        if definite and prefix == "ال" and etype not in ("LOC", "PER"):
            return rest, n, prefix  # للأمم -> الأمم (a place or person may be ل + لX: للوسي)
        if definite and prefix == "" and (
            clitics == "و" or (clitics in ("ب", "وب") and etype != "PER")
        ):
            return rest, n, prefix  # والقاهرة, بالقاهرة (but بالاسيوس is Palacios)
        if clitics == "و" and rest[0] == "و" and len(rest) >= 3:
            return rest, n, prefix  # وواشنطن
    return None


def _is_qualifier(word: str) -> bool:
    if word in _QUALIFIERS:
        return True
    return (word.startswith("ال") and len(word) >= 5 and word.endswith(("ي", "يه"))
            and word not in _NISBA_NAMES and word not in _KNOWN)


def _title_length(folded: list[str], i: int) -> int:
    """How many words from ``i`` form a title (0 if none); always leaves one word."""
    n = len(folded)
    for phrase in _TITLE_PHRASES:
        k = len(phrase)
        if i + k < n and tuple(folded[i:i + k]) == phrase:
            # an office phrase ("رئيس الوزراء") takes a complement; a rank only qualifiers
            return k + _chain_length(folded, i + k, after_head=k > 1)
    if folded[i] in _HEADS and i + 1 < n:
        chain = _chain_length(folded, i + 1, after_head=True)
        if chain and i + 1 + chain < n:
            return 1 + chain
    return 0


def _chain_length(folded: list[str], j: int, after_head: bool) -> int:
    """Words after a title that still belong to it (its complement and qualifiers)."""
    n = len(folded)
    k = j
    if after_head:
        while k < n - 1:
            word = folded[k]
            forms = {word, word[1:]} if word.startswith("ل") and not word.startswith("لل") else {
                word}
            if word in _PREPOSITIONS or (word.startswith("ال") and _starts_title_phrase(folded, k)):
                break  # "... الفريق أول عبد الفتاح البرهان": the next rank is its own title
            if (word.startswith(_DEFINITE) and word not in _NISBA_NAMES) or (
                forms & (_CONSTRUCT | _BARE_COUNTRIES | _HEADS)
            ):  # "نائب رئيس الوزراء", "مساعد وزير الخارجية", "رئيس وزراء لبنان"
                k += 1
                if forms & _CONSTRUCT and k < n - 1 and folded[k] in _KNOWN:
                    k += 1  # a bare proper name after a construct noun: "لحركة حماس"
                continue
            break
    while k < n - 1:
        if _is_qualifier(folded[k]):
            k += 1
        elif folded[k] in _PREPOSITIONS and k + 2 < n:
            k += 2  # "المبعوث الأممي إلى ليبيا", "السفير الأمريكي لدى إسرائيل"
        else:
            break
    return k - j


def _starts_title_phrase(folded: list[str], i: int) -> bool:
    return any(len(p) > 1 and tuple(folded[i:i + len(p)]) == p for p in _TITLE_PHRASES)


def _strip_titles(folded: list[str]) -> int:
    """Index of the first word after the leading titles."""
    i = 0
    while i < len(folded) - 1:
        k = _title_length(folded, i)
        if not k and i == 0:
            # a clitic glued to the title: "والرئيس", "للمشير", "وللرئيس"
            for rest, _n, _p in _clitic_readings(folded[0]):
                k = _title_length([rest, *folded[1:]], 0)
                if k:
                    break
        if not k and folded[i] in _QUALIFIERS:
            k = 1  # the rest of a title a tagger cut off: "[اللواء] المتقاعد سامح الدسوقي"
        if not k:
            break
        i += k
    return i


@lru_cache(maxsize=65536)
def _parse(name: str, etype: str | None) -> _Parsed:
    display = _TOKEN_RE.findall(_clean(name))
    folded = [_fold_clean(w) for w in display]
    if not folded:
        return _Parsed((), ())
    start = _strip_titles(folded) if etype in (None, "PER") else 0
    display, folded = display[start:], folded[start:]
    alternatives: tuple[tuple[str, str], ...] = ()
    certain = _certain_reading(folded[0], etype)
    if certain is not None:
        rest, n, prefix = certain
        display[0] = prefix + display[0][n:]
        folded[0] = rest
        if etype in (None, "PER") and len(folded) > 1:
            k = _strip_titles(folded)  # "وللرئيس" -> "الرئيس" -> title
            display, folded = display[k:], folded[k:]
    elif folded[0] not in _KNOWN and folded[0] not in _NEVER_STRIP:
        alternatives = tuple(
            (rest, prefix + display[0][n:]) for rest, n, prefix in _clitic_readings(folded[0])
        )
    return _Parsed(tuple(display), tuple(folded), alternatives)


# --- public API --------------------------------------------------------------------------


def canonical_key(name: str, type: str | None = "PER") -> str:
    """Matching key of one mention: folded letters, no title, no certain clitic.

    ``type`` is the entity type; titles are only stripped for ``PER`` (and ``None``).
    Idempotent on display names: ``canonical_key(display_name(x, t), t) == canonical_key(x, t)``.
    """
    return _parse(name, type).key


def display_name(name: str, type: str | None = "PER") -> str:
    """The mention as written, without title, certain clitic, diacritics or tatweel."""
    return " ".join(_parse(name, type).display)


def _is_affix(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    k = len(short)
    return k < len(long) and (long[:k] == short or long[-k:] == short)


def _key_words(key: str) -> tuple[str, ...]:
    return tuple(key.split())


def canonicalize(entities: list[Entity]) -> list[Entity]:
    """Same entities (same order) with ``canonical`` set to the article-level display name."""
    if not entities:
        return []
    parsed = [_parse(e.text, e.type) for e in entities]
    keys = [p.key for p in parsed]
    displays = [" ".join(p.display) for p in parsed]

    # 1. uncertain clitics: take the reading that another mention of the same type confirms
    words_by_type: dict[str, set[str]] = {}
    keys_by_type: dict[str, set[str]] = {}
    for e, p in zip(entities, parsed, strict=True):
        if p.folded and not p.alternatives:
            words_by_type.setdefault(e.type, set()).update(p.folded)
            keys_by_type.setdefault(e.type, set()).add(p.key)
    for idx, (e, p) in enumerate(zip(entities, parsed, strict=True)):
        if not p.alternatives:
            continue
        if p.key in keys_by_type.get(e.type, set()):
            continue  # the form as written is itself used elsewhere: keep it
        for rest, shown in p.alternatives:
            words = (rest, *p.folded[1:])
            key = _join_key(words)
            if key in keys_by_type.get(e.type, set()) or (
                e.type == "PER" and len(words) == 1 and rest in words_by_type.get("PER", set())
            ):
                keys[idx] = key
                displays[idx] = " ".join((shown, *p.display[1:]))
                break

    # 2. short person names -> the unique longest name they start or end
    per_keys = {k for e, k in zip(entities, keys, strict=True) if e.type == "PER" and k}
    target: dict[str, str] = {}
    for key in per_keys:
        words = _key_words(key)
        longer = [other for other in per_keys if _is_affix(words, _key_words(other))]
        maximal = [o for o in longer
                   if not any(_is_affix(_key_words(o), _key_words(x)) for x in longer)]
        if len(maximal) == 1 and not all(w in _PARTICLES for w in words):
            target[key] = maximal[0]

    # 3. display per group: the most frequent written form among the longest mentions
    forms: dict[tuple[str, str], Counter[str]] = {}
    first_seen: dict[tuple[str, str], dict[str, int]] = {}
    for idx, (e, key) in enumerate(zip(entities, keys, strict=True)):
        group = (e.type, target.get(key, key) if e.type == "PER" else key)
        if key == group[1] and displays[idx]:
            forms.setdefault(group, Counter())[displays[idx]] += 1
            first_seen.setdefault(group, {}).setdefault(displays[idx], idx)

    out: list[Entity] = []
    for idx, (e, key) in enumerate(zip(entities, keys, strict=True)):
        group = (e.type, target.get(key, key) if e.type == "PER" else key)
        counter = forms.get(group)
        if counter:
            seen = first_seen[group]
            best = max(counter, key=lambda f: (counter[f], -seen[f]))
        else:
            best = displays[idx] or e.text
        out.append(replace(e, canonical=best))
    return out


def index_keys(name: str, type: str | None = "PER") -> list[str]:
    """Keys to store for one entity (use its ``canonical``) so that queries find it.

    The full key first; then, for persons, every leading and trailing run of words
    (``محمد بن سلمان`` -> ``محمد``, ``محمد بن``, ``بن سلمان``, ``سلمان``, skipping runs made
    only of particles); then the keys under uncertain clitic readings of the first word.
    """
    parsed = _parse(name, type)
    full = parsed.key
    if not full:
        return []
    keys = [full]
    if type in (None, "PER"):
        words = _key_words(full)
        for k in range(1, len(words)):
            for part in (words[:k], words[-k:]):
                if not all(w in _PARTICLES for w in part):
                    keys.append(" ".join(part))
    for rest, _shown in parsed.alternatives:
        keys.append(_join_key((rest, *parsed.folded[1:])))
    return list(dict.fromkeys(keys))


def query_keys(name: str, type: str | None = None) -> list[str]:
    """Keys to look up for a user query (``--entity حفتر``); match any against index keys.

    Without a type, both the person reading (title stripped: ``المشير حفتر`` -> ``حفتر``) and
    the literal reading (``الشيخ زايد`` as a place) are returned.
    """
    if type is not None:
        keys = [canonical_key(name, type)]
    else:
        keys = [canonical_key(name, "PER"), canonical_key(name, "LOC")]
    return [k for k in dict.fromkeys(keys) if k]
