"""Plain result records passed between core stages and to the shell.

They are frozen dataclasses (no ORM, no pydantic) so the core stays dependency-free and
the shell maps them to rows in one place. Offsets are Python string indices into the
clean article text (``text[start:end] == record.text``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

EntityType = Literal["PER", "LOC", "ORG", "MISC"]
SourceKind = Literal["outlet", "person", "organization", "anonymous"]


@dataclass(frozen=True, slots=True)
class Entity:
    """A named-entity mention; ``canonical`` is the display name shared by every mention of the
    same real-world entity (its key is ``marsad.ner.canonical.canonical_key(canonical, type)``)."""

    text: str
    type: EntityType
    start: int
    end: int
    canonical: str | None = None


@dataclass(frozen=True, slots=True)
class Attribution:
    """``source`` is cited (via ``cue``) for the sentence at ``start:end``."""

    source: str
    source_kind: SourceKind
    cue: str
    denial: bool
    start: int
    end: int
    source_start: int | None = None
    source_end: int | None = None


@dataclass(frozen=True, slots=True)
class Quantity:
    """A counted amount: ``value`` is None for vague amounts (آلاف، مئات)."""

    text: str
    value: float | None
    unit: str
    start: int
    end: int


@dataclass(slots=True)
class Extracted:
    """Main text and metadata of one document, after cleaning."""

    title: str
    text: str
    language: str | None = None
    published_at: dt.date | None = None
    author: str | None = None
    sitename: str | None = None
    url: str | None = None
    canonical_url: str | None = None


@dataclass(slots=True)
class Analysis:
    """Everything the core derives from one document (dedup is stateful and done apart)."""

    extracted: Extracted
    title_key: str
    entities: list[Entity] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The `marsad extract` shape (dates as ISO strings)."""
        ex = self.extracted
        return {
            "title": ex.title,
            "text": ex.text,
            "published_at": ex.published_at.isoformat() if ex.published_at else None,
            "language": ex.language,
            "author": ex.author,
            "sitename": ex.sitename,
            "url": ex.url,
            "canonical_url": ex.canonical_url,
            "entities": [asdict(e) for e in self.entities],
            "attributions": [asdict(a) for a in self.attributions],
            "quantities": [asdict(q) for q in self.quantities],
        }
