"""Headline keys: decorations removed, story words kept."""

from __future__ import annotations

import pytest

from marsad.dedup.headline import headline_key, strip_decorations

STORY = "بوتين يعترف بوجود مرتزقة روس في ليبيا"


@pytest.mark.parametrize(
    "decorated",
    [
        "عاجل | بوتين يعترف بوجود مرتزقة روس في ليبيا",
        "عاجل: بوتين يعترف بوجود مرتزقة روس في ليبيا",
        "عاجل.. بوتين يعترف بوجود مرتزقة روس في ليبيا",
        "بوتين يعترف بوجود مرتزقة روس في ليبيا - الشروق أونلاين",
        "بوتين يعترف بوجود مرتزقة روس في ليبيا | هسبريس",
        "بوتين يعترف بوجود مرتزقة روس في ليبيا – سكاي نيوز عربية",
        "بوتين يعترف بوجود مرتزقة روس في ليبيا | Hespress FR",
        "بالفيديو.. بوتين يعترف بوجود مرتزقة روس في ليبيا",
        "بوتين يعترف بوجود مرتزقة روس في ليبيا (فيديو)",
        "شاهد | بوتين يعترف بوجود «مرتزقة روس» في ليبيا",
        "العربية.نت | بوتين يعترف بوجود مرتزقة روس في ليبيا",
        "بوتين يَعترفُ بوجودِ مرتزقةٍ روسٍ في ليبيا",
        "بوتين يعترف بوجود مرتـ ـزقة روس في ليـ ـبيا",
    ],
)
def test_decorated_variants_share_the_key(decorated: str) -> None:
    assert headline_key(decorated) == headline_key(STORY)


def test_sitename_prefix_is_removed_only_for_that_site() -> None:
    title = "مدى مصر: الحكومة ترفع أسعار الوقود"
    assert headline_key(title, sitename="مدى مصر") == headline_key("الحكومة ترفع أسعار الوقود")
    # Without the site name a leading "X:" may be a speaker; it stays.
    assert headline_key(title) != headline_key("الحكومة ترفع أسعار الوقود")


def test_trailing_site_name_from_sitename() -> None:
    title = "الحكومة ترفع أسعار الوقود - موقع أخبار الوطن العربي الكبير"
    assert headline_key(title, sitename="موقع أخبار الوطن العربي الكبير") == headline_key(
        "الحكومة ترفع أسعار الوقود"
    )


def test_real_second_clause_is_kept() -> None:
    key = headline_key("ترامب يهدد بفرض رسوم جديدة - والصين ترد بإجراءات مماثلة")
    assert "الصين" in key and "ترد" in key


def test_speaker_prefix_is_kept() -> None:
    assert "الصحه" in headline_key("«الصحة»: تسجيل 20 إصابة جديدة بكورونا")


def test_opposite_headlines_keep_distinct_keys() -> None:
    assert headline_key("بوتين ينفي وجود مرتزقة روس في ليبيا") != headline_key(STORY)


def test_decoration_only_title_is_not_empty() -> None:
    assert headline_key("فيديو") == "فيديو"
    assert headline_key("عاجل | ") == "عاجل"
    assert strip_decorations("") == ""
