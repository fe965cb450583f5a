"""Arabic boilerplate lines that survive generic main-text extraction.

trafilatura removes navigation by structure, but Arabic sites put "read also" links, share
counters, follow-us lines and comment disclaimers *inside* the article body, where they
look like paragraphs. They are removed here line by line, with length limits so that a
real sentence that merely starts with the same verb (``شارك آلاف المتظاهرين ...``) is kept.
"""

from __future__ import annotations

import re

__all__ = ["is_boilerplate_line", "strip_boilerplate"]

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_HAMZA_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_BULLET = re.compile(r"^[\s\-–—•·*|:>»«›‹]+")

_SOCIAL = (
    "فيسبوك|فيس بوك|تويتر|واتساب|واتس اب|تلغرام|تيليغرام|تلجرام|انستغرام|انستجرام|"
    "يوتيوب|لينكدان|تيك توك|سناب شات|facebook|twitter|whatsapp|telegram|instagram|"
    "youtube|linkedin|tiktok|x"
)

# A "related articles" header: the line itself is dropped and so are the short
# headline-like lines that follow it.
_RELATED_HEADER = re.compile(
    r"^(اقرا|اقرئي|اقراوا)\s+(ايضا|كذلك|المزيد)"
    r"|^(مواضيع|اخبار|مقالات|موضوعات|قصص)\s+(ذات صله|متعلقه|مرتبطه|مشابهه)"
    r"|^(الاكثر قراءه|الاكثر مشاهده|شاهد ايضا|شاهد كذلك|طالع ايضا|يهمك ايضا|قد يهمك)"
)
_SHARE_COUNTER = re.compile(
    r"^[\d.,٫٬]+\s*(الف|k)?\s*(مشاركه|مشاركات|تعليق|تعليقات|مشاهده|مشاهدات|قراءه|قراءات|اعجاب)$"
)
_SHARE = re.compile(rf"^(شارك|شاركها|شاركوا)(\s|$)|^({_SOCIAL})(\s|$)")
_ONLY_SOCIAL = re.compile(rf"^((({_SOCIAL})|مشاركه|شارك|طباعه|ارسال|نسخ الرابط|بريد)\s*)+$")
_FOLLOW = re.compile(r"^(تابعونا|تابعوا|تابعنا|تابع)\s+(علي|عبر|في|قناتنا|صفحتنا|اخبار)")
_CLICK = re.compile(r"اضغط هنا|انقر هنا|اضغطوا هنا|للاشتراك في النشره")
_MORE = re.compile(r"^(للمزيد|لمزيد من|المزيد من الاخبار|المزيد)(\s|:|$)")
_COPYRIGHT = re.compile(
    r"©|جميع الحقوق محفوظه|حقوق النشر محفوظه|كل الحقوق محفوظه|الحقوق محفوظه ل|copyright",
    re.IGNORECASE,
)
_COMMENTS_POLICY = re.compile(
    r"لا تعبر عن راي|لا تعكس راي|تعبر عن راي اصحابها|"
    r"التعليقات.{0,80}(شروط|سياسه|ارشادات|قبل نشرها)|اضف تعليق|اترك تعليقا"
)


def _key(line: str) -> str:
    """Spelling-insensitive form for matching only (the text itself is not changed).

    Hamza seats and alef maqsura are folded (``على`` -> ``علي``), so patterns are
    written in the folded spelling.
    """
    line = _DIACRITICS.sub("", line).translate(_HAMZA_ALEF).translate(_DIGITS)
    line = _BULLET.sub("", line.strip())
    return re.sub(r"\s+", " ", line).strip().lower()


def _words(key: str) -> int:
    return len(key.split())


def is_boilerplate_line(line: str) -> bool:
    """True for one stand-alone line that is site furniture, not article content."""
    key = _key(line)
    if not key:
        return False
    n = _words(key)
    if _RELATED_HEADER.search(key) and n <= 25:
        return True
    if _SHARE_COUNTER.match(key) or _ONLY_SOCIAL.match(key):
        return True
    if _SHARE.match(key) and (n <= 4 or (n <= 12 and re.search(_SOCIAL, key))):
        return True
    if _FOLLOW.match(key) and n <= 15:
        return True
    if _CLICK.search(key) and n <= 20:
        return True
    if _MORE.match(key) and n <= 15:
        return True
    if _COPYRIGHT.search(key) and n <= 25:
        return True
    return bool(_COMMENTS_POLICY.search(key) and n <= 70)


def _is_related_header_alone(line: str) -> bool:
    """A "read also" header with no headline on the same line: a list follows."""
    key = _key(line).rstrip(":：")
    return bool(_RELATED_HEADER.search(key)) and _words(key) <= 3


def _headline_like(line: str) -> bool:
    key = _key(line)
    return 0 < _words(key) <= 20 and not key.endswith((".", "؟", "!", "؛"))


def strip_boilerplate(text: str) -> str:
    """Drop boilerplate lines (and headline lists under a "read also" header); keep the rest.

    Line breaks between kept lines are preserved; runs of blank lines collapse to one.
    """
    out: list[str] = []
    in_related_list = False
    for line in text.splitlines():
        if not line.strip():
            if out and out[-1] != "":
                out.append("")
            continue
        if in_related_list:
            if _headline_like(line):
                continue
            in_related_list = False
        if is_boilerplate_line(line):
            in_related_list = _is_related_header_alone(line)
            continue
        out.append(line.rstrip())
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)
