"""Token features for the built-in CRF tagger.

Arabic glues conjunctions, prepositions and the article to the word (والقاهرة، بمصر، للأمم), so
most of the signal a CRF can use comes from looking *through* those clitics: the stripped stem is
looked up in gazetteers and word clusters, and the clitic itself becomes a feature. Everything
here is plain string work so one core can featurize tens of thousands of tokens per second; the
per-word part is memoised because news text repeats words heavily.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و"})
_EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_LATIN = re.compile("[A-Za-z]")
_DIGIT = re.compile(r"\d")
_TOKEN = re.compile(
    r"\d+(?:[.,\u066b\u066c]\d+)+"  # 3.5 / ٣٫٥ / 1,000 stay one token
    r"|[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]+"  # words incl. diacritics
    r"|\S"  # any other visible character is its own token (، ؛ ؟ « » " ( ) ...)
)

# Conjunctions, then prepositions, then the article: longest first within each slot.
_CONJ = ("و", "ف")
_PREP = ("ب", "ل", "ك")
_ARTICLE = "ال"

GAZ_TYPES = ("PER", "LOC", "ORG", "MISC")


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Split raw text into (token, start, end) with offsets into ``text``.

    Punctuation, quotes and Arabic marks (، ؛ ؟ « ») become their own tokens, as in ANERcorp.
    Underscore is treated as punctuation although ``\\w`` matches it.
    """
    out: list[tuple[str, int, int]] = []
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if "_" in tok and tok != "_":
            start = m.start()
            for part in re.finditer(r"[^_]+|_", tok):
                out.append((part.group(), start + part.start(), start + part.end()))
        else:
            out.append((tok, m.start(), m.end()))
    return out


def normalize(word: str) -> str:
    """Orthographic normal form: no diacritics/tatweel, bare alef, ي for ى, ه for ة."""
    return _DIACRITICS.sub("", word).translate(_ALEF).translate(_EASTERN_DIGITS)


# Words that announce an entity of a given type right after them (normalized forms).
TRIGGERS: dict[str, str] = {}
for _t, _words in {
    "PER": "الرئيس رئيس الملك الامير الشيخ المشير اللواء العميد العقيد الفريق الجنرال وزير الوزير "
    "السيد السيده الدكتور د النائب الزعيم المستشار القاضي الامام البابا المطران الرئيسان نائب "
    "زعيم الملكه الاميره السلطان الحاخام المرشد المتحدث الناطق الصحفي المراسل الكاتب "
    "المدرب اللاعب النجم الفنان الفنانه المغني الممثل السفير المبعوث قائد القائد مستشار "
    "رئيسه الرئيسه المدير مدير الامين امين العاهل ولي المفوض السناتور الحاكم حاكم محافظ "
    "المحافظ عضو الاستاذ البروفسور",
    "LOC": "مدينه المدينه مطار ميناء العاصمه عاصمه محافظه ولايه ولايات اقليم منطقه بلده قريه "
    "جزيره جزر شمال جنوب شرق غرب وسط نهر جبل بحر مخيم حي شارع ضاحيه بلدة دوله مقاطعه "
    "قطاع الضفه سواحل حدود",
    "ORG": "صحيفه وكاله حكومه شركه جامعه حزب حركه منظمه جمعيه مجلس وزاره هيئه مؤسسه مصرف "
    "بنك نادي فريق اتحاد مركز معهد قناه تلفزيون اذاعه مجموعه لجنه جبهه محكمه البنك "
    "الحكومه الشركه الجامعه المنظمه الحزب الوكاله الصحيفه مستشفى مكتب جيش الجيش "
    "صندوق برنامج مجمع",
}.items():
    for _w in _words.split():
        TRIGGERS.setdefault(normalize(_w), _t)


def split_clitics(norm: str) -> tuple[str, str, bool]:
    """Strip proclitics from a normalized word: (prefix, stem, had_article).

    Only strips when a plausible stem (>= 2 letters) remains, so short names like لبنان keep
    their ل. ``لل`` is read as ل + ال (للامم -> امم).
    """
    prefix = ""
    rest = norm
    if len(rest) > 3 and rest[0] in _CONJ:
        prefix, rest = rest[0], rest[1:]
    if rest.startswith("لل") and len(rest) > 4:
        return prefix + "لل", rest[2:], True
    if len(rest) > 3 and rest[0] in _PREP and rest[1:].startswith(_ARTICLE):
        prefix, rest = prefix + rest[0], rest[1:]
    if rest.startswith(_ARTICLE) and len(rest) > 4:
        return prefix + _ARTICLE, rest[2:], True
    return prefix, rest, False


def strip_prep(norm: str) -> str:
    """Variant with conjunction and single-letter preposition removed, keeping ال (بالقاهره ->
    القاهره) since gazetteers list many names with their article."""
    rest = norm
    if len(rest) > 3 and rest[0] in _CONJ:
        rest = rest[1:]
    if rest.startswith("لل") and len(rest) > 4:
        return "ال" + rest[2:]
    if len(rest) > 3 and rest[0] in _PREP:
        rest = rest[1:]
    return rest


def shape(word: str) -> str:
    """Coarse word class: Arabic, Latin, digit, mixed or punctuation."""
    if _ARABIC_LETTER.search(word):
        return "AR" if not _DIGIT.search(word) else "ARD"
    if _LATIN.search(word):
        return "LAT" if word[:1].isupper() else "lat"
    if _DIGIT.search(word):
        return "NUM"
    return "PUNCT"


@dataclass
class Resources:
    """Lookup tables the features consult; empty tables give a valid (weaker) feature set."""

    gaz_words: dict[str, str] = field(default_factory=dict)  # normalized word -> types "PL"
    gaz_phrases: dict[str, str] = field(default_factory=dict)  # "w1 w2 ..." -> types
    max_phrase: int = 1
    clusters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # word -> ids (coarse..)


class Featurizer:
    """Turns a token list into crfsuite feature lists (list of list of str)."""

    def __init__(self, resources: Resources | None = None, memo_limit: int = 200_000) -> None:
        self.res = resources or Resources()
        self._memo: dict[str, tuple[list[str], list[str]]] = {}
        self._memo_limit = memo_limit

    def _word(self, word: str) -> tuple[list[str], list[str]]:
        """Per-word features: (own features, short list shared with neighbours)."""
        hit = self._memo.get(word)
        if hit is not None:
            return hit
        res = self.res
        norm = normalize(word)
        prefix, stem, art = split_clitics(norm)
        noprep = strip_prep(norm)
        shp = shape(word)
        own = [
            "w=" + norm,
            "st=" + stem,
            "px=" + prefix,
            "p2=" + norm[:2],
            "s2=" + norm[-2:],
            "s3=" + norm[-3:],
            "sp3=" + stem[:3],
            "ss3=" + stem[-3:],
            "sh=" + shp,
            "len=" + str(min(len(stem), 8)),
        ]
        if word != norm:
            own.append("raw=" + word)
        if art:
            own.append("art")
        trig = TRIGGERS.get(stem if not art else "ال" + stem) or TRIGGERS.get(norm)
        if trig:
            own.append("trig=" + trig)
        gz = res.gaz_words
        gtypes = gz.get(norm, "")
        gstem = gz.get(stem, "") or gz.get("ال" + stem, "") if stem != norm else ""
        gnp = gz.get(noprep, "") if noprep != norm else ""
        for t in gtypes:
            own.append("gz=" + t)
        for t in gstem:
            own.append("gzs=" + t)
        for t in gnp:
            own.append("gzp=" + t)
        cl = res.clusters.get(norm) or res.clusters.get(noprep)
        if cl:
            for i, c in enumerate(cl):
                own.append(f"c{i}={c}")
        cls = res.clusters.get(stem) if stem != norm else None
        if cls:
            own.append("cs=" + cls[-1])
        shared = ["w=" + norm, "st=" + stem, "sh=" + shp]
        if trig:
            shared.append("trig=" + trig)
        for t in gtypes or gstem or gnp:
            shared.append("gz=" + t)
        if cl:
            shared.append("c=" + cl[-1])
            if len(cl) > 2:
                shared.append("cm=" + cl[1])
        if len(self._memo) >= self._memo_limit:
            self._memo.clear()
        out = (own, shared)
        self._memo[word] = out
        return out

    def _phrases(self, norms: Sequence[str]) -> list[str | None]:
        """Greedy longest multi-word gazetteer matches as BIO-type labels per token."""
        n = len(norms)
        out: list[str | None] = [None] * n
        table = self.res.gaz_phrases
        if not table:
            return out
        maxp = self.res.max_phrase
        i = 0
        while i < n:
            matched = 0
            for k in range(min(maxp, n - i), 1, -1):
                first = norms[i]
                key_rest = " ".join(norms[i + 1 : i + k])
                types = table.get(first + " " + key_rest)
                if types is None:
                    alt = strip_prep(first)
                    if alt != first:
                        types = table.get(alt + " " + key_rest)
                if types:
                    out[i] = "B" + types
                    for j in range(i + 1, i + k):
                        out[j] = "I" + types
                    matched = k
                    break
            i += matched or 1
        return out

    def sequence(self, tokens: Sequence[str]) -> list[list[str]]:
        """Features for every token of one sentence, with a ±2 context window."""
        words = [self._word(t) for t in tokens]
        n = len(tokens)
        phr = self._phrases([w[0][0][2:] for w in words]) if self.res.gaz_phrases else None
        seq: list[list[str]] = []
        for i in range(n):
            feats = ["b", *words[i][0]]
            if i == 0:
                feats.append("BOS")
            else:
                feats.extend(["-1" + f for f in words[i - 1][1]])
                if i > 1:
                    feats.append("-2" + words[i - 2][1][0])
                    feats.append("-2" + words[i - 2][1][1])
                else:
                    feats.append("-2BOS")
                feats.append("bg=" + words[i - 1][1][0][2:] + "|" + words[i][1][0][2:])
            if i == n - 1:
                feats.append("EOS")
            else:
                feats.extend(["+1" + f for f in words[i + 1][1]])
                if i < n - 2:
                    feats.append("+2" + words[i + 2][1][0])
                    feats.append("+2" + words[i + 2][1][1])
                else:
                    feats.append("+2EOS")
            if phr is not None:
                p = phr[i]
                if p:
                    feats.append("ph=" + p[0])
                    feats.extend("ph" + p[0] + "=" + t for t in p[1:])
                if i > 0 and phr[i - 1]:
                    feats.append("-1ph=" + phr[i - 1])
                if i < n - 1 and phr[i + 1]:
                    feats.append("+1ph=" + phr[i + 1])
            seq.append(feats)
        return seq
