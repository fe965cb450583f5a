"""Bytes to text for Arabic pages, which still arrive in windows-1256 under wrong labels.

Order of trust: a byte-order mark, then valid UTF-8 (multi-byte UTF-8 almost never happens
by accident), then the charset the server declared, then the one the page declares in its
first 4 KB, then charset-normalizer restricted to the encodings Arabic sites actually use.
Every candidate except the BOM is checked for mojibake before it is accepted, because a
mislabeled page decodes "successfully" as latin-1 into nonsense like ``ÇáÓáÇã``.
"""

from __future__ import annotations

import codecs
import re

from marsad.errors import DecodeFailed, ExtractionEmpty, UnsupportedContent

__all__ = ["decode_bytes", "looks_decoded", "sniff_charset"]

# (magic prefix, label) for formats that reach a news crawler by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"PK\x03\x04", "ZIP archive (docx/xlsx/epub)"),
    (b"\x1f\x8b", "gzip stream"),
    (b"BM", "BMP image"),
    (b"ID3", "MP3 audio"),
    (b"OggS", "Ogg media"),
    (b"\x00\x00\x01\x00", "ICO image"),
    (b"\xd0\xcf\x11\xe0", "legacy MS Office document"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf", "7z archive"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Encodings an Arabic news page is plausibly written in (charset-normalizer names).
ARABIC_CODEPAGES: tuple[str, ...] = ("utf_8", "cp1256", "iso8859_6", "cp720")

# Browsers treat these labels as windows-1252 (WHATWG Encoding Standard); so do we.
_WHATWG_LATIN = {"latin_1", "iso8859_1", "ascii", "us-ascii", "iso-8859-1", "latin-1"}

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE
)
_XML_DECL = re.compile(rb"""<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""")
_WORD = re.compile(r"[^\W\d_]{3,}")


def _is_arabic_letter(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x0621 <= cp <= 0x064A
        or 0x066E <= cp <= 0x06D3
        or 0x0750 <= cp <= 0x077F
        or 0xFB50 <= cp <= 0xFDFF
        or 0xFE70 <= cp <= 0xFEFC
    )


def _codec_name(label: str | None) -> str | None:
    """Python codec name for a charset label, or None when Python does not know it."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in _WHATWG_LATIN or label in _WHATWG_LATIN:
        return "cp1252"
    return name


def sniff_charset(raw: bytes) -> str | None:
    """The charset a page declares about itself in ``<meta>`` or an XML declaration."""
    head = raw[:4096]
    for pattern in (_META_CHARSET, _XML_DECL):
        m = pattern.search(head)
        if m:
            return m.group(1).decode("ascii", "replace")
    return None


def _binary_reason(raw: bytes) -> str | None:
    for magic, label in _MAGIC:
        if raw.startswith(magic):
            return label
    if raw[:4] == b"RIFF" and raw[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "RIFF media (webp/wav/avi)"
    if raw[4:8] == b"ftyp":
        return "MP4/ISO media"
    head = raw[:8192]
    if head.count(b"\x00") > max(1, len(head) // 100):
        return "NUL bytes (binary data)"
    controls = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))
    if controls > max(2, len(head) // 100):
        return "control bytes (binary data)"
    return None


def looks_decoded(text: str) -> bool:
    """True unless ``text`` shows the marks of a wrong decoding.

    Marks: replacement characters, C1 control characters (bytes 0x80-0x9F read as latin-1),
    and words made mostly of accented Latin letters, which is what Arabic single-byte text
    becomes under latin-1/windows-1252. A real French page passes: its accented letters are
    a minority inside each word.
    """
    non_ascii = [ch for ch in text if ord(ch) > 0x7F]
    if not non_ascii:
        return True
    bad = sum(1 for ch in non_ascii if ch == "\ufffd" or 0x80 <= ord(ch) <= 0x9F)
    if bad > max(2, len(non_ascii) // 200):
        return False
    suspicious = 0
    foreign = 0
    for word in _WORD.findall(text):
        if all(ord(ch) < 0x80 for ch in word):
            continue
        foreign += 1
        latin_high = sum(1 for ch in word if 0xC0 <= ord(ch) <= 0x24F)
        if latin_high * 10 >= len(word) * 6:
            suspicious += 1
        elif latin_high and any(_is_arabic_letter(ch) for ch in word):
            # Arabic and accented Latin inside one word: iso-8859-6 read as windows-1256.
            suspicious += 1
    return not (suspicious >= 3 and suspicious * 10 > foreign)


def _strict(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly_utf8(raw: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a body cut mid-character, one stray legacy byte).

    Reading such a page as windows-1256 would turn all of its Arabic into ``ط§ظ„``
    mojibake, so a handful of replacement characters is the lesser evil.
    """
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) >= 0x80 and ch != "\ufffd")
    if multibyte >= 20 and bad <= max(3, multibyte // 200):
        return text
    return None


def _arabic_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _is_arabic_letter(ch)) / len(letters)


def _normalizer_guess(raw: bytes) -> str | None:
    """charset-normalizer restricted to Arabic codepages; None when it has no answer."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=list(ARABIC_CODEPAGES)).best()
    if best is None:
        return None
    return best.encoding


def decode_bytes(raw: bytes, declared_charset: str | None = None) -> str:
    """Decode a fetched body to text, refusing binaries and repairing mislabeled charsets.

    ``declared_charset`` is the HTTP ``Content-Type`` charset, if any. Raises
    ExtractionEmpty (no bytes / only whitespace), UnsupportedContent (binary formats) or
    DecodeFailed (no plausible encoding).
    """
    if not raw or not raw.strip():
        raise ExtractionEmpty("empty body")

    for bom, codec in _BOMS:
        if raw.startswith(bom):
            text = _strict(raw, codec)
            if text is None:
                raise DecodeFailed(f"bytes after the {codec} byte-order mark are not {codec}")
            return text.lstrip("\ufeff")

    reason = _binary_reason(raw)
    if reason:
        raise UnsupportedContent(f"binary content: {reason}")

    if raw.isascii():
        return raw.decode("ascii")
    text = _strict(raw, "utf-8")
    if text is not None:
        return text
    text = _mostly_utf8(raw)
    if text is not None:
        return text

    tried: list[str] = []
    for label in (declared_charset, sniff_charset(raw)):
        codec = _codec_name(label)
        if codec is None or codec in tried or codec == "utf-8":
            continue
        tried.append(codec)
        text = _strict(raw, codec)
        if text is not None and looks_decoded(text):
            return text

    guess = _codec_name(_normalizer_guess(raw))
    if guess and guess not in tried:
        tried.append(guess)
        text = _strict(raw, guess)
        if text is not None and looks_decoded(text):
            return text

    # Last resort: the Arabic legacy codepages, most common first, when one reads as Arabic.
    for codec in ("cp1256", "iso8859-6", "cp720"):
        codec = _codec_name(codec) or codec
        if codec in tried:
            continue
        tried.append(codec)
        text = _strict(raw, codec)
        if text is not None and looks_decoded(text) and _arabic_share(text) >= 0.5:
            return text
    raise DecodeFailed("no plausible encoding (tried utf-8, " + ", ".join(tried) + ")")
