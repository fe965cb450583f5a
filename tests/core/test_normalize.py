"""Arabic normalization: display form keeps spelling, match key unifies variants."""

from __future__ import annotations

import pytest

from marsad.arabic.normalize import (
    arabic_ratio,
    clean_text,
    is_arabic,
    match_key,
    repair_split_words,
    to_ascii_digits,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("للقـ ـتـ ـال", "للقتال"),
        ("ميليشـ ـيات مسلحة", "ميليشيات مسلحة"),
        ("هجوم على الميليـ ـشيات", "هجوم على الميليشيات"),
        ("أكـ ـَـ ـثر من ألف", "أكثر من ألف"),
        ("تنظيم داعـ ـش الإرهـ ـابي", "تنظيم داعش الإرهابي"),
    ],
)
def test_clean_text_repairs_words_split_with_tatweel(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "الرئيس يلتقي وزير الخارجية",  # plain words, single spaces
        "قال إن الوضع مستقر",
    ],
)
def test_clean_text_does_not_join_normal_words(text: str) -> None:
    assert clean_text(text) == text


def test_standalone_tatweel_is_a_dash_not_a_split() -> None:
    assert clean_text("بيروت ـ وكالات") == "بيروت - وكالات"
    assert clean_text("القاهرة ــــ أ ش أ") == "القاهرة - أ ش أ"


def test_clean_text_keeps_spelling_and_diacritics() -> None:
    text = "أعلنَ الرئيسُ إلغاءَ الزيارة"
    assert clean_text(text) == text


def test_clean_text_removes_elongation_invisibles_and_presentation_forms() -> None:
    assert clean_text("الســـلام") == "السلام"
    assert clean_text("\u200fمرحبا\u200b بكم\ufeff\u2067") == "مرحبا بكم"
    assert clean_text("ﺍﻟﻌﺮﺑﻴﺔ") == "العربية"  # presentation forms -> base letters
    assert clean_text("ﻻ") == "لا"


def test_clean_text_whitespace_and_newlines() -> None:
    assert clean_text("  سطر\u00a0أول  \r\n\r\n\r\n\tسطر ثان ") == "سطر أول\n\nسطر ثان"
    assert clean_text("سطر\nثان", keep_newlines=False) == "سطر ثان"
    assert clean_text("") == ""


def test_digits_to_ascii() -> None:
    assert to_ascii_digits("عام ٢٠١٩ و۱۳۹۸") == "عام 2019 و1398"
    assert clean_text("مقتل ١٢ شخصا") == "مقتل 12 شخصا"


def test_match_key_unifies_spelling_variants() -> None:
    base = match_key("أعلن الرئيس إلغاء الزيارة إلى مدينة طنجة")
    variants = [
        "اعلن الرئيس الغاء الزيارة الى مدينة طنجة",  # bare alef
        "أعلنَ الرئيسُ إلغاءَ الزيارةِ إلى مدينةِ طنجة",  # diacritics
        "أعلن الرئيس إلغاء الزياره إلي مدينه طنجه",  # teh marbuta, yeh
        "أعلـــن الرئيـس «إلغاء» الزيارة، إلى مدينة طنجة!",  # tatweel, punctuation
    ]
    for v in variants:
        assert match_key(v) == base, v
    assert match_key("مسئول") == match_key("مسؤول")
    assert match_key("کتاب") == match_key("كتاب")  # Persian keheh


def test_match_key_keeps_numbers_and_lowercases_latin() -> None:
    assert match_key("نمو ٢٫٥ بالمئة") == match_key("نمو 2.5 بالمئة")
    assert match_key("نمو 2.5") != match_key("نمو 5.2")
    assert match_key("1,200 مهاجر") == match_key("1200 مهاجر")
    assert match_key("شركة Apple") == "شركه apple"


def test_match_key_keeps_different_words_apart() -> None:
    assert match_key("بوتين يعترف") != match_key("بوتين ينفي")


def test_repair_split_words_alone() -> None:
    assert repair_split_words("ميليشـ ـيات") == "ميليشيات"


def test_arabic_ratio_and_is_arabic() -> None:
    assert arabic_ratio("مرحبا بكم") == 1.0
    assert arabic_ratio("hello") == 0.0
    assert arabic_ratio("123 !") == 0.0
    assert 0.4 < arabic_ratio("hello مرحبا") < 0.6
    assert is_arabic("الحكومة تعلن خطة جديدة لدعم CNN")
    assert not is_arabic("The government announced a new plan")
    assert not is_arabic("")
    assert not is_arabic("مرحبا", min_letters=10)


def test_key_table_equals_camel_tools_normalizers() -> None:
    """The one-pass table must give what the camel-tools functions give, char for char."""
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
    )

    from marsad.arabic.normalize import key_from_clean

    text = "أُعلِنَ إلغاءُ آخرِ ٱجتماعٍ على مستوى القمّة في مدينةِ طنجة ومكة المكرمة"
    reference = normalize_teh_marbuta_ar(
        normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(text)))
    )
    assert key_from_clean(text) == reference


def test_match_key_separates_a_clitic_glued_to_a_number() -> None:
    """Outlets write both "ب120" and "ب 120"; the keys must agree, decimals must survive."""
    from marsad.arabic.normalize import match_key

    assert match_key("محملة ب120 طنًا") == match_key("محمّلة ب 120 طناً") == "محمله ب 120 طنا"
    assert match_key("و2.5 مليون") == "و 2.5 مليون"
