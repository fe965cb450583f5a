"""Arabic date parsing: every month system, digits, Hijri, validation, offsets, dateline choice."""

from __future__ import annotations

import csv
import datetime as dt
import html
import os
import re
from pathlib import Path

import pytest
from hijridate import Hijri

from marsad.arabic.dates import DateMatch, find_dates, find_publication_date, parse_date

D = dt.date
TSV = Path(__file__).resolve().parents[2] / "bench" / "data" / "dates.tsv"


def test_quality_gate_on_labeled_set() -> None:
    with TSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert len(rows) >= 150
    assert {r["system"] for r in rows} >= {
        "gregorian", "levantine", "maghrebi", "moroccan", "dual", "hijri", "numeric",
        "eastern", "weekday", "byline",
    }  # fmt: skip
    misses = [
        (r["expression"], r["expected"], parse_date(r["expression"]))
        for r in rows
        if str(parse_date(r["expression"])) != r["expected"]
    ]
    accuracy = 1 - len(misses) / len(rows)
    assert accuracy >= 0.98, misses


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        # Egyptian / Gulf
        ("12 يناير 2024", D(2024, 1, 12)),
        ("3 إبريل 2019", D(2019, 4, 3)),
        ("19 يونيه 2021", D(2021, 6, 19)),
        ("26 يوليه 2019", D(2019, 7, 26)),
        ("2 اغسطس 2024", D(2024, 8, 2)),
        # Levantine / Iraqi, with and without the article on the ordinal
        ("3 كانون الثاني 2024", D(2024, 1, 3)),
        ("21 شباط 2023", D(2023, 2, 21)),
        ("15 آذار 2020", D(2020, 3, 15)),
        ("9 نيسان 2023", D(2023, 4, 9)),
        ("7 أيار 2021", D(2021, 5, 7)),
        ("30 حزيران 2021", D(2021, 6, 30)),
        ("17 تموز 2019", D(2019, 7, 17)),
        ("4 آب 2020", D(2020, 8, 4)),
        ("1 أيلول 2019", D(2019, 9, 1)),
        ("17 تشرين الأول 2019", D(2019, 10, 17)),
        ("2 تشرين ثاني 2020", D(2020, 11, 2)),
        ("25 كانون الأول 2022", D(2022, 12, 25)),
        # Algerian / Tunisian
        ("14 جانفي 2021", D(2021, 1, 14)),
        ("22 فيفري 2019", D(2019, 2, 22)),
        ("9 أفريل 2023", D(2023, 4, 9)),
        ("12 ماي 2022", D(2022, 5, 12)),
        ("20 جوان 2021", D(2021, 6, 20)),
        ("5 جويلية 2022", D(2022, 7, 5)),
        ("13 أوت 2023", D(2023, 8, 13)),
        # Moroccan
        ("10 يوليوز 2024", D(2024, 7, 10)),
        ("5 غشت 2023", D(2023, 8, 5)),
        ("8 شتنبر 2023", D(2023, 9, 8)),
        ("21 نونبر 2021", D(2021, 11, 21)),
        ("12 دجنبر 2022", D(2022, 12, 12)),
        # dual forms and prose connectors
        ("8 آذار (مارس) 2020", D(2020, 3, 8)),
        ("15 مارس/آذار 2020", D(2020, 3, 15)),
        ("1 تشرين الأول/أكتوبر 2023", D(2023, 10, 1)),
        ("15 من آذار من عام 2020", D(2020, 3, 15)),
        # weekday prefixes, suffix م, times
        ("الإثنين 8 يناير 2024", D(2024, 1, 8)),
        ("الاثنين 29 يناير 2024", D(2024, 1, 29)),
        ("يوم الثلاثاء 14 فبراير 2023", D(2023, 2, 14)),
        ("31 ديسمبر 2019م", D(2019, 12, 31)),
        ("السبت, 02 ديسمبر 2023 10:12 صباحاً", D(2023, 12, 2)),
    ],
)
def test_named_months(expr: str, expected: dt.date) -> None:
    assert parse_date(expr) == expected


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("١٥ آذار ٢٠٢٠", D(2020, 3, 15)),
        ("۱۵ مارس ۲۰۲۰", D(2020, 3, 15)),  # Persian digits
        ("٢٥/١٢/٢٠٢٢", D(2022, 12, 25)),
        ("٢٠٢٣/١٠/٠٧", D(2023, 10, 7)),
        ("١ رمضان ١٤٤١ هـ", D(2020, 4, 24)),
    ],
)
def test_eastern_digits(expr: str, expected: dt.date) -> None:
    assert parse_date(expr) == expected


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("15/03/2020", D(2020, 3, 15)),
        ("03/04/2021", D(2021, 4, 3)),  # ambiguous: day-first, the Arabic convention
        ("04/15/2021", D(2021, 4, 15)),  # day-first impossible -> month-first
        ("31-12-2021", D(2021, 12, 31)),
        ("27.06.2023", D(2023, 6, 27)),
        ("2024-02-29", D(2024, 2, 29)),
        ("2021/7/4", D(2021, 7, 4)),
        ("05/01/24", D(2024, 1, 5)),  # two-digit year <= 69 -> 20xx
        ("05/01/98", D(1998, 1, 5)),  # two-digit year >= 70 -> 19xx
        ("03 - 09 - 2021", D(2021, 9, 3)),
        ("2025-01-15T08:30:00+03:00", D(2025, 1, 15)),
    ],
)
def test_numeric(expr: str, expected: dt.date) -> None:
    assert parse_date(expr) == expected


def test_hijri_known_dates() -> None:
    assert parse_date("1 رمضان 1441 هـ") == D(2020, 4, 24)
    assert parse_date("غرة شوال 1444هـ") == D(2023, 4, 21)
    assert parse_date("10 ذو الحجة 1445 هـ") == D(2024, 6, 16)
    assert parse_date("1 محرم 1446 هـ") == D(2024, 7, 7)


@pytest.mark.parametrize(
    ("expr", "hijri"),
    [
        ("15 شعبان 1445هـ", (1445, 8, 15)),
        ("12 ربيع الأول 1445هـ", (1445, 3, 12)),
        ("12 ربيع الاول 1446 هـ", (1446, 3, 12)),
        ("20 ربيع الثاني 1442 هـ", (1442, 4, 20)),
        ("5 جمادى الأولى 1445 هـ", (1445, 5, 5)),
        ("7 جمادى الآخرة 1444 هـ", (1444, 6, 7)),
        ("22 جمادى الثانية 1445هـ", (1445, 6, 22)),
        ("25 ذو القعدة 1442 هـ", (1442, 11, 25)),
        ("11 ذي القعدة 1445هـ", (1445, 11, 11)),
        ("9 ذي الحجة 1443 هـ", (1443, 12, 9)),
        ("01/09/1441هـ", (1441, 9, 1)),
        ("الجمعة 17 رمضان المبارك 1445هـ", (1445, 9, 17)),
        ("1 محرم الحرام 1446 هـ", (1446, 1, 1)),
        ("1445/08/15 هـ", (1445, 8, 15)),
    ],
)
def test_hijri_variants_convert_like_hijridate(expr: str, hijri: tuple[int, int, int]) -> None:
    expected = D(*Hijri(*hijri).to_gregorian().datetuple())
    (match,) = find_dates(expr)
    assert match.date == expected
    assert match.calendar == "hijri"


def test_stated_gregorian_beats_umm_al_qura_when_paired() -> None:
    # the outlet's sighting-based calendar is a day off Umm al-Qura; the stated day wins
    assert parse_date("الخميس 10 ذو الحجة 1444 هـ - 29 يونيو 2023 م") == D(2023, 6, 29)
    assert parse_date("10 ذو الحجة 1444 هـ") == D(2023, 6, 28)


@pytest.mark.parametrize(
    "expr",
    [
        "31 شباط 2020",
        "30 فبراير 2024",
        "29 فبراير 2023",
        "31 نيسان 2021",
        "32/01/2020",
        "31/13/2020",
        "2023-02-30",
        "31 رمضان 1445 هـ",  # Hijri months have at most 30 days
        "5 رجب 1200 هـ",  # outside the convertible Hijri range
        "منذ حرب 1967",
        "مارس 2020",  # no day
        "الأحد 15 مارس",  # no year
        "سجل الفريق 3 - 1 في المباراة",
        "حدّث التطبيق إلى الإصدار 2.1.10",  # version number, not 2010-01-02
        "",
    ],
)
def test_not_a_date(expr: str) -> None:
    assert parse_date(expr) is None
    assert find_dates(expr) == []


def test_find_dates_offsets_point_into_original_text() -> None:
    text = "القاهرة - الأحد ١٥ آذار ٢٠٢٠ - قال الوزير إن الاتفاق وُقّع في 1 رمضان 1441 هـ بالرياض."
    matches = find_dates(text)
    assert [m.date for m in matches] == [D(2020, 3, 15), D(2020, 4, 24)]
    for m in matches:
        assert isinstance(m, DateMatch)
        assert text[m.start : m.end] == m.text
    assert matches[0].text == "الأحد ١٥ آذار ٢٠٢٠"
    assert matches[0].calendar == "gregorian"
    assert matches[1].text == "1 رمضان 1441 هـ"  # the tatweel stays inside the match


def test_find_dates_time_and_diacritics() -> None:
    text = "نُشِر في: 8 آذار (مارس) 2020 - 10:30 م ثم حُدّث"
    (match,) = find_dates(text)
    assert match.has_time
    assert match.text == "8 آذار (مارس) 2020 - 10:30 م"
    assert text[match.start : match.end] == match.text
    assert not find_dates("15/03/2020")[0].has_time
    assert find_dates("15/03/2020")[0].calendar == "numeric"


def test_publication_date_prefers_dateline_over_history() -> None:
    text = (
        "بيروت - الأحد 7 أيار 2023\n"
        "قال النائب إن البلاد لم تشهد أزمة كهذه منذ حرب 1967، مذكراً بما جرى في 5 حزيران 1967 "
        "وبالانهيار الذي بدأ في 17 تشرين الأول 2019."
    )
    assert find_publication_date(text) == D(2023, 5, 7)


def test_publication_date_skips_implausible_years() -> None:
    text = "في مثل هذا اليوم 5 حزيران 1967 اندلعت الحرب. نشر في 12/06/2024"
    assert find_publication_date(text) == D(2024, 6, 12)


def test_publication_date_respects_not_after() -> None:
    text = "موعد القمة المقبلة 20 كانون الأول 2030. الرباط في 14 يناير 2025"
    assert find_publication_date(text) == D(2030, 12, 20)
    assert find_publication_date(text, not_after=D(2025, 3, 1)) == D(2025, 1, 14)
    assert find_publication_date(text, not_after=D(2024, 1, 1)) is None


def test_publication_date_prefers_labelled_publication_over_update() -> None:
    text = "آخر تحديث: 3 أغسطس 2024 - 9:10 م | نشر في: 2 أغسطس 2024 - 8:40 ص"
    assert find_publication_date(text) == D(2024, 8, 2)


def test_publication_date_none_without_dates() -> None:
    assert find_publication_date("قال الوزير إن المفاوضات ستستأنف قريباً.") is None


def test_month_name_glued_to_year_and_not_prefix_of_a_word() -> None:
    assert parse_date("5 حزيران/يونيو2017") == D(2017, 6, 5)
    assert parse_date("15 مارسيلو 2020") is None


def _shared_data() -> Path:
    env = os.environ.get("MARSAD_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def test_publication_date_on_real_news_page() -> None:
    page = _shared_data() / "html" / "cnn-arabic-2013.html"
    if not page.exists():
        pytest.skip(f"shared fixture not found: {page}")
    raw = page.read_text(encoding="utf-8", errors="replace")
    visible = re.sub(r"<script.*?</script>|<style.*?</style>", " ", raw, flags=re.S)
    visible = html.unescape(re.sub(r"<[^>]+>", " ", visible))
    # the page's dateline reads "الأربعاء، 28 آب/اغسطس 2013" (htmldate says 2013-01-01)
    assert find_publication_date(visible, not_after=D(2013, 12, 31)) == D(2013, 8, 28)


def test_publication_label_deep_in_the_story_does_not_override_dateline() -> None:
    story = "بيروت - 7 أيار 2023\n" + "وقال المتحدث إن الحكومة ستواصل مشاوراتها. " * 8
    text = story + "وكان التقرير الأول قد نُشر في 3 آذار 2020 وأثار جدلاً واسعاً."
    assert find_publication_date(text) == D(2023, 5, 7)
