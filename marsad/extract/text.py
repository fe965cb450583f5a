"""Plain-text articles (pasted, from feeds or archives): first non-empty line is the title."""

from __future__ import annotations

import datetime as dt

from marsad.errors import ExtractionEmpty
from marsad.extract import common
from marsad.records import Extracted

__all__ = ["extract_text"]


def extract_text(
    text: str,
    *,
    min_text_chars: int = 200,
    not_after: dt.date | None = None,
    url: str | None = None,
) -> Extracted:
    """Title (first non-empty line), cleaned body and a date found in the head of the body.

    Raises ExtractionEmpty (no body), NotArabic, TooShort.
    """
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    idx = next((i for i, line in enumerate(lines) if line.strip()), None)
    if idx is None:
        raise ExtractionEmpty("empty text")
    title = common.clean_title(lines[idx])
    body = common.clean_body("\n".join(lines[idx + 1 :]))
    if not body:
        raise ExtractionEmpty("the text has a title line and no body")
    not_after = not_after or dt.date.today()
    extracted = Extracted(
        title=title,
        text=body,
        language=common.language_of(body),
        published_at=common.date_from_text("", body, not_after),
        url=url,
    )
    common.check_quality(extracted, min_text_chars)
    return extracted
