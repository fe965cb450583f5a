"""Main text and metadata of an HTML news page (trafilatura + Arabic-specific repairs).

trafilatura finds the article body and the metadata; marsad then removes the Arabic
boilerplate lines it keeps, repairs split words, decides the language, and dates the page.

Dating prefers evidence of the *original publication*: machine-readable markup first
(htmldate without its URL or full-text guessing, which invent ``2013-01-01`` from a
copyright year or take an update date), then the visible Arabic date line, then the
head of the text, and the date in the URL only as a last resort. There is no "today"
fallback: an undated page stays undated.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

import lxml.html
from lxml import etree

from marsad.errors import ExtractionEmpty
from marsad.extract import common
from marsad.records import Extracted

__all__ = ["date_line_text", "extract_html"]

log = logging.getLogger(__name__)

_DATEISH = re.compile(r"date|time|stamp|stmp|byline|publish|posted|dateline|meta|تاريخ", re.I)
_NOW_WIDGET = re.compile(
    r"today|current|clock|weather|prayer|ticker|top-?bar|site-?header|header-?date", re.I
)
_ARTICLEISH = re.compile(r"article|post|entry|story|news-?detail|content", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:•»]{1,2}\s+")
_MAX_DATE_LINE = 160
_AUTHOR_PREFIX = re.compile(r"^\s*(كتبت|كتب|بقلم|إعداد|اعداد)\s*[:：-]?\s*")


def _parse_tree(html: str) -> etree._Element | None:
    """lxml tree of the page; lxml refuses str input that carries an XML encoding line."""
    try:
        return lxml.html.fromstring(_XML_DECL.sub("", html, count=1))
    except (etree.ParserError, ValueError) as exc:
        log.debug("lxml could not parse the page: %s", exc)
        return None


def _in_article(el: etree._Element) -> bool:
    for anc in el.iterancestors():
        if not isinstance(anc.tag, str):
            continue
        if anc.tag in ("article", "main"):
            return True
        if _ARTICLEISH.search(f"{anc.get('class', '')} {anc.get('id', '')}"):
            return True
    return False


def date_line_text(tree: etree._Element, limit: int = 12) -> str:
    """Visible text of the elements that usually carry the date line, article's own first.

    ``<time>`` elements and elements whose class or id mentions date/time/byline/meta,
    outside scripts; only short texts (a date line, not a whole article container).
    Widgets that show the *current* date (header clocks, prayer times) are skipped, and
    candidates inside the article come before those elsewhere on the page, so the crawl
    day shown in a site header never passes for the publication date.
    """
    inside: list[str] = []
    outside: list[str] = []
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "meta", "link"):
            continue
        attrs = f"{el.get('class', '')} {el.get('id', '')}"
        if el.tag != "time" and not _DATEISH.search(attrs):
            continue
        if _NOW_WIDGET.search(attrs):
            continue
        text = " ".join(el.text_content().split())
        if not 4 <= len(text) <= _MAX_DATE_LINE or text in inside or text in outside:
            continue
        (inside if _in_article(el) else outside).append(text)
        if len(inside) >= limit:
            break
    return "\n".join((inside + outside)[:limit])


def _markup_date(html: str, not_after: dt.date) -> dt.date | None:
    """Publication date from markup only (meta tags, JSON-LD, <time>, abbr ...)."""
    from htmldate import find_date

    try:
        found = find_date(
            html,
            extensive_search=False,
            original_date=True,
            url=None,
            max_date=not_after.isoformat(),
        )
    except (ValueError, TypeError) as exc:
        log.debug("htmldate failed: %s", exc)
        return None
    return _iso_date(found)


def _iso_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _strip_site_suffix(title: str, sitename: str | None) -> str:
    """Drop `` - SiteName`` / ``SiteName | `` around a title when it is the site's own name."""
    seps = list(_TITLE_SEPARATORS.finditer(title))
    if not sitename or not seps:
        return title
    site = sitename.strip().lower()
    last = title[seps[-1].end() :].strip().lower()
    if last == site or (site in last and len(last) < 40):
        return title[: seps[-1].start()].strip()
    first = title[: seps[0].start()].strip().lower()
    if first == site:
        return title[seps[0].end() :].strip()
    return title


def _clean_author(author: str | None) -> str | None:
    """``كتب: فلان`` -> ``فلان``; bylines carry the verb, the record wants the name."""
    if not author:
        return None
    name = _AUTHOR_PREFIX.sub("", author).strip()
    return name or None


def _h1(tree: etree._Element | None) -> str | None:
    if tree is None:
        return None
    for el in tree.iter("h1"):
        text = " ".join(el.text_content().split())
        if text:
            return text
    return None


def extract_html(
    html: str,
    url: str | None = None,
    *,
    min_text_chars: int = 200,
    not_after: dt.date | None = None,
    favor_precision: bool = True,
) -> Extracted:
    """Title, clean main text and metadata of one HTML page.

    ``not_after`` (default: today) bounds plausible publication dates, usually the crawl
    date. Raises ExtractionEmpty (no main text), NotArabic, TooShort.
    """
    import trafilatura

    if not html or not html.strip():
        raise ExtractionEmpty("empty document")
    not_after = not_after or dt.date.today()
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        favor_precision=favor_precision,
        include_comments=False,
        include_tables=True,  # old Arabic sites lay whole articles out in tables
        include_images=False,
        deduplicate=False,
        date_extraction_params={
            "original_date": True,
            "extensive_search": False,
            "deferred_url_extractor": True,
            "max_date": not_after.isoformat(),
        },
    )
    if doc is None or not (doc.text or "").strip():
        raise ExtractionEmpty("trafilatura found no main text in the page")

    tree = _parse_tree(html)
    text = common.clean_body(doc.text)
    if not text:
        raise ExtractionEmpty("only boilerplate lines were found in the page")

    raw_title = doc.title or _h1(tree) or ""
    title = common.clean_title(_strip_site_suffix(raw_title, doc.sitename)) or common.title_from(
        text
    )

    published = _markup_date(html, not_after)
    if published is None:
        hint = date_line_text(tree) if tree is not None else ""
        published = common.date_from_text(hint, text, not_after)
    if published is None:
        published = _iso_date(doc.date)  # may come from the URL: weakest evidence

    extracted = Extracted(
        title=title,
        text=text,
        language=common.language_of(text),
        published_at=published,
        author=_clean_author(doc.author),
        sitename=(doc.sitename or None),
        url=url,
        canonical_url=(doc.url or None),
    )
    common.check_quality(extracted, min_text_chars)
    return extracted
