"""Arabic text utilities: normalization (``normalize``) and dates (``dates``)."""

from marsad.arabic.normalize import (
    arabic_ratio,
    clean_text,
    is_arabic,
    match_key,
    to_ascii_digits,
)

__all__ = ["arabic_ratio", "clean_text", "is_arabic", "match_key", "to_ascii_digits"]
