"""RSS/Atom parsing that is safe on hostile XML and lenient on sloppy XML.

Order matters: defusedxml looks at the bytes first and refuses entity declarations
(billion laughs, external entities) before feedparser's expat ever sees them; only
then does feedparser parse, recovering what it can from malformed feeds.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as DefusedET
import feedparser
from defusedxml import DefusedXmlException

from marsad.errors import FeedMalformed
from marsad.fetch.urls import canonicalize_url

# Byte-level backstop for the case where the XML is broken BEFORE a declaration, so the
# strict defusedxml pass stops early while feedparser's loose mode keeps reading.
_DECL_PATTERN = re.compile(rb"<!ENTITY|<!DOCTYPE[^>\[]*\[", re.IGNORECASE)


def _views(content: bytes) -> list[bytes]:
    """The body as bytes plus, for UTF-16 feeds, its UTF-8 transcoding (for the regex)."""
    views = [content]
    head = content[:4]
    if b"\x00" in head:
        for enc in ("utf-16", "utf-16-le", "utf-16-be"):
            try:
                views.append(content.decode(enc).encode("utf-8"))
                break
            except UnicodeDecodeError:
                continue
    return views


@dataclass(frozen=True)
class FeedItem:
    """One entry. ``url`` is absolute and canonicalized; ``published`` is UTC or None."""

    url: str
    title: str
    published: datetime | None
    summary: str
    guid: str | None


@dataclass(frozen=True)
class ParsedFeed:
    """The feed's own title and its items (newest order as published, capped).

    ``warnings`` records recoverable problems (malformed XML that still yielded items,
    items skipped for lack of a link) for the feed's health record.
    """

    title: str
    items: list[FeedItem]
    warnings: list[str] = field(default_factory=list)


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _plain_text(html_or_text: str) -> str:
    """Summaries arrive as HTML fragments; analysts want the words."""
    if "<" not in html_or_text and "&" not in html_or_text:
        return " ".join(html_or_text.split())
    p = _TextOnly()
    p.feed(html_or_text)
    p.close()
    return " ".join(unescape("".join(p.parts)).split())


def _refuse_unsafe_xml(content: bytes) -> str | None:
    """Raise FeedMalformed on DTD tricks; return a parse-error note for broken XML."""
    for view in _views(content):
        if _DECL_PATTERN.search(view):
            raise FeedMalformed("feed declares a DTD subset or entities; refused (XML bomb/XXE)")
    try:
        DefusedET.fromstring(content, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedMalformed(f"unsafe XML refused: {exc}") from exc
    except (ParseError, xml.parsers.expat.ExpatError, ValueError) as exc:
        return f"malformed XML: {exc}"
    return None


def _published(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime(*value[:6], tzinfo=UTC)
            except (TypeError, ValueError):
                continue
    return None


def _entry_link(entry: feedparser.FeedParserDict) -> str | None:
    link = entry.get("link")
    if not link:
        for candidate in entry.get("links", []) or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link and entry.get("guidislink") and entry.get("id"):
        link = entry["id"]
    return str(link).strip() if link else None


def parse_feed(content: bytes, base_url: str, max_items: int = 200) -> ParsedFeed:
    """Parse RSS/Atom ``content`` fetched from ``base_url`` into at most ``max_items``.

    Ignores the feed's declared language (outlets mislabel it; language is detected on
    the text later). Raises FeedMalformed for unsafe XML, or for broken XML from which
    feedparser recovered no item.
    """
    if not content.strip():
        raise FeedMalformed(f"{base_url}: empty feed body")
    warnings: list[str] = []
    problem = _refuse_unsafe_xml(content)
    # A content type stops feedparser flagging every feed as bozo for lacking headers;
    # the document's own XML declaration still decides the encoding.
    headers = {"content-location": base_url, "content-type": "application/xml"}
    parsed = feedparser.parse(content, response_headers=headers)
    entries = list(parsed.get("entries", []))
    if problem or parsed.get("bozo"):
        reason = problem or f"feed parser: {parsed.get('bozo_exception')}"
        if not entries:
            raise FeedMalformed(f"{base_url}: {reason}; no items recovered")
        warnings.append(reason)
    if not entries and not parsed.get("version"):
        raise FeedMalformed(f"{base_url}: not an RSS/Atom document")
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in entries:
        if len(items) >= max_items:
            warnings.append(f"capped at {max_items} items of {len(entries)}")
            break
        link = _entry_link(entry)
        absolute = urljoin(base_url, link) if link else None
        if not absolute or urlsplit(absolute).scheme.lower() not in ("http", "https"):
            warnings.append(f"item without a usable link skipped: {entry.get('title', '')!r}")
            continue
        try:
            url = canonicalize_url(absolute)
        except ValueError:
            warnings.append(f"item with unusable link skipped: {absolute!r}")
            continue
        if url in seen:
            continue
        seen.add(url)
        items.append(
            FeedItem(
                url=url,
                title=_plain_text(entry.get("title", "") or ""),
                published=_published(entry),
                summary=_plain_text(entry.get("summary", "") or ""),
                guid=(str(entry["id"]).strip() or None) if entry.get("id") else None,
            )
        )
    if not items and (problem or parsed.get("bozo")):
        # Broken XML whose recovered entries all lack a link is as useless as no entries.
        raise FeedMalformed(f"{base_url}: {'; '.join(warnings)}")
    title = _plain_text(parsed.get("feed", {}).get("title", "") or "")
    return ParsedFeed(title=title, items=items, warnings=warnings)
