"""Word lists the verifier needs, stored in ``match_key`` form.

* DROPPABLE: words whose presence or absence does not change the reported fact
  (prepositions, conjunctions, time words, kickers, "officially", "reportedly").
* CRITICAL: words that change who or what the story is about when *added* to an otherwise
  identical headline: kinship/role (``نجل``, ``نائب``, ``السابق``) and modality/stage
  (``محاولة``, ``يعتزم``, ``تأجيل``). An added adjective (``الفرنسي``) is a detail; an added
  ``نجل`` is another person.
* NEGATION: negation and denial words. If one headline has one of them and the other does
  not, the two report opposite facts (``يعترف`` / ``ينفي``), never a variant.
"""

from __future__ import annotations

from functools import lru_cache

from marsad.arabic.normalize import match_key

__all__ = ["CRITICAL", "DAYS", "DROPPABLE", "NEGATION", "stem", "variant"]


def _keys(words: str) -> frozenset[str]:
    return frozenset(match_key(w) for w in words.split())


DROPPABLE: frozenset[str] = _keys(
    """
    في من على علي عن إلى الى مع و أو او ثم ب ل ك ف بـ لـ
    أن ان إن قد لقد بعد قبل خلال عند حول منذ لدى نحو ضد عبر بين
    الذي التي الذين اللذين هذا هذه ذلك تلك هناك هنا كل
    اليوم أمس غدا الآن الان حاليا رسميا رسمياً أخيرا مؤخرا قريبا صباح مساء صباحا مساء
    الليلة فجر ظهر عصر
    السبت الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة
    يوم أيام
    عاجل بالفيديو فيديو بالصور صور شاهد خاص حصري تفاصيل بالتفاصيل
    مصادر مصدر تقارير
    """
)

# Day words: dropping one is fine ("... اليوم"), but two different ones are two days
# ("طقس الجمعة" / "طقس الأربعاء": recurring titles are not copies of each other).
DAYS: frozenset[str] = _keys(
    """
    اليوم أمس غدا الليلة السبت الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة
    """
)

NEGATION: frozenset[str] = _keys(
    """
    لا لم لن ليس ليست ليسوا لسنا ما غير عدم دون بدون بلا ولا ولم ولن وليس
    ينفي تنفي نفى نفت ينفون نفي تنفيان
    يرفض ترفض رفض رفضت يرفضون
    يكذب تكذب كذب تكذيب ينكر تنكر أنكر أنكرت
    يستبعد تستبعد استبعد استبعدت
    يفشل تفشل فشل فشلت فشله فشلها يخفق تخفق أخفق أخفقت إخفاق
    """
)

CRITICAL: frozenset[str] = _keys(
    """
    نجل ابن ابنة بنت زوجة زوج أرملة شقيق شقيقة أخ أخت والد والدة أب أم عم خال حفيد عائلة أسرة
    نائب مساعد مستشار مرافق حارس حراس سائق متحدث مبعوث ممثل وفد سفير أنصار
    سابق السابق سابقة السابقة الأسبق المقبل المقبلة الجديد المرتقب المحتمل
    محاولة محاولات مخطط خطة يدرس تدرس يعتزم تعتزم ينوي تنوي يهدد تهدد يحذر تحذر
    احتمال مقترح مشروع اقتراح تأجيل يؤجل تؤجل إلغاء يلغي تلغي يعلق تعلق تعليق وقف يوقف توقف
    شبه نصف ثلث ربع جزئي جزئيا كلي مؤقت مؤقتا
    مزاعم مزعوم شائعات إشاعة إشاعات
    """
)

_PREFIXES = ("وبال", "وال", "بال", "فال", "كال", "لل", "ال")
_ONE_LETTER = "وفبلك"


@lru_cache(maxsize=1 << 18)
def stem(token: str) -> str:
    """Light prefix stripping (و + ال, بال, لل...) so ``والرئيس`` matches ``الرئيس``."""
    t = token
    if len(t) > 4 and t[0] == "و" and t[1:3] in ("ال", "لل", "با", "فا"):
        t = t[1:]
    for p in _PREFIXES:
        if t.startswith(p) and len(t) - len(p) >= 2:
            return t[len(p):]
    return t


def _one_insertion(short: str, long: str) -> bool:
    """True if ``long`` is ``short`` with exactly one character inserted."""
    if len(long) != len(short) + 1:
        return False
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1:]


def variant(a: str, b: str) -> bool:
    """Two tokens that are spelling/clitic variants of one word, not two words.

    Accepts same stem, one clitic letter in front (``بوجود`` / ``وجود``), or one inserted
    letter in words of 3+ letters (``قتلي`` / ``قتل``). Never for digits: 5 and 50 differ.
    """
    if a == b:
        return True
    sa, sb = stem(a), stem(b)
    if sa == sb:
        return True
    short, long = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
    if len(short) < 3 or not (short.isalpha() and long.isalpha()):
        return False
    if long[0] in _ONE_LETTER and long[1:] == short:
        return True
    return len(short) >= 4 and _one_insertion(short, long)
