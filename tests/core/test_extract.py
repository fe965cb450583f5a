"""extract_html / extract_text on a real page with gold text, the shipped samples and bad inputs."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from marsad.errors import ExtractionEmpty, NotArabic, TooShort
from marsad.extract import (
    decode_bytes,
    extract_html,
    extract_text,
    is_boilerplate_line,
    strip_boilerplate,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures" / "extract"
SHARED = Path(os.environ.get("MARSAD_SHARED_DATA") or ROOT / ".." / "shared" / "data")
CNN = SHARED / "html" / "cnn-arabic-2013.html"
CRAWL_DAY = dt.date(2025, 1, 1)

HAS_DATES = importlib.util.find_spec("marsad.arabic.dates") is not None
needs_dates = pytest.mark.skipif(not HAS_DATES, reason="marsad.arabic.dates not present")

HTML_SAMPLES = sorted(SAMPLES.glob("*.html"))
TXT_SAMPLES = sorted(SAMPLES.glob("*.txt"))

# Phrases that only appear in the samples' boilerplate, never in their article bodies.
BOILERPLATE_MARKERS = ("اقرأ أيضا", "تابعونا", "اضغط هنا", "مشاركة", "جميع الحقوق", "شارك ")


def _tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text))


def _html(path: Path) -> str:
    return decode_bytes(path.read_bytes())


# ---------------------------------------------------------------- real page with gold text


@pytest.fixture(scope="module")
def cnn():
    if not CNN.exists():
        pytest.skip(f"shared data not found at {CNN} (set MARSAD_SHARED_DATA)")
    return extract_html(decode_bytes(CNN.read_bytes()), url="http://arabic.cnn.com/")


def test_cnn_main_text_matches_gold(cnn) -> None:
    gold = _tokens(CNN.with_suffix(".gold.txt").read_text(encoding="utf-8"))
    got = _tokens(cnn.text)
    overlap = sum((gold & got).values())
    recall = overlap / sum(gold.values())
    precision = overlap / sum(got.values())
    # Measured: recall 0.994, precision 0.994 (the comment-policy footer is removed).
    assert recall >= 0.98, recall
    assert precision >= 0.98, precision


def test_cnn_metadata(cnn) -> None:
    assert cnn.title == "معارضون يسيطرون على مخازن للصواريخ بريف دمشق"
    assert cnn.language == "ar"
    assert (
        cnn.canonical_url == "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html"
    )
    assert "CNN" in (cnn.sitename or "")
    assert "مراجعة التعليقات" not in cnn.text


@needs_dates
def test_cnn_date_comes_from_the_visible_line_not_a_copyright_year(cnn) -> None:
    # htmldate's full-text search would answer 2013-01-01 here; the page says 28 آب 2013.
    assert cnn.published_at == dt.date(2013, 8, 28)


# ---------------------------------------------------------------- shipped samples


def test_samples_are_shipped() -> None:
    assert len(HTML_SAMPLES) >= 12
    assert len(TXT_SAMPLES) >= 8


@pytest.mark.parametrize("path", HTML_SAMPLES, ids=lambda p: p.name)
def test_html_sample_extracts_clean_arabic(path: Path) -> None:
    ex = extract_html(_html(path), not_after=CRAWL_DAY)
    assert ex.language == "ar"
    assert len(ex.title) >= 20 and re.search("[\u0621-\u064a]", ex.title)
    assert len(ex.text) >= 200
    for line in ex.text.splitlines():
        assert not is_boilerplate_line(line), line
    for marker in BOILERPLATE_MARKERS:
        assert marker not in ex.text, marker
    assert "\u0640" not in ex.text  # split words and tatweel repaired


@pytest.mark.parametrize("path", TXT_SAMPLES, ids=lambda p: p.name)
def test_text_sample_extracts_clean_arabic(path: Path) -> None:
    ex = extract_text(path.read_text(encoding="utf-8"), not_after=CRAWL_DAY)
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert ex.language == "ar"
    assert ex.title and ex.title.split()[0] in first_line
    assert ex.title not in ex.text
    assert len(ex.text) >= 200
    for marker in BOILERPLATE_MARKERS:
        assert marker not in ex.text, marker


@needs_dates
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("01-shorouk-news-mercenaries-libya.html", dt.date(2024, 5, 14)),  # مايو
        ("02-sham-times-mercenaries-libya.html", dt.date(2024, 5, 14)),  # أيار, ١٤ digits
        ("06-khaleej-mirror-aid-planes-portsudan.html", dt.date(2024, 5, 20)),  # Hijri
        ("07-beirut-media-militias-recruit-minors.html", dt.date(2024, 3, 17)),  # آذار
        ("08-dijla-press-flour-prices-cp1256.html", dt.date(2024, 10, 3)),  # تشرين الأول
        ("04-carthage-post-telecom-admits-leak.html", dt.date(2024, 4, 10)),  # أفريل
        ("09-alwaha-online-wildfires-bejaia.html", dt.date(2024, 8, 21)),  # أوت
        ("10-sawt-almaghrib-wildfires-chefchaouen.html", dt.date(2024, 8, 15)),  # غشت
    ],
)
def test_visible_date_lines(name: str, expected: dt.date) -> None:
    assert extract_html(_html(SAMPLES / name), not_after=CRAWL_DAY).published_at == expected


def test_markup_date_is_the_original_not_the_update() -> None:
    ex = extract_html(_html(SAMPLES / "12-khaleej24-flights-cancelled-kuwait.html"))
    assert ex.published_at == dt.date(2024, 3, 4)
    assert ex.author == "سارة المطيري"


def test_no_today_fallback() -> None:
    undated = (SAMPLES / "20-amman-voice-teachers-strike-undated.txt").read_text(encoding="utf-8")
    assert extract_text(undated).published_at is None
    # The date line says 17 آذار 2024; a crawl "before" it must not invent another date.
    page = _html(SAMPLES / "07-beirut-media-militias-recruit-minors.html")
    assert extract_html(page, not_after=dt.date(2024, 1, 1)).published_at is None


@needs_dates
def test_text_sample_date_from_head() -> None:
    path = SAMPLES / "18-levant-post-militias-recruit-minors.txt"
    ex = extract_text(path.read_text(encoding="utf-8"), not_after=CRAWL_DAY)
    assert ex.published_at == dt.date(2024, 3, 17)


def test_split_words_repaired_in_title_and_text() -> None:
    ex = extract_html(_html(SAMPLES / "07-beirut-media-militias-recruit-minors.html"))
    assert "ميليشيات" in ex.title and "للقتال" in ex.title
    assert "للقتال في صفوفها" in ex.text


def test_cp1256_page_mislabeled_as_utf8() -> None:
    raw = (SAMPLES / "08-dijla-press-flour-prices-cp1256.html").read_bytes()
    raw = raw.replace(b'charset="windows-1256"', b'charset="utf-8"')
    ex = extract_html(decode_bytes(raw, "utf-8"))
    assert ex.title.startswith("ارتفاع أسعار الطحين 20 بالمئة")
    assert "نقيب الخبازين في بغداد" in ex.text


def test_site_suffix_removed_from_title_tag() -> None:
    body = "<p>" + "قال مصدر أمني إن الشرطة أوقفت ثلاثة أشخاص في سرقة مستودع أدوية. " * 5 + "</p>"
    page = (
        "<html><head><title>توقيف ثلاثة مشتبه بهم في سرقة مستودع أدوية - أخبار الساحل</title>"
        '<meta property="og:site_name" content="أخبار الساحل"></head>'
        f"<body><article>{body}</article></body></html>"
    )
    ex = extract_html(page)
    assert ex.title == "توقيف ثلاثة مشتبه بهم في سرقة مستودع أدوية"
    assert ex.sitename == "أخبار الساحل"


# ---------------------------------------------------------------- failure paths


def test_not_arabic() -> None:
    with pytest.raises(NotArabic):
        extract_html(_html(FIXTURES / "english-article.html"))


def test_too_short_and_threshold_is_an_option() -> None:
    page = _html(FIXTURES / "too-short.html")
    with pytest.raises(TooShort):
        extract_html(page)
    assert extract_html(page, min_text_chars=40).title.endswith("انفجار في ميناء المدينة")


def test_navigation_only_page_is_extraction_empty() -> None:
    with pytest.raises(ExtractionEmpty):
        extract_html(_html(FIXTURES / "nav-only.html"))


@pytest.mark.parametrize("text", ["", "   \n\n  ", "عنوان بلا متن\n\n"])
def test_text_without_body_is_extraction_empty(text: str) -> None:
    with pytest.raises(ExtractionEmpty):
        extract_text(text)


def test_text_too_short_and_not_arabic() -> None:
    with pytest.raises(TooShort):
        extract_text("عنوان\nسطر قصير من المتن لا يكفي لمقال.")
    english = "Headline\n" + "The harbour authority said the port reopened on Tuesday. " * 6
    with pytest.raises(NotArabic):
        extract_text(english)


# ---------------------------------------------------------------- boilerplate lines


def test_boilerplate_removed_body_kept() -> None:
    text = "\n".join(
        [
            "قال وزير المالية إن العجز سينخفض إلى 4 بالمئة خلال العام المقبل.",
            "اقرأ أيضاً: الحكومة تقر موازنة تقشفية",
            "إقرأ ايضا",
            "البنك المركزي يثبت أسعار الفائدة",
            "مواضيع ذات صلة:",
            "ارتفاع أسعار الوقود للمرة الثانية",
            "وأضاف الوزير أن الحكومة ستواصل دعم السلع الأساسية.",
            "١٢٣ مشاركة",
            "شارك",
            "تابعونا على تلغرام",
            "للمزيد من الأخبار اضغط هنا",
            "شارك آلاف المتظاهرين في مسيرة وسط العاصمة احتجاجاً على رفع الأسعار، بحسب شهود عيان.",
            "جميع الحقوق محفوظة © 2024",
        ]
    )
    out = strip_boilerplate(text).splitlines()
    assert out == [
        "قال وزير المالية إن العجز سينخفض إلى 4 بالمئة خلال العام المقبل.",
        "وأضاف الوزير أن الحكومة ستواصل دعم السلع الأساسية.",
        "شارك آلاف المتظاهرين في مسيرة وسط العاصمة احتجاجاً على رفع الأسعار، بحسب شهود عيان.",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "للمزيد من التفاصيل حول الموازنة العامة",  # short "for more" teaser
        "اقرأ كذلك | أسعار الذهب اليوم",
        "1.2 ألف مشاركة",
        "فيسبوك تويتر واتساب",
        "الآراء الواردة في التعليقات لا تعبر عن رأي الموقع",
    ],
)
def test_is_boilerplate_line(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "أكد المتحدث أن الحكومة لن تشارك في المؤتمر.",
        "تابع الرئيس حديثه قائلاً إن الاقتصاد يتعافى ببطء رغم الصعوبات.",
        "وقال الشاهد إن 15 مشاركة في الماراثون أصبن بضربة شمس.",
    ],
)
def test_article_sentences_are_not_boilerplate(line: str) -> None:
    assert not is_boilerplate_line(line)


@needs_dates
def test_header_clock_is_not_the_publication_date() -> None:
    body = "".join(
        f"<p>قال مصدر في البلدية إن أعمال صيانة الطريق الساحلي ستستمر {n} أيام أخرى.</p>"
        for n in range(3, 9)
    )
    page = (
        "<html><head><title>تمديد أعمال صيانة الطريق الساحلي</title></head><body>"
        '<div class="header-date">الأحد 24 نوفمبر 2024</div>'
        '<div class="top"><span class="date">الأحد 24 نوفمبر 2024</span></div>'
        "<article><h1>تمديد أعمال صيانة الطريق الساحلي</h1>"
        f'<span class="post-date">الثلاثاء 14 مايو 2024</span>{body}</article></body></html>'
    )
    assert extract_html(page, not_after=CRAWL_DAY).published_at == dt.date(2024, 5, 14)


def _road_page(date_line: str) -> str:
    body = "".join(
        f"<p>قال مصدر في البلدية إن أعمال صيانة الطريق الساحلي ستستمر {n} أيام أخرى.</p>"
        for n in range(3, 9)
    )
    return (
        "<html><head><title>تمديد أعمال صيانة الطريق الساحلي</title></head><body><article>"
        f'<h1>تمديد أعمال صيانة الطريق الساحلي</h1><span class="post-date">{date_line}</span>'
        f"{body}</article></body></html>"
    )


@needs_dates
def test_url_date_is_only_a_last_resort() -> None:
    url = "https://news.example/2020/01/05/coastal-road"
    dated = extract_html(_road_page("الثلاثاء 14 مايو 2024"), url=url, not_after=CRAWL_DAY)
    assert dated.published_at == dt.date(2024, 5, 14)
    undated = _road_page("")
    assert extract_html(undated, url=url, not_after=CRAWL_DAY).published_at == dt.date(2020, 1, 5)
    assert extract_html(undated, not_after=CRAWL_DAY).published_at is None


def test_table_layout_page_is_extracted() -> None:
    # Legacy Arabic sites (often the windows-1256 ones) put the whole article in a <td>.
    body = "".join(
        f"<p>قال مصدر في البلدية إن أعمال صيانة الطريق الساحلي ستستمر {n} أيام أخرى "
        "بسبب الأمطار الغزيرة التي هطلت على المنطقة.</p>"
        for n in range(3, 9)
    )
    page = (
        '<html><head><title>تمديد أعمال الصيانة</title></head><body><table width="100%">'
        '<tr><td class="menu"><a href="/">الرئيسية</a></td><td class="main">'
        f"<h1>تمديد أعمال الصيانة</h1>{body}</td></tr></table></body></html>"
    )
    assert "ستستمر 8 أيام أخرى" in extract_html(page).text
