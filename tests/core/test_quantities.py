"""Quantities: values, units, vague amounts, skipped numbers, and the labeled-set gate."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from marsad.quantities import find_quantities, normalize_unit, parse_number

BENCH = Path(__file__).resolve().parents[2] / "bench" / "attribution_bench.py"


def _one(text: str) -> tuple[str, float | None, str]:
    qs = find_quantities(text)
    assert len(qs) == 1, qs
    q = qs[0]
    assert text[q.start : q.end] == q.text
    return q.text, q.value, q.unit


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1500", 1500), ("1,500", 1500), ("١٬٥٠٠", 1500), ("2.5", 2.5), ("٢٫٥", 2.5),
     ("1,6", 1.6), ("12,345,678", 12345678), ("١٥٠٠", 1500)],
)
def test_parse_number(raw: str, value: float) -> None:
    assert parse_number(raw) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "span", "value", "unit"),
    [
        ("وصل 1500 مرتزق إلى سرت.", "1500 مرتزق", 1500, "مرتزق"),
        ("هبطت 4 طائرات في المطار.", "4 طائرات", 4, "طائرات"),
        ("سيرت الشركة 12 رحلة جوية أمس.", "12 رحلة جوية", 12, "رحله جويه"),
        ("قتل قرابة 300 مقاتل.", "قرابة 300 مقاتل", 300, "مقاتل"),
        ("تظاهر أكثر من ألف شخص.", "أكثر من ألف شخص", 1000, "شخص"),
        ("نزح 3 آلاف شخص.", "3 آلاف شخص", 3000, "شخص"),
        ("بلغت الخسائر 2.5 مليون دولار.", "2.5 مليون دولار", 2_500_000, "دولار"),
        ("عبر ١٬٥٠٠ لاجئ الحدود.", "١٬٥٠٠ لاجئ", 1500, "لاجئ"),
        ("خصصت ٢٫٥ مليار دولار.", "٢٫٥ مليار دولار", 2.5e9, "دولار"),
        ("أصيب خمسة وعشرون شخصاً.", "خمسة وعشرون شخصاً", 25, "شخص"),
        ("اعتقل ثلاثة عشر مسلحاً.", "ثلاثة عشر مسلحاً", 13, "مسلح"),
        ("استقبلت المدينة مئتي سائح.", "مئتي سائح", 200, "سائح"),
        ("تبرع بثلاثمئة ألف دولار.", "ثلاثمئة ألف دولار", 300_000, "دولار"),
        ("وصل قرابة مليوني حاج.", "قرابة مليوني حاج", 2_000_000, "حاج"),
        ("عبرت 25 ألفاً و887 سفينة.", "25 ألفاً و887 سفينة", 25887, "سفينه"),
        ("نشر ما لا يقل عن 2000 مقاتل.", "ما لا يقل عن 2000 مقاتل", 2000, "مقاتل"),
        ("غادر 1500 من المرتزقة.", "1500 من المرتزقة", 1500, "مرتزقه"),
        ("تضرر نحو ٣٠ آلية عسكرية.", "نحو ٣٠ آلية عسكرية", 30, "اليه عسكريه"),
        ("أرسلت 150 خبيراً عسكرياً.", "150 خبيراً عسكرياً", 150, "خبير عسكري"),
        # the dual before its noun: two thousand / two million / two hundred
        ("وصل ألفا مرتزق على متن الطائرات.", "ألفا مرتزق", 2000, "مرتزق"),
        ("خصصت الحكومة مليونا دولار للمشروع.", "مليونا دولار", 2e6, "دولار"),
        ("وصل مئتا جندي إلى المدينة.", "مئتا جندي", 200, "جندي"),
        # the same spelling as an accusative thousand, never directly before its noun
        ("جمعت الحملة ألفاً من التوقيعات.", "ألفاً من التوقيعات", 1000, "توقيعات"),
        ("قتل خمسون ألفا من المدنيين.", "خمسون ألفا من المدنيين", 50000, "مدنيين"),
    ],
)
def test_counted_amounts(text: str, span: str, value: float, unit: str) -> None:
    got_span, got_value, got_unit = _one(text)
    assert got_span == span
    assert got_value == pytest.approx(value)
    assert got_unit == unit


@pytest.mark.parametrize(
    ("text", "span", "unit"),
    [
        ("قتل عشرات المدنيين.", "عشرات المدنيين", "مدنيين"),
        ("فر آلاف السكان.", "آلاف السكان", "سكان"),
        ("نزح عشرات الآلاف من المدنيين.", "عشرات الآلاف من المدنيين", "مدنيين"),
        ("تهدر مئات الملايين من الدولارات.", "مئات الملايين من الدولارات", "دولارات"),
        ("قتل العشرات منذ أمس.", "العشرات", ""),
    ],
)
def test_vague_amounts_have_no_value(text: str, span: str, unit: str) -> None:
    assert _one(text) == (span, None, unit)


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [("بلغ التضخم 32.7% في مارس.", "32.7%", 32.7), ("تراجع بنسبة ٥٪ فقط.", "٥٪", 5),
     ("نما 4.5 في المئة.", "4.5 في المئة", 4.5), ("ارتفع 6 بالمئة.", "6 بالمئة", 6)],
)
def test_percentages_use_percent_unit(text: str, span: str, value: float) -> None:
    assert _one(text) == (span, pytest.approx(value), "%")


def test_number_without_noun_keeps_empty_unit() -> None:
    assert _one("ارتفع عدد القتلى إلى 120 منذ الصباح.") == ("120", 120, "")


@pytest.mark.parametrize(
    "text",
    [
        "جرت الانتخابات عام 2021 وسط مقاطعة.",
        "في 2019، تغير كل شيء.",
        "وقعت الحادثة في 15 مارس الماضي.",
        "وصل الوفد يوم ١٥ تموز.",
        "صدر القرار في 12/05/2020.",
        "بدأ الاجتماع الساعة 10:30 صباحاً.",
        "اتصلوا على الرقم 0912345678 للاستفسار.",
        "نص القرار 2254 على وقف إطلاق النار.",
        "سجل الهدف في الدقيقة 88 من المباراة.",
        "فاز الفريق 2-1 على ضيفه.",
        "انتشر فيروس كوفيد-19 بسرعة.",
        "احتفلت المدينة بالذكرى ال75 لتأسيسها.",
        "في القرن التاسع عشر الميلادي بنيت القلعة.",
        "توفي سنة 1442 هـ في المدينة.",
    ],
)
def test_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


def test_year_like_number_with_noun_is_a_quantity() -> None:
    assert _one("نشرت الشركة 2000 مقاتل في المنطقة.") == ("2000 مقاتل", 2000, "مقاتل")


def test_several_in_order_with_offsets() -> None:
    text = "قتل ٧ مدنيين وأصيب 11 آخرون، وتضرر نحو 40 منزلاً."
    qs = find_quantities(text)
    assert [(q.value, q.unit) for q in qs] == [(7, "مدنيين"), (11, "اخرون"), (40, "منزل")]
    assert all(text[q.start : q.end] == q.text for q in qs)
    assert [q.start for q in qs] == sorted(q.start for q in qs)


@pytest.mark.parametrize(
    ("noun", "unit"),
    [("الطائرات", "طائرات"), ("رحلةً جويةً", "رحله جويه"), ("مسلحاً", "مسلح"),
     ("ضحايا", "ضحايا"), ("آلية", "اليه"), ("بالمستشفى", "مستشفي"), ("طنا", "طن")],
)
def test_normalize_unit(noun: str, unit: str) -> None:
    assert normalize_unit(noun) == unit


def test_empty_and_numberless_text() -> None:
    assert find_quantities("") == []
    assert find_quantities("قال الوزير إن الوضع مستقر.") == []


def _bench():
    spec = importlib.util.spec_from_file_location("attribution_bench", BENCH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("split", ["dev", "heldout", "heldout2"])
def test_quality_gate_on_labeled_set(split: str) -> None:
    bench = _bench()
    rows = [r for r in bench.load() if r["split"] == split]
    assert len(rows) >= 20
    scores = bench.evaluate(rows)
    p, r, _ = scores["qty_value_unit"]
    assert p >= 0.95 and r >= 0.95, scores
    p, r, _ = scores["qty_span"]
    assert p >= 0.95 and r >= 0.95, scores


@pytest.mark.parametrize("text", ['عثر على صواريخ من نوع "زلزال 1" في الموقع.',
                                  "لن تبطئ الشركة هواتف أيفون X و8 هذه المرة."])
def test_numbers_inside_names_are_skipped(text: str) -> None:
    assert find_quantities(text) == []


def test_european_thousands_and_definite_noun_after_year() -> None:
    assert _one("يضم الخزان 50.000 طن من الماء.") == ("50.000 طن", 50000, "طن")
    assert find_quantities("تنطلق بطولة كأس العالم 2018 المقامة في روسيا.") == []
    assert find_quantities("تأهل الفريق إلى دور ال 16.") == []


def test_verb_after_noun_is_not_an_adjective() -> None:
    assert _one("تقدمت 23 منظمة تعنى بحقوق الطفل بشكوى.") == ("23 منظمة", 23, "منظمه")


@pytest.mark.parametrize(
    "text",
    [
        "في مثل هذا اليوم من عام 1882 هزمت بريطانيا الجيش.",
        "أقيمت المسابقة لأول مرة في العام 490 قبل الميلاد.",
        "تراجعت الأسعار خلال العامين 2014 و2015 نتيجة عوامل عدة.",
        "تقام الدورة من 22 إلى 30 أفريل.",
        "سيستقيل أواخر 2018\nسيتخلى المدير عن منصبه.",
        "انتهت المرحلة 26 من الدوري بالتعادل.",
    ],
)
def test_more_years_dates_and_labels(text: str) -> None:
    assert find_quantities(text) == []
