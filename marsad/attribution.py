"""Who said it: reporting cues (قال، أكد، نفى، بحسب، نقلاً عن …) and the source they cite.

Why: fact-checkers follow a claim back to whoever first made it, and an anonymous
``مصدر عسكري`` quoted by an outlet is a different kind of evidence from a named minister.

Rule-based, over one sentence at a time (:mod:`marsad.arabic.sentences`):

* **Cue then source**: ``قال/أكدت/نفى/يقول … X إن/أن/:/في بيان …``. The source is the noun
  phrase right after the cue (see :func:`_Parser.noun_phrase` for where it stops).
* **Source then cue**: ``الجيش الليبي أعلن`` / ``وكان الوزير قد أكد`` when nothing follows the cue.
* **No source** (``وأضاف أن``، ``وتابع:``): a clause-initial past cue inherits the source of
  the previous attribution in the text; its ``source_start``/``source_end`` point at that
  earlier mention.
* **Preposition cues**: ``بحسب X``، ``حسب X``، ``وفقاً لـX``، ``طبقاً لـX``، ``نقلاً عن X``،
  ``استناداً إلى X``; ``بحسب ما ذكرت X`` uses the verb as the cue. A document noun
  (``بيان للجيش``، ``تقرير صادر عن الأمم المتحدة``، ``إحصائيات وزارة الصحة``) is replaced by its
  issuer; without one it is an ``anonymous`` source (``ذكرت تقارير إعلامية``).
* **Outlets quoting someone**: ``نقلت وكالة سانا عن مصدر عسكري`` and ``قال مصدر لـ«العربية»``
  give two attributions for the same sentence: the outlet (kind ``outlet``) and the
  ultimate source. ``نشر``/``أورد`` count only with an outlet; ``نقل`` only with an outlet
  or a following ``عن``.
* ``denial`` is true for the نفى family (نفى، نفت، نفوا، ينفي، تنفي، ينفون).
* ``source`` is the surface text of the source span, except that a fused preposition
  (``لوزارة`` -> ``وزارة``، ``للأمم`` -> ``الأمم``) is restored; the span then starts after
  ``ل`` (after ``لل`` for the article, so ``text[source_start:source_end]`` is ``أمم المتحدة``).
  A source wholly in quotes (``«العربية»``) is given without them.
* An inherited source (``وأضاف أن``) keeps the span of the mention it was taken from.

Entities (optional) refine kinds (PER -> person, ORG -> organization/outlet, LOC ->
organization, a state speaking) and extend a source span to cover a whole entity.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from marsad.arabic.sentences import sentence_spans
from marsad.quantities import normalize_word
from marsad.records import Attribution, Entity, SourceKind

__all__ = ["classify_source", "find_attributions", "search_name"]


def _forms(*groups: str) -> dict[str, str]:
    """Map each normalized form to its lemma; the first word of a group is the lemma."""
    out: dict[str, str] = {}
    for g in groups:
        words = g.split()
        for w in words:
            out[normalize_word(w)] = normalize_word(words[0])
    return out


_VERB_CUES = _forms(
    "قال قالت قالوا قالا يقول تقول يقولون",
    "أكد أكدت أكدوا أكدا يؤكد تؤكد يؤكدون",
    "ذكر ذكرت ذكروا تذكر",
    "أفاد أفادت أفادوا يفيد تفيد",
    "أشار أشارت أشاروا يشير تشير",
    "كشف كشفت كشفوا يكشف تكشف",
    "أعلن أعلنت أعلنوا يعلن تعلن",
    "صرح صرحت صرحوا يصرح تصرح",
    "نفى نفت نفوا ينفي تنفي ينفون",
    "نقل نقلت نقلوا ينقل تنقل",
    "نشر نشرت",
    "أورد أوردت",
    "أضاف أضافت أضافوا يضيف تضيف",
    "أوضح أوضحت أوضحوا يوضح توضح",
    "اعتبر اعتبرت اعتبروا يعتبر تعتبر",
    "زعم زعمت زعموا يزعم تزعم",
    "ادعى ادعت ادعوا يدعي تدعي",
    "حذر حذرت حذروا يحذر تحذر",
    "تابع تابعت",
    "شدد شددت شددوا يشدد تشدد",
    "أبلغ أبلغت",
    "رجح رجحت رجحوا",
    "لفت لفتت لفتوا يلفت تلفت",
    "قدر قدرت قدروا يقدر تقدر",
)
# Cues too ambiguous to take a source from before the verb or from the context.
_AFTER_ONLY = {"قدر"}
_PAST_ONLY_INHERIT = {"قال", "اكد", "اضاف", "تابع", "اوضح", "اشار", "شدد", "حذر", "اعتبر",
                      "نفي", "ذكر", "افاد", "زعم", "ادعي", "صرح", "كشف", "لفت"}
_DENIAL = {"نفي"}
_PREP_CUES = {"بحسب", "حسب", "وفقا", "وفق", "طبقا", "نقلا", "استنادا", "بحسبما", "حسبما"}
_THAT = {"ان", "انه", "انها", "انهم", "انهما", "بان", "بانه", "بانها", "بانهم", "انا", "اننا",
         "انني", "انهن"}
_STOP = {
    "في", "خلال", "عن", "علي", "عبر", "الي", "امس", "اليوم", "غدا", "الاحد", "الاثنين",
    "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت", "مساء", "صباح", "ظهر", "ليله",
    "يوم", "قبل", "بعد", "عقب", "اثناء", "لدي", "حول", "امام", "مع", "بين", "ضمن", "من",
    "ايضا", "كذلك", "بدوره", "بدورها", "بدورهم", "قد", "لوسائل", "للصحفيين", "للصحافيين",
    "للصحافه", "للاعلاميين", "ل", "لنا", "له", "لها", "لهم", "ذلك", "هذا", "هذه", "تلك",
    "ما", "الذي", "التي", "الذين", "انذاك", "حينها", "رسميا", "صراحه", "مجددا", "مرارا",
    "وهو", "وهي", "لكن", "اذ", "حيث", "كما", "الا", "او", "ثم", "بيانا", "تصريحا", "تصريحات",
    "الخبر", "الاتهامات", "الانباء", "التقارير", "المعلومات", "الشائعات", "الادعاءات",
    "المزاعم", "الروايه", "قائلا", "قائله", "مضيفا", "مضيفه", "موضحا", "مؤكدا", "لافتا",
    "مشيرا", "بعدما", "عندما", "حين", "الاسبوع", "الشهر", "ببيان", "بتصريح", "عشيه", "فجر",
    "اواخر", "تقريرا", "تقرير", "مقالا", "خبرا",
    "وجود", "صحه", "عزمه", "عزمها", "عزمهم", "رفضه", "رفضها", "تمسكه", "تمسكها",
    "ترحيبه", "ترحيبها", "استعداده", "استعدادها", "دعمه", "دعمها", "مسؤوليته",
    "مسؤوليتها", "مسئوليته", "مسئوليتها", "رغبته", "رغبتها", "قلقه", "قلقها",
    "المعروف", "المعروفه", "المعروفين", "المكلف", "المكلفه", "المقرب", "المقربه",
    "منهم", "منها", "بينهم", "فيها", "فيه", "عليه", "عليها", "اليها", "اليه", "والذي",
    "والتي", "والذين",
}
# Nouns that typically open the object of أعلن/كشف/نفى (with or without ال).
_OBJECT_NOUNS = {
    "مقتل", "اصابه", "ارتفاع", "انخفاض", "تراجع", "تسجيل", "سقوط", "استعاده", "سيطره",
    "تعليق", "استئناف", "بدء", "انطلاق", "اعتقال", "توقيف", "القبض", "ضبط", "تدمير",
    "اسقاط", "استهداف", "شن", "تنفيذ", "ارسال", "وصول", "مغادره", "نشر", "تحرير", "فتح",
    "اغلاق", "رفع", "خفض", "تمديد", "تاجيل", "الغاء", "رفض", "قبول", "موافقه", "توقيع",
    "عقد", "اجراء", "تقديم", "منح", "تخصيص", "اطلاق", "عوده", "انسحاب", "دخول", "تورط",
    "مشاركه", "حصيله", "عدد", "نتائج", "استخدام", "نتيجه", "فوز", "خساره", "التوصل", "توصل", "وفاه",
    "ترشح", "استقاله", "تعيين", "اقاله", "حل", "منع", "حظر", "فرض", "اعتماد", "تسلم",
    "تسليم", "استلام", "ادخال", "اخلاء", "نقل", "نزوح", "تعرض", "احباط", "مصادره",
    "استقبال", "تلقي", "صرف", "ضخ", "بيع", "شراء", "زياده", "نمو", "تحقيق", "اكتشاف",
    "حدوث", "وقوع", "عدم", "غياب", "توقف", "انتهاء", "اكتمال", "نجاح", "فشل", "امكانيه",
    "نيته", "نيتها", "اي",
}
_DOC_NOUNS = {
    "بيان", "تقرير", "تقارير", "تصريحات", "تصريح", "احصائيه", "احصائيات", "احصاءات",
    "ارقام", "بيانات", "معطيات", "وثيقه", "وثائق", "دراسه", "استطلاع", "حصيله", "مذكره",
    "رساله", "تغريده", "منشور", "بلاغ", "تقديرات", "معلومات", "انباء", "تسريبات",
    "فيديو", "مقطع", "صور", "لقطات", "تسجيل", "نتائج", "مسح", "تقييم",
}
# Words that show the cue has content after its source (what was said / announced).
_CONTENT = {"ذلك", "هذه", "هذا", "تلك", "ما", "الخبر", "الاتهامات", "الانباء", "التقارير",
            "المعلومات", "الشائعات", "الادعاءات", "المزاعم", "الروايه", "صحه", "وجود", "عن",
            "قائلا", "قائله", "بالقول", "عزمه", "عزمها", "عزمهم", "رفضه", "رفضها", "تمسكه",
            "تمسكها", "ترحيبه", "ترحيبها", "استعداده", "استعدادها", "دعمه", "دعمها",
            "مسؤوليته", "مسؤوليتها", "رغبته", "رغبتها", "قلقه", "قلقها"}
_WEAK_CONTENT = {"الي", "من", "علي"}
_DOC_ADJ = {"رسمي", "رسميه", "جديد", "جديده", "مشترك", "مشتركه", "صادر", "صادره", "حديث",
            "حديثه", "سابق", "اخير", "اولي", "اوليه", "اعلاميه", "صحفيه", "صحفي", "سنوي",
            "سنويه", "نشرته", "نشرتها", "اصدرته", "اصدرتها", "اعدته", "اعدها"}

_OUTLET_HEADS = {"صحيفه", "جريده", "موقع", "قناه", "تلفزيون", "اذاعه", "مجله", "شبكه",
                 "محطه", "يوميه", "اسبوعيه", "منصه", "وكاله", "صحف", "وكالات", "مواقع", "قنوات",
                 "وسائل", "بوابه"}
_OUTLET_NAMES = {normalize_word(w) for w in (
    "رويترز", "فرانس برس", "أسوشيتد برس", "أسوشييتد برس", "الجزيرة", "العربية", "سانا",
    "وام", "واس", "قنا", "كونا", "بترا", "وفا", "الأناضول", "تاس", "سبوتنيك", "ريا نوفوستي",
    "إنترفاكس", "بلومبرغ", "بلومبيرغ", "نيويورك تايمز", "واشنطن بوست", "لوموند", "لوفيغارو",
    "الغارديان", "التايمز", "فايننشال تايمز", "وول ستريت جورنال", "بي بي سي", "سي إن إن",
    "سكاي نيوز", "سكاي نيوز عربية", "الحرة", "الشرق الأوسط", "القدس العربي", "العربي الجديد",
    "هسبريس", "الشروق", "النهار", "المصري اليوم", "الأهرام",
    "دويتشه فيله", "يورونيوز", "أكسيوس", "بوليتيكو", "الميادين", "المنار", "روسيا اليوم",
    "آر تي", "إرنا", "فارس", "تسنيم", "شينخوا", "كيودو", "يونهاب", "نيوز ري", "إيلاف",
    "ليبيا الأحرار", "بوابة الوسط", "عكاظ", "القبس", "وكالة الأنباء الفرنسية",
)}
# Newspaper names that are also common words (الاتحاد، البيان، الوطن): outlets only after a
# head (صحيفة الاتحاد) or in quotes after لـ, never alone.
_ANON_HEADS = {"مصدر", "مصادر", "شهود", "شاهد", "سكان", "ناشطون", "ناشطين", "اوساط", "جهات",
               "مقربون", "مقربين", "مراقبون", "مراقبين", "تسريبات", "مسؤول", "مسؤولون",
               "مسؤولين", "مسئول", "مسئولون", "مسئولين", "دبلوماسي", "دبلوماسيون",
               "دبلوماسيين", "ضابط", "ضباط", "عسكريون", "موظف", "موظفون", "عامل", "عاملون",
               "مسعفون", "اطباء", "طبيب", "خبراء", "محللون", "متابعون", "مواطنون",
               "مستخدمون", "ناشط", "مسؤوله", "متحدث", "عضو", "اعضاء", "قيادي", "قياديون",
               "عائلات", "اهالي", "ذوو", "ذوي", "اسر", "عائله", "اقارب", "نشطاء"}
_PERSON_HEADS = {
    "وزير", "وزيره", "رئيس", "رئيسه", "متحدث", "متحدثه", "ناطق", "ناطقه", "سفير", "سفيره",
    "مدير", "مديره", "قائد", "لواء", "عميد", "عقيد", "مقدم", "رائد", "جنرال", "مشير",
    "شيخ", "دكتور", "نائب", "نائبه", "امين", "مبعوث", "مبعوثه", "ملك", "امير", "ولي",
    "سيد", "سيده", "مستشار", "مستشاره", "خبير", "خبيره", "محلل", "محلله", "مدرب", "لاعب",
    "ممثل", "ممثله", "منسق", "منسقه", "عضو", "مفوض", "مفوضه", "محافظ", "والي", "مندوب",
    "مندوبه", "قيادي", "زعيم", "مرشح", "مرشحه", "كاتب", "باحث", "باحثه", "استاذ", "طبيب",
    "حاكم", "عمده", "ناشط", "ناشطه", "محامي", "قاضي", "مرشد", "مساعد", "وكيل", "مدعي",
    "صحفي", "مراسل", "بروفيسور", "نجم", "حارس", "مهاجم", "مسؤول", "مسؤوله", "رئيسا",
    "البابا", "العاهل", "عاهل", "الفريق", "فريق", "اللواء", "مؤسس", "المؤسس",
    "ملياردير", "رجل", "مغني", "مغنيه", "فنان", "فنانه", "روائي", "نجمه",
    "مدون", "مدونه", "اعلامي", "اعلاميه", "داعيه", "مفتي", "محقق", "محققه", "مفتش",
    "مفتشه", "مدعيه", "محاميه", "قاضيه", "طبيبه",
}
_ORG_HEADS = {
    "وزاره", "حكومه", "جيش", "امم", "منظمه", "اتحاد", "مجلس", "بنك", "مصرف", "شرطه", "قوات",
    "تحالف", "حركه", "حزب", "جماعه", "هيئه", "رئاسه", "مكتب", "سفاره", "خارجيه", "داخليه",
    "دفاع", "شركه", "كرملين", "بيت", "بنتاغون", "مرصد", "مفوضيه", "لجنه", "صندوق", "مؤسسه",
    "جامعه", "نادي", "ناتو", "اوبك", "برلمان", "كونغرس", "محكمه", "نيابه", "ديوان",
    "قياده", "غرفه", "سلطه", "سلطات", "اداره", "جهاز", "مديريه", "مركز", "معهد", "دائره",
    "بلديه", "كتيبه", "فرقه", "فيلق", "مجموعه", "ائتلاف", "جبهه", "حرس", "اسطول", "جمارك",
    "درك", "حمايه", "هلال", "صليب", "يونيسف", "يونسكو", "فيفا", "كاف", "يويفا", "اليزيه",
    "كنيست", "مستشفي", "مستشفيات", "وزارات", "حكومات", "الاتحاد", "نقابه", "اللجنه",
    "بورصه", "هيئات", "منظمات", "الصحه", "الدفاع", "الداخليه", "الخارجيه",
    "عمليات", "قطاع", "المرصد", "التحالف", "الحوثيين", "الحوثيون", "طالبان",
    "حماس", "ارامكو", "سوناطراك", "ادنوك", "وكاله", "طيران", "خطوط",
    "امانه", "فصائل", "فصيل", "كتائب", "مليشيات", "ميليشيات",
    "معارضه", "قبائل", "عشائر", "تنظيم", "تنسيقيه", "نقابات", "احزاب", "مجالس",
    "رابطه", "جمعيه", "منتدي", "تجمع", "بعثه", "اكاديميه", "وحده", "سلاح",
}
_STATES = {normalize_word(w) for w in (
    "روسيا", "تركيا", "مصر", "السعودية", "الإمارات", "قطر", "الكويت", "البحرين", "عمان",
    "الأردن", "لبنان", "سوريا", "العراق", "إيران", "إسرائيل", "الجزائر", "المغرب", "تونس",
    "ليبيا", "السودان", "اليمن", "فرنسا", "بريطانيا", "ألمانيا", "إيطاليا", "الصين",
    "واشنطن", "موسكو", "أنقرة", "طهران", "القاهرة", "باريس", "لندن", "بكين", "الرياض",
    "أبوظبي", "الدوحة", "دمشق", "بغداد", "طرابلس", "الرباط", "الجزائر", "تونس", "الخرطوم",
    "الولايات المتحدة", "أمريكا", "أميركا", "إسبانيا", "اليونان", "روما", "برلين",
)}
_NEG = {"لم", "لن", "لا", "ولم", "ولن", "ولا", "فلم"}
_CLAUSE_OPENERS = {"وكان", "كان", "وكانت", "كانت", "فيما", "بينما", "وقد", "غير", "لكن", "ولكن",
                   "الا", "حين", "كما", "ثم", "بل", "لكنها", "لكنه", "ولكنها", "ولكنه"}
# Masculine singular heads: a feminine cue (قالت) cannot refer back to them.
_MASC_HEADS = {"جيش", "مجلس", "بنك", "مصرف", "حزب", "اتحاد", "مكتب", "مرصد", "جهاز", "تحالف",
               "برلمان", "صندوق", "نادي", "مركز", "معهد", "وزير", "رئيس", "متحدث", "ناطق",
               "مدير", "سفير", "قائد", "مسؤول", "مصدر", "مبعوث", "مندوب", "ممثل", "محافظ",
               "امين", "نائب", "خبير", "محلل", "مدرب", "لاعب", "والي", "حاكم", "ملك", "امير",
               "الكرملين", "كرملين", "بيت", "بنتاغون", "ديوان", "فريق", "لواء"}
# Roles usually quoted without a name; with only adjectives they stay anonymous.
_UNNAMED_ROLES = {"خبير", "خبيره", "محلل", "محلله", "ناشط", "ناشطه", "طبيب", "باحث", "باحثه",
                  "مسؤول", "مسؤوله", "دبلوماسي", "ضابط", "موظف", "عضو", "قيادي", "مستشار",
                  "صحفي", "مراسل", "مسعف", "متحدث", "مصدر"}
_COUNT_WORDS = {"اثنان", "اثنين", "ثلاثه", "اربعه", "خمسه", "سته", "سبعه", "ثمانيه", "تسعه",
                "عشره", "عشرات", "عده", "بضعه", "بعض", "ثلاث", "اربع", "خمس"}
_OUTLET_ANAPHORS = {"صحيفه", "قناه", "اذاعه", "مجله", "جريده", "شبكه", "وكاله"}
_ENVOYS = {"مبعوث", "سفير", "مندوب", "مبعوثه", "سفيره", "مندوبه", "ممثل", "ممثله"}
_ANON_ANAPHORS = {"المصدر", "المصادر", "الشهود", "السكان", "المسؤول", "المسؤولون"}
_PLAIN_ADJ = {"كبير", "سابق", "رفيع", "بارز", "مطلع", "اخر", "مقرب", "كبار", "سابقون", "بارزون"}
_ORG_AFTER_FI = {"حكومه", "وزاره", "الجيش", "الحكومه", "حركه", "حزب", "المجلس", "مجلس",
                 "قوات", "جماعه", "منظمه", "الامم", "البنك", "شركه", "الاتحاد", "الهيئه",
                 "هيئه", "الوزاره", "الشركه", "الحركه", "الحزب", "القوات", "الجماعه",
                 "المنظمه", "الرئاسه", "رئاسه", "التحالف", "البرلمان", "وزارة", "الجامعه",
                 "الشرطه", "السلطه", "الادارة", "الاداره", "الخارجيه", "الداخليه", "الدفاع",
                 "البيت", "الكونغرس", "النادي", "صفوف", "الفريق", "المكتب", "مكتب"}
_ANON_TAIL = re.compile(
    r"^(?:رفض|رفضت|رفضوا|طلب|طلبت|طلبوا|فضل|فضلت|فضلوا|اشترط|اشترطت|اشترطوا)"
    r"(?: عدم)? (?:الكشف|كشف|ذكر|نشر|الافصاح|الاعلان) (?:عن )?"
    r"(?:اسمه|اسمها|اسمائهم|اسماءهم|هويته|هويتها|هويتهم|اسميهما)"
)
_OPEN_Q = "«\"“'"
_CLOSE_Q = "»\"”'"

_TOKEN = re.compile(
    r"[\u0621-\u063A\u0641-\u064A\u0671-\u06D3\u064B-\u065F\u0670]+"
    r"|[A-Za-z]+|[0-9٠-٩]+(?:[.,٫٬][0-9٠-٩]+)*|\S"
)


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str
    start: int
    end: int
    norm: str
    word: bool


def _strip_al(n: str) -> str:
    for pre in ("وال", "بال", "فال", "لل", "ال"):
        if n.startswith(pre) and len(n) - len(pre) >= 2:
            return n[len(pre) :]
    return n


def _strip_lam(n: str) -> str:
    """``لصحيفة`` -> ``صحيفه`` (a fused ل before a head word)."""
    return n[1:] if n.startswith("ل") and not n.startswith("لل") and len(n) > 3 else n


def _is_def(n: str) -> bool:
    return n.startswith("ال") and len(n) > 3


def _is_nisba(n: str) -> bool:
    return n.endswith(("ي", "يه", "يين", "يون", "يات")) and len(n) >= 4


@dataclass(slots=True)
class _Source:
    text: str
    start: int
    end: int
    kind: SourceKind
    next_i: int


def _drop_tanween_alif(raw: str, norm: str) -> str:
    """``مسؤولًا`` -> ``مسؤول``: the alif that only carries the accusative tanween."""
    if norm.endswith("ا") and (raw.endswith("ًا") or raw.endswith("اً")):
        return norm[:-1]
    return norm


def classify_source(text: str, entities: Sequence[Entity] = (), start: int = -1,
                    end: int = -1) -> SourceKind:
    """Kind of a source phrase: outlet, person, organization or anonymous.

    Heads decide first (``مصدر`` -> anonymous even when a PER entity follows); entities
    overlapping ``start:end`` decide when the head is unknown.
    """
    raw = [w for w in _TOKEN.findall(text) if w.strip()]
    words = [_drop_tanween_alif(w, normalize_word(w)) for w in raw]
    words = [w for w in words if w not in _OPEN_Q + _CLOSE_Q]
    if words and words[0].endswith("ا") and not _is_def(words[0]) and (
        _strip_al(words[0][:-1]) in _ANON_HEADS | _PERSON_HEADS
    ):  # undiacritized accusative after إن/أن: مسؤولا أمنيا = مسؤول أمني
        words = [w[:-1] if w.endswith("ا") and len(w) > 3 and not _is_def(w) else w
                 for w in words]
    while len(words) > 1 and (words[0].isdigit() or words[0] in _COUNT_WORDS):
        words = words[1:]  # ثلاثة مصادر، عدة مسؤولين: the head comes after the number
    if not words:
        return "anonymous"
    joined = " ".join(words)
    head = words[0]
    bare = _strip_al(head)
    ent_types = (
        {e.type for e in entities if e.start < end and e.end > start} if start >= 0 else set()
    )
    if joined in _OUTLET_NAMES or _strip_al(joined) in {_strip_al(o) for o in _OUTLET_NAMES}:
        return "outlet"
    if bare == "وكاله":
        rest = words[1:]
        if not rest:
            return "outlet"  # الوكالة: an agency named just before, in news text an outlet
        if any(_strip_al(w) == "انباء" for w in rest) or (rest and not _is_def(rest[0])):
            return "outlet"
        if any(" ".join(rest[k:]) in _OUTLET_NAMES for k in range(len(rest))):
            return "outlet"
        return "organization"
    if bare in _OUTLET_HEADS and not _is_def(head):
        return "outlet"
    if bare in _OUTLET_HEADS and (len(words) > 1 or bare in _OUTLET_ANAPHORS):
        return "outlet"
    if bare in _ANON_HEADS and bare in _PERSON_HEADS and len(words) > 1 and _is_def(words[1]) and (
        not _is_nisba(words[1])
    ):
        return "person"  # عضو المجلس، مسؤول الإعلام: identified by the role
    if bare in _ANON_HEADS and not _is_def(head):
        if "PER" in ent_types and bare not in {"مصدر", "مصادر", "شهود", "سكان"}:
            return "person"
        return "anonymous"
    if head in _ANON_ANAPHORS:
        return "anonymous"
    if bare in _PERSON_HEADS and not _is_def(head) and "PER" not in ent_types and (
        all(w in _PLAIN_ADJ for w in words[1:]) or (bare in _UNNAMED_ROLES and all(
            (_is_nisba(w) and not _is_def(w)) or w in _PLAIN_ADJ for w in words[1:]))
    ):
        return "anonymous"  # خبير اقتصادي، وزير سابق: a person without a name
    if _ANON_TAIL.search(" ".join(words[1:])) or "الكشف عن" in joined:
        return "anonymous"
    if bare in _PERSON_HEADS or head in _PERSON_HEADS:
        return "person"
    if bare in _ORG_HEADS or head in _ORG_HEADS:
        return "organization"
    if joined in _STATES or bare in {"سلطنه", "مملكه", "جمهوريه", "دوله", "اماره"}:
        return "organization"  # a state speaking through its government
    if "PER" in ent_types:
        return "person"
    if "ORG" in ent_types:
        return "organization"
    if "LOC" in ent_types:
        return "organization"
    if _is_def(head):
        # a lone definite word that is not a known head: a family name (المنفي، الركراكي)
        if len(words) == 1 and head.endswith("ي"):
            return "person"
        return "organization"
    return "person"


class _Parser:
    """Attributions of one text; keeps the last source so ``وأضاف أن`` can inherit it."""

    def __init__(self, text: str, entities: Sequence[Entity]) -> None:
        self.text = text
        self.entities = entities
        self.toks = [
            _Tok(m.group(), m.start(), m.end(), normalize_word(m.group()),
                 m.group()[0].isalpha())
            for m in _TOKEN.finditer(text)
        ]
        # after أفاد / تفيد the thing said may open with بـ and a verbal noun (أفادت مصادر
        # بوصول …); set while reading such a cue's source, so بـ ends the phrase
        self.ba_content = False
        self.last: _Source | None = None
        self.out: list[Attribution] = []
        self.used: set[int] = set()

    def norm(self, i: int) -> str:
        return self.toks[i].norm if 0 <= i < len(self.toks) else ""

    # -- cues -------------------------------------------------------------------

    def verb_cue(self, i: int) -> tuple[str, str] | None:
        """(lemma, cue surface) when token i is a reporting verb (with optional و/ف)."""
        n = self.norm(i)
        tok = self.toks[i]
        if n in _VERB_CUES:
            return _VERB_CUES[n], tok.text
        if len(n) > 3 and n[0] in "وف" and n[1:] in _VERB_CUES:
            return _VERB_CUES[n[1:]], tok.text[1:]
        # an object pronoun glued to the verb: ما نفته مصادر، ما نشرته صحيفة
        if self.norm(i - 1) in {"ما", "وهو", "وهي"} or self.norm(i - 2) in {"ما"}:
            return self.verb_cue_suffixed(i)
        return None

    def prep_cue(self, i: int) -> str | None:
        n = self.norm(i)
        if n in _PREP_CUES:
            return n
        if len(n) > 3 and n[0] == "و" and n[1:] in _PREP_CUES:
            return n[1:]
        return None

    # -- source noun phrase ---------------------------------------------------------

    def is_stop(self, i: int) -> bool:
        if i >= len(self.toks):
            return True
        tok = self.toks[i]
        n = tok.norm
        if not tok.word:
            return True
        if n in _STOP or n in _THAT or (_strip_al(n) in _OBJECT_NOUNS and not _is_def(n)):
            return True
        if _is_def(n) and _strip_al(n) in _OBJECT_NOUNS:
            return True
        if self.verb_cue(i) is not None or self.prep_cue(i) is not None:
            return True
        if n.startswith("و") and len(n) > 3 and (n[1:3] == "ال" or n[1] in "ا") and (
            n not in _PERSON_HEADS
        ):
            return True
        if n.startswith("بال") and len(n) > 5:
            return True
        if self.ba_content and n.startswith("ب") and len(n) > 3 and n not in _BA_NAME_PARTS and (
            not self.entity_at(tok.start)
        ):
            return True  # أفادت مصادر بوصول …، أفاد مراسلنا بسقوط … (not بشار الأسد, an entity)
        return bool(n.startswith(("لوكاله", "لصحيفه", "لقناه", "لموقع", "لتلفزيون", "لاذاعه",
                                  "لمجله", "لشبكه", "للتلفزيون", "للقناه", "لجريده", "لمراسل",
                                  "لبوابه")))

    def noun_phrase(self, i: int, max_len: int = 10, force_head: bool = False
                    ) -> tuple[int, int] | None:
        """Token range [i, j) of the source phrase starting at i, or None."""
        toks = self.toks
        if i >= len(toks):
            return None
        if toks[i].text in _OPEN_Q:
            return self.quoted(i)
        if not force_head and self.is_stop(i):
            return None
        head = _strip_al(toks[i].norm)
        if head.startswith("ل") and _strip_al(head[1:]) in _ORG_HEADS | _OUTLET_HEADS:
            head = _strip_al(head[1:])  # لوزارة الصحة (after وفقاً / بيان)
        kind_hint = "person" if head in _PERSON_HEADS else ""
        if head not in _PERSON_HEADS | _ORG_HEADS | _OUTLET_HEADS | _ANON_HEADS and not _is_def(
            toks[i].norm
        ):
            kind_hint = "person"  # a bare name: لافروف، قيس سعيد
        j = i + 1
        prev_def = _is_def(toks[i].norm)
        prev_name = not prev_def and kind_hint == "person" and head not in _PERSON_HEADS
        # a personal name after a title ends at its first word with ال (المسماري); an
        # indefinite word after that is the object: قايد السبسي | توفر المعطيات
        name_len, name_closed = (1 if prev_name else 0), False
        while j < len(toks) and j - i < max_len:
            tok = toks[j]
            n = tok.norm
            if tok.text in _OPEN_Q and _strip_lam(toks[j - 1].norm) in {
                normalize_word(w) for w in ("صحيفة", "موقع", "قناة", "وكالة", "مجلة", "جريدة",
                                            "منظمة", "حركة", "حزب", "شركة", "تلفزيون", "إذاعة",
                                            "شبكة", "جماعة", "مجموعة", "مراسل",
                                            "مراسلة", "منصة", "برنامج")
            } | {"باسم"}:
                q = self.quoted(j)
                if q is None:
                    break
                j = q[1]
                prev_def, prev_name = True, False  # after a quoted name only adjectives follow
                continue
            if n == "في" and (self.norm(j + 1) in _ORG_AFTER_FI or (
                _strip_al(self.norm(j + 1)) in _ORG_HEADS
            )):
                j += 1
                prev_def = False
                continue
            if n == "باسم" or n == "بن" or n == "ابن" or n == "ابو" or n == "بنت":
                j += 1
                continue
            if n == "الانباء" and toks[j - 1].norm in {"وكاله", "لوكاله"}:
                j += 1
                prev_def = True
                continue
            tail = _ANON_TAIL.match(" ".join(t.norm for t in toks[j : j + 6]))
            if tail:
                j += len(tail.group().split())
                break
            if n in {"الي", "لدي"} and head in _ENVOYS and j + 1 < len(toks) and toks[j + 1].word:
                j += 2
                prev_def = True
                continue
            org_head = head in _ORG_HEADS
            if org_head and n.startswith("وال") and len(n) > 5 and prev_def and (
                self.verb_cue(j) is None and n not in {"والتي", "والذي", "والذين"}
            ):
                j += 1
                continue
            if j == i + 1 and org_head and not _is_def(toks[i].norm) and (
                _strip_al(n) in _OBJECT_NOUNS and not _is_def(n)
            ):
                j += 1
                continue
            if self.is_stop(j):
                break
            if org_head and n.startswith("ل") and not n.startswith("لل") and len(n) >= 3 and (
                _is_def(self.norm(j + 1)) and not self.is_stop(j + 1)
                and self.verb_cue(j) is None
            ):
                j += 2  # لكرة القدم، لحقوق الإنسان، لشؤون اللاجئين
                prev_def = True
                continue
            if (n.startswith("ل") and len(n) > 4 and j > i and (
                _is_def("ا" + n[1:]) or n.startswith("لل") or _strip_al(n[1:]) in _ORG_HEADS
                or n[1:] in {"حقوق", "شؤون", "شئون", "دعم", "مكافحه", "تنسيق", "حمايه"}
            ) and _strip_al(self.norm(i)) in _ORG_HEADS | _OUTLET_HEADS | {"مرصد"} | (
                {"مركز", "معهد", "منظمه"}
            )) or (n.startswith("لل") and prev_def and kind_hint != "person"):
                j += 1
                prev_def = True
                continue
            if _is_def(n):
                if _strip_al(n) in _PERSON_HEADS:
                    name_len, name_closed = 0, False  # a second title: الفريق أسامة ربيع
                elif name_len:
                    name_closed = True
                j += 1
                prev_def, prev_name = True, False
                continue
            # an indefinite word: idafa / name after an indefinite word, or a name after a title
            if kind_hint == "person" and (name_closed or name_len >= 4):
                break
            if kind_hint == "person" and name_len and n.startswith("لل"):
                break  # رضوان | للمحتجزين: the addressee, not part of the name
            if prev_def and kind_hint != "person" and _strip_al(self.norm(j - 1)) not in (
                _PERSON_HEADS | {"مرصد"}
            ):
                break
            if prev_name and toks[j - 1].norm[:2] == "ال":
                break
            j += 1
            prev_def = False
            prev_name = prev_def or kind_hint == "person"
            if kind_hint == "person" and n not in _PERSON_HEADS:
                name_len += 1
        if j == i:
            return None
        return i, j

    def quoted(self, i: int) -> tuple[int, int] | None:
        """A name in quotes right at i: «العربية»، "نيوز ري"."""
        for j in range(i + 1, min(i + 7, len(self.toks))):
            if self.toks[j].text in _CLOSE_Q:
                return (i, j + 1) if j > i + 1 else None
        return None

    def make_source(self, i: int, j: int) -> _Source:
        toks = self.toks
        start, end = toks[i].start, toks[j - 1].end
        first = toks[i]
        prefix = ""
        if first.norm.startswith("لل") and len(first.norm) > 4:
            start, prefix = first.start + 2, "ال"
        elif first.norm.startswith("ل") and (
            _strip_al(first.norm[1:]) in _ORG_HEADS | _OUTLET_HEADS | _PERSON_HEADS | _ANON_HEADS
            | _DOC_NOUNS
            or first.norm[1:] in _OUTLET_NAMES | _STATES
            or self.entity_at(first.start + 1)
        ):
            start = first.start + 1
        # extend to cover an entity that starts inside and ends after the span
        for e in self.entities:
            if start <= e.start < end < e.end and e.end - end < 40:
                end = e.end
        raw = self.text[start:end]
        if raw[:1] in _OPEN_Q:
            # a name wholly in quotes («العربية»): drop the quotes from text and span
            inner = raw.strip(_OPEN_Q + _CLOSE_Q + " ")
            start += raw.find(inner)
            end = start + len(inner)
        surface = prefix + self.text[start:end]
        kind = classify_source(surface, self.entities, start, end)
        return _Source(surface, start, end, kind, j)

    def entity_at(self, pos: int) -> bool:
        return any(e.start == pos for e in self.entities)

    def has_content(self, j: int, strict: bool = False) -> bool:
        """Does what follows a cue's source look like the thing said (أن، :، «، an object)?

        Skips commas, brackets, time words and short prepositional phrases (في بيان له،
        الثلاثاء، لوكالة رويترز). Guards against ``كشف الموقع بعد …`` (uncovered the site).
        """
        toks = self.toks
        if not strict and j < len(toks) and toks[j].word and toks[j].norm not in _STOP and (
            self.verb_cue(j) is None
        ):
            return True  # an object right after the source: نفت الحكومة استخدام …
        for k in range(j, min(j + 16, len(toks))):
            t = toks[k]
            n = t.norm
            if n in _WEAK_CONTENT:
                if k == j and not strict:
                    return True  # أكد على، أشار إلى، حذر من
                continue
            if n in _THAT or n in _CONTENT or t.text == ":" or (t.text in _OPEN_Q and k <= j + 1):
                return True
            if t.word and _strip_al(n) in _OBJECT_NOUNS:
                return True
            if t.text in ".!?؟" or self.verb_cue(k) is not None:
                return False
        return False

    def known_source(self, src: _Source, strict: bool = False) -> bool:
        """A source whose head is in a lexicon, a name, or an entity (not ``السعر السابق``)."""
        words = [normalize_word(w) for w in _TOKEN.findall(src.text) if w[0].isalpha()]
        if not words or len(src.text) < 2:
            return False
        while len(words) > 1 and words[0] in _COUNT_WORDS:
            words = words[1:]
        bare = _strip_al(words[0])
        known = _ORG_HEADS | _PERSON_HEADS | _OUTLET_HEADS | _ANON_HEADS | _DOC_NOUNS
        if bare in known or words[0] in known or " ".join(words) in _OUTLET_NAMES | _STATES:
            return True
        if words[0] in _ANON_ANAPHORS or any(
            e.start < src.end and e.end > src.start for e in self.entities
        ):
            return True
        if strict and len(words) > 3:
            return False  # a long unknown phrase before a verb is a clause, not a name
        if _is_def(words[0]):
            # a lone ال word ending in ي is a family name (المنفي)
            return len(words) == 1 and words[0].endswith("ي")
        # an unknown word without the article is taken as a proper name (لافروف، رويترز)
        return not words[0].endswith(("ها", "هم", "ه"))

    def source_after(self, i: int) -> _Source | None:
        """The source phrase starting at token i (handles ل-prefixed and document nouns)."""
        toks = self.toks
        if i >= len(toks):
            return None
        n = toks[i].norm
        bare = n[1:] if n.startswith("ل") and not n.startswith("لل") else n
        bare = "ال" + n[2:] if n.startswith("لل") else bare
        if _strip_al(bare) in _DOC_NOUNS:
            return self.document_source(i)
        span = self.noun_phrase(i)
        if span is None:
            return None
        return self.make_source(*span)

    def document_source(self, i: int) -> _Source | None:
        """``بيان للجيش`` / ``تقرير صادر عن الأمم المتحدة`` / ``إحصائيات وزارة الصحة``."""
        toks = self.toks
        j = i + 1
        doc_def = _is_def(toks[i].norm)
        while j < len(toks) and (toks[j].norm in _DOC_ADJ or (
            _is_nisba(toks[j].norm) and _is_def(toks[j].norm) == doc_def
        )):
            j += 1
        if j < len(toks) and toks[j].norm in {"عن", "من"}:
            j += 1
        elif j > i + 1 and j < len(toks) and not toks[j].norm.startswith("ل"):
            j = len(toks)  # تقارير إعلامية روسية: adjectives only, no issuer
        if j < len(toks) and toks[j].word and not self.is_stop(j):
            span = self.noun_phrase(j)
            if span is not None:
                return self.make_source(*span)
        # no issuer: the document itself, anonymous (تقارير إعلامية)
        span_end = i + 1
        while span_end < min(i + 4, len(toks)) and toks[span_end].word and _is_nisba(
            toks[span_end].norm
        ) and toks[span_end].norm not in _STOP:
            span_end += 1
        src = self.make_source(i, span_end)
        src.kind = "anonymous"
        return src

    def source_before(self, cue_i: int, sent_first: int) -> _Source | None:
        """``الجيش الليبي أعلن`` / ``وكان الوزير قد أكد``: the clause before the cue.

        Walks back over words until punctuation, a function word or another cue, so
        ``غير أن ناشطين قالوا`` gives ``ناشطين``; at most 8 words.
        """
        toks = self.toks
        k = cue_i - 1
        if k >= sent_first and toks[k].norm == "قد":
            k -= 1
        first = k
        while first >= sent_first and first > k - 8:
            t = toks[first]
            if not t.word or t.norm in _STOP or t.norm in _THAT or t.norm in _CLAUSE_OPENERS:
                break
            if self.verb_cue(first) or self.prep_cue(first):
                return None
            first -= 1
        first += 1
        if first > k:
            return None
        connector = self.norm(first - 1) in _THAT and self.norm(first - 2) in {
            "غير", "الا", "بيد", "كما", "رغم", "مع", "بما"}  # غير أن ناشطين قالوا
        if first - 1 >= sent_first and toks[first - 1].word and not connector and (
            toks[first - 1].norm not in _STOP | _CLAUSE_OPENERS
        ):
            return None  # ran into the 8-word limit, or inside an إنه … clause: not a subject
        if toks[first].norm in _NEG:
            return None
        src = self.make_source(first, k + 1)
        if not self.known_source(src, strict=True):
            return None
        n0 = toks[first].norm
        if n0.startswith("و") and (
            _strip_al(n0[1:]) in _ORG_HEADS | _PERSON_HEADS | _OUTLET_HEADS | _ANON_HEADS
            or n0[1:3] == "ال"
        ):
            # leading conjunction و glued to the first word: drop it from the span
            text = src.text[1:]
            src = _Source(text, src.start + 1, src.end,
                          classify_source(text, self.entities, src.start + 1, src.end),
                          src.next_i)
        return src

    def agrees(self, src: _Source, i: int, lemma: str) -> bool:
        """Gender check before a pronoun-dropped cue inherits a source.

        ``وقالت`` cannot continue ``المجلس`` and ``وأضاف`` cannot continue ``الوزارة``;
        plurals and unknown heads are let through.
        """
        n = self.toks[i].norm.lstrip("وف")
        feminine_cue = (n.endswith("ت") and not lemma.endswith("ت")) or (
            n.startswith("ت") and not lemma.startswith("ت") and len(n) > 3
        )
        words = [normalize_word(w) for w in _TOKEN.findall(src.text) if w[0].isalpha()]
        if not words:
            return True
        head = _strip_al(words[0])
        if head.endswith("ه"):
            return feminine_cue
        return not (head in _MASC_HEADS and feminine_cue)

    # -- emit ----------------------------------------------------------------------

    def emit(self, src: _Source, cue: str, lemma: str, sent: tuple[int, int]) -> None:
        self.out.append(Attribution(
            source=src.text, source_kind=src.kind, cue=cue, denial=lemma in _DENIAL,
            start=sent[0], end=sent[1], source_start=src.start, source_end=src.end,
        ))
        self.last = src

    def run(self) -> list[Attribution]:
        spans = sentence_spans(self.text)
        ti = 0
        for sent in spans:
            first = ti
            while first < len(self.toks) and self.toks[first].start < sent[0]:
                first += 1
            last = first
            while last < len(self.toks) and self.toks[last].end <= sent[1]:
                last += 1
            ti = last
            self.sentence(first, last, sent)
        return self.out

    def clause_initial(self, i: int, first: int) -> bool:
        if i == first:
            return True
        prev = self.toks[i - 1]
        return not prev.word or prev.norm in {"ثم", "كما", "و"}

    def sentence(self, first: int, last: int, sent: tuple[int, int]) -> None:
        i = first
        while i < last:
            if i in self.used:
                i += 1
                continue
            prep = self.prep_cue(i)
            if prep is not None:
                i = self.handle_prep(i, prep, sent)
                continue
            cue = self.verb_cue(i)
            if cue is not None:
                i = self.handle_verb(i, cue, first, sent)
                continue
            i += 1

    def handle_verb(self, i: int, cue: tuple[str, str], first: int,
                    sent: tuple[int, int]) -> int:
        lemma, surface = cue
        n = self.norm(i)
        nxt = self.norm(i + 1)
        if self.norm(i - 1) in _NEG:
            return i + 1  # لم تعلن الحكومة: nothing was said
        if lemma == "ذكر" and n in {"يذكر", "ويذكر"}:
            return i + 1
        if lemma == "ادعي" and self.toks[i].text.rstrip("\u064b-\u0652").endswith("ى") and (
            n[:1] in "يت"
        ):
            return i + 1  # يُدعى: "is called"
        self.ba_content = lemma == "افاد"
        try:
            src = self.source_after(i + 1)
        finally:
            self.ba_content = False
        if src is not None and not self.known_source(src):
            src = None
        nxt_tok = self.norm(i + 1)
        if src is not None and nxt_tok.startswith("ل") and not nxt_tok.startswith("لل") and (
            normalize_word(src.text).startswith("ل")
        ) and src.kind == "person":
            src = None  # قالت لنتنياهو إن: an addressee, not the speaker
        if lemma == "اعتبر" and not any(
            self.norm(k) in _THAT for k in range(i + 1, min(i + 12, len(self.toks)))
        ):
            return i + 1  # اعتبر الروبوت صديقاً: "considered", not "said"
        relative = self.norm(i - 1) in {"ما", "وهو", "وهي"} or self.norm(i - 2) == "ما"
        present = self.toks[i].norm.lstrip("وف")[:1] in "يت" and lemma[0] not in "يت"
        strict = present and lemma not in _AFTER_ONLY
        if src is not None and not relative and not self.has_content(src.next_i, strict):
            src = None  # كشف الموقع بعد …: an object, not a source
        after = src.next_i if src is not None else i + 1
        if lemma == "تابع" and not (self.norm(after) in _THAT | {":", "قائلا", "بالقول"}
                                    or self.toks[min(after, len(self.toks) - 1)].text in _OPEN_Q):
            return i + 1  # تابع المباراة: "followed", not "went on to say"
        if src is None and lemma in _AFTER_ONLY:
            return i + 1
        conj = self.toks[i].norm[0] in "وف" and self.toks[i].norm[1:] in _VERB_CUES
        if src is None and not conj:
            src = self.source_before(i, first)
            if src is not None and not self.has_content(i + 1):
                src = None
        if src is None:
            same_sentence = bool(self.out) and self.out[-1].start == sent[0]
            initial = self.clause_initial(i, first)
            bare_cue = (nxt in _THAT or nxt in _STOP or nxt == ":" or i + 1 >= len(self.toks)
                        or not self.toks[i + 1].word)
            if (lemma in _PAST_ONLY_INHERIT and (initial or (conj and same_sentence))
                    and self.last is not None and bare_cue and self.agrees(self.last, i, lemma)):
                self.emit(self.last, surface, lemma, sent)
            return i + 1
        if lemma in {"نشر", "اورد"} and src.kind != "outlet":
            return i + 1
        if lemma == "نقل":
            if self.norm(after) == "عن":
                inner = self.source_after(after + 1)
                if inner is not None:
                    self.emit(src, surface, lemma, sent)  # the relay (outlet, press office)
                    self.emit(inner, f"{surface} عن", lemma, sent)
                    return inner.next_i
            if src.kind != "outlet":
                return i + 1
        self.emit(src, surface, lemma, sent)
        self.outlet_recipient(after, surface, lemma, sent)
        return max(after, i + 1)

    def outlet_recipient(self, j: int, cue: str, lemma: str, sent: tuple[int, int]) -> None:
        """``قال مصدر لـ«العربية»`` / ``لوكالة رويترز``: the outlet that carried the quote."""
        toks = self.toks
        # skip a short place phrase first: مصادر قبلية في الجنوب الليبي لبوابة الوسط
        if j < len(toks) and toks[j].norm == "في":
            k = j + 1
            while k < min(j + 5, len(toks)) and toks[k].word and not toks[k].norm.startswith(
                "ل"
            ) and toks[k].norm not in _THAT and self.verb_cue(k) is None:
                k += 1
            if k < len(toks) and toks[k].norm.startswith("ل"):
                j = k
        if j >= len(toks):
            return
        n = toks[j].norm
        if n == "ل" and j + 2 < len(toks) and toks[j + 1].text == "\u0640":
            j += 1  # لـ«العربية» when tatweel survived cleaning
        if n == "ل" and j + 1 < len(toks) and toks[j + 1].text in _OPEN_Q:
            q = self.quoted(j + 1)
            if q is not None:
                src = self.make_source(*q)
                src.kind = "outlet"
                self.out.append(Attribution(src.text, "outlet", cue, lemma in _DENIAL,
                                            sent[0], sent[1], src.start, src.end))
            return
        if (n.startswith("ل") and _strip_al(n[1:]) in _OUTLET_HEADS | {"تلفزيون"}) or (
            n.startswith("لل") and n[2:] in _OUTLET_HEADS
        ):
            span = self.noun_phrase(j, force_head=True)
            end = span[1] if span else j + 1
            src = self.make_source(j, end)
            if src.kind == "outlet":
                self.out.append(Attribution(src.text, "outlet", cue, lemma in _DENIAL,
                                            sent[0], sent[1], src.start, src.end))

    def handle_prep(self, i: int, prep: str, sent: tuple[int, int]) -> int:
        toks = self.toks
        surface = toks[i].text[1:] if toks[i].norm[0] == "و" and prep != toks[i].norm else (
            toks[i].text
        )
        j = i + 1
        if prep in {"نقلا"}:
            if self.norm(j) != "عن":
                return i + 1
            surface, j = f"{surface} عن", j + 1
        elif prep == "استنادا":
            if self.norm(j) not in {"الي", "لي"}:
                return i + 1
            j += 1
        elif prep in {"وفقا", "طبقا", "وفق"}:
            if j < len(toks) and toks[j].norm == "ل":
                j += 1
            elif j >= len(toks) or not toks[j].norm.startswith("ل"):
                return i + 1
            surface = f"{surface} ل"
        # بحسب ما ذكرت X / وفقا لما أعلنته X: the verb is the cue
        n = self.norm(j)
        if prep in {"بحسبما", "حسبما"} or n in {"ما", "لما"}:
            k = j if prep in {"بحسبما", "حسبما"} else j + 1
            inner = self.verb_cue(k) or self.verb_cue_suffixed(k)
            if inner is None:
                return j + 1
            k += 1
            if self.norm(k) in {"به", "بها"}:
                k += 1
            src = self.source_after(k)
            if src is None:
                return k
            self.emit(src, inner[1], inner[0], sent)
            self.used.add(k - 1)
            if inner[0] == "نقل" and self.norm(src.next_i) == "عن":
                quoted = self.source_after(src.next_i + 1)
                if quoted is not None:
                    self.emit(quoted, f"{inner[1]} عن", inner[0], sent)
                    return quoted.next_i
            return src.next_i
        src = self.source_after(j)
        if src is None or not self.known_source(src):
            return j  # حسب الخطة، بحسب السعر: "depending on", not a source
        self.emit(src, surface, "", sent)
        return src.next_i

    def verb_cue_suffixed(self, i: int) -> tuple[str, str] | None:
        """``ذكرته`` / ``أعلنته`` / ``أوردتها`` inside ``بحسب ما …``."""
        n = self.norm(i)
        for suf in ("تها", "ته", "ها", "ه"):
            if n.endswith(suf) and len(n) > len(suf) + 2:
                stem = n[: -len(suf)]
                cands = (stem, stem + "ت", stem[:-1] + "ي" if stem.endswith("ا") else stem)
                for cand in cands:
                    if cand in _VERB_CUES:
                        return _VERB_CUES[cand], self.toks[i].text
        return None


def find_attributions(text: str, entities: Sequence[Entity] = ()) -> list[Attribution]:
    """Every attribution in ``text``, in text order (see the module docstring for rules)."""
    if not text.strip():
        return []
    return _Parser(text, entities).run()


# ب-words that continue a source name rather than open what was said.
_BA_NAME_PARTS = {"باسم", "بن", "بنت", "بني"}

# A short alias in brackets or quotes right after a source: ``(سانا)``، ``«واس»``.
_ALIAS = re.compile(r"\s*[(«\"“]\s*([^()«»\"“”\n]{2,30}?)\s*[)»\"”]")


def search_name(text: str, att: Attribution) -> str:
    """The cited source's name for search: ``source`` plus a bracketed alias right after it.

    Agencies are usually named in full with their acronym after (``الوكالة العربية السورية
    للأنباء (سانا)``); the extracted source stops before the brackets, and an analyst looking
    for ``سانا`` must still find the citation. Aliases of more than three words are ignored.
    """
    if att.source_end is None:
        return att.source
    m = _ALIAS.match(text, att.source_end)
    if m and len(m.group(1).split()) <= 3:
        return f"{att.source} {m.group(1)}"
    return att.source
