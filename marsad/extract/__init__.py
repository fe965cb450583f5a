"""Text and metadata extraction: bytes -> text -> (title, main text, date, ...).

``decode_bytes`` turns a fetched body into text (charset repair, binary refusal);
``extract_html`` and ``extract_text`` return a ``marsad.records.Extracted`` or raise from
the error tree (ExtractionEmpty, TooShort, NotArabic) so the shell records why.
"""

from marsad.extract.boilerplate import is_boilerplate_line, strip_boilerplate
from marsad.extract.decode import decode_bytes
from marsad.extract.html import extract_html
from marsad.extract.text import extract_text

__all__ = [
    "decode_bytes",
    "extract_html",
    "extract_text",
    "is_boilerplate_line",
    "strip_boilerplate",
]
