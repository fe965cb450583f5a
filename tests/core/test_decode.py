"""decode_bytes: Arabic pages under missing or wrong charset labels, BOMs, binaries, empties."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from marsad.errors import DecodeFailed, ExtractionEmpty, UnsupportedContent
from marsad.extract.decode import decode_bytes, looks_decoded, sniff_charset

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "extract"
CP1256_SAMPLE = ROOT / "samples" / "08-dijla-press-flour-prices-cp1256.html"

ARTICLE = (
    "<html><head>{meta}<title>ارتفاع أسعار الطحين في بغداد</title></head><body>"
    "<p>قال نقيب الخبازين إن سعر كيس الطحين زنة 50 كيلوغراماً ارتفع من 25 ألف دينار "
    "إلى 30 ألف دينار، محذراً من إغلاق مئات الأفران.</p></body></html>"
)


def _page(meta: str = "") -> str:
    return ARTICLE.format(meta=meta)


@pytest.mark.parametrize("declared", [None, "utf-8", "iso-8859-1", "windows-1252", "bogus-x"])
def test_cp1256_without_meta_is_recovered_whatever_the_header_says(declared: str | None) -> None:
    page = _page()
    assert decode_bytes(page.encode("cp1256"), declared) == page


@pytest.mark.parametrize("meta", ['<meta charset="utf-8">', '<meta charset="iso-8859-1">'])
def test_cp1256_with_wrong_meta_is_recovered(meta: str) -> None:
    page = _page(meta)
    assert decode_bytes(page.encode("cp1256")) == page


def test_http_equiv_meta_is_honoured() -> None:
    page = _page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">')
    raw = page.encode("cp1256")
    assert sniff_charset(raw) == "windows-1256"
    assert decode_bytes(raw) == page


def test_iso_8859_6_is_not_mistaken_for_cp1256() -> None:
    # Same bytes read as windows-1256 give Arabic letters mixed with é/è: must be refused.
    page = _page()
    assert decode_bytes(page.encode("iso-8859-6")) == page
    assert decode_bytes(page.encode("iso-8859-6"), "iso-8859-6") == page


def test_utf8_wins_over_a_wrong_legacy_label() -> None:
    page = _page('<meta charset="windows-1256">')
    assert decode_bytes(page.encode("utf-8"), "windows-1256") == page


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_byte_order_marks(codec: str) -> None:
    page = _page()
    raw = page.encode(codec)
    if codec == "utf-16-be":
        raw = codecs.BOM_UTF16_BE + raw
    text = decode_bytes(raw, "iso-8859-1")
    assert text == page
    assert not text.startswith("\ufeff")


def test_shipped_cp1256_sample_decodes_to_arabic() -> None:
    raw = CP1256_SAMPLE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the sample really is legacy bytes
    text = decode_bytes(raw)
    assert "ارتفاع أسعار الطحين" in text
    mislabeled = raw.replace(b'charset="windows-1256"', b'charset="utf-8"')
    assert decode_bytes(mislabeled, "ISO-8859-1") == text.replace(
        'charset="windows-1256"', 'charset="utf-8"'
    )


def test_french_latin1_page_is_left_alone() -> None:
    text = "Le président a déclaré être très préoccupé par la situation à Genève."
    assert decode_bytes(text.encode("latin-1"), "iso-8859-1") == text


def test_mojibake_detector() -> None:
    arabic = "قال مسؤول في وزارة التجارة إن الأسعار سترتفع"
    assert looks_decoded(arabic)
    assert not looks_decoded(arabic.encode("cp1256").decode("cp1252", "replace"))


@pytest.mark.parametrize(
    "raw",
    [
        (FIXTURES / "fake-report.pdf").read_bytes(),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"PK\x03\x04\x14\x00\x06\x00",
        b"<html>" + b"\x00" * 64 + b"</html>",
    ],
)
def test_binary_is_unsupported(raw: bytes) -> None:
    with pytest.raises(UnsupportedContent):
        decode_bytes(raw)


@pytest.mark.parametrize("raw", [b"", b"  \r\n\t ", (FIXTURES / "empty.html").read_bytes()])
def test_empty_is_extraction_empty(raw: bytes) -> None:
    with pytest.raises(ExtractionEmpty):
        decode_bytes(raw)


def test_undecodable_bytes_fail() -> None:
    # Valid in no Arabic codepage as readable text: bytes 0x80-0xFF in a repeating ramp.
    with pytest.raises(DecodeFailed):
        decode_bytes(bytes(range(0x80, 0x100)) * 8)


def test_utf8_with_a_stray_byte_stays_utf8() -> None:
    # One broken byte must not flip a whole UTF-8 page to windows-1256 mojibake (ط§ظ„).
    page = _page('<meta charset="utf-8">')
    raw = page.encode("utf-8")
    cut = raw.index("الطحين".encode()) + 1  # inside a two-byte letter
    text = decode_bytes(raw[:cut] + raw[cut + 1 :])
    assert "ارتفاع أسعار" in text
    assert "\ufffd" in text
    assert "ظ„" not in text
