"""The pure document pipeline: raw input -> extracted article -> analysis.

The shell calls these in the order fetch -> ``extract`` -> dedup -> ``analyse`` -> persist
(see ``worker.pipeline``). Dedup sits between the two because it is the one stateful step;
everything here is a function of its arguments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Protocol

from marsad.errors import NotArabic
from marsad.records import Analysis, Entity, Extracted


class Recognizer(Protocol):
    name: str

    def recognize(self, text: str) -> list[Entity]: ...


@dataclass(frozen=True, slots=True)
class RawDocument:
    """What intake stored: HTML bytes/str or plain text, plus hints from the producer."""

    kind: str  # "html" | "text"
    content: bytes | str
    url: str | None = None
    declared_charset: str | None = None
    published_hint: dt.date | None = None
    title_hint: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    min_text_chars: int = 200
    require_arabic: bool = True
    today: dt.date | None = field(default=None)  # dates after this are rejected as implausible


def extract(raw: RawDocument, options: ExtractOptions = ExtractOptions()) -> Extracted:
    """Main text and metadata; raises the error tree (ExtractionEmpty, TooShort, NotArabic...)."""
    from marsad.extract import decode_bytes, extract_html, extract_text

    if raw.kind == "html":
        html = raw.content
        if isinstance(html, bytes):
            html = decode_bytes(html, raw.declared_charset)
        extracted = extract_html(html, raw.url, min_text_chars=options.min_text_chars)
    else:
        text = raw.content
        if isinstance(text, bytes):
            text = decode_bytes(text, raw.declared_charset)
        extracted = extract_text(text, min_text_chars=options.min_text_chars)
        extracted.url = raw.url
    if raw.published_hint and not extracted.published_at:
        extracted.published_at = raw.published_hint
    if raw.title_hint and not extracted.title:
        extracted.title = raw.title_hint
    if options.require_arabic and extracted.language not in (None, "ar"):
        raise NotArabic(f"language looks like {extracted.language!r}, not Arabic")
    return extracted


def title_key(extracted: Extracted) -> str:
    """The matching key of the headline (outlet suffixes and kickers stripped)."""
    from marsad.dedup.headline import headline_key

    return headline_key(extracted.title, extracted.sitename)


def analyse(
    extracted: Extracted, recognizer: Recognizer | None, *, key: str | None = None
) -> Analysis:
    """Entities, attributions and quantities of one extracted article (``key``: the headline
    key if the caller already computed it for dedup)."""
    from marsad.attribution import find_attributions
    from marsad.ner.canonical import canonicalize
    from marsad.quantities import find_quantities

    entities: list[Entity] = []
    if recognizer is not None:
        entities = canonicalize(recognizer.recognize(extracted.text))
    return Analysis(
        extracted=extracted,
        title_key=key if key is not None else title_key(extracted),
        entities=entities,
        attributions=find_attributions(extracted.text, entities),
        quantities=find_quantities(extracted.text),
    )


def content_hash(data: bytes | str) -> str:
    """sha256 hex of the raw content (the idempotency key of pushed content)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()
