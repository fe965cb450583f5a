"""Polite, guarded fetching of news pages and RSS/Atom feeds.

Pure core: no Celery, no database, no environment reads. The shell passes a
:class:`~marsad.fetch.options.FetchOptions`, an optional shared ``httpx.Client``
and an optional :class:`~marsad.fetch.politeness.DomainLimiter`.
"""

from marsad.errors import FeedMalformed, RobotsDisallowed
from marsad.fetch.client import FetchResult, fetch
from marsad.fetch.feeds import FeedItem, ParsedFeed, parse_feed
from marsad.fetch.options import FetchOptions
from marsad.fetch.transport import make_client
from marsad.fetch.urls import canonical_from_html, canonicalize_url, domain_of

__all__ = [
    "FeedItem",
    "FeedMalformed",
    "FetchOptions",
    "FetchResult",
    "ParsedFeed",
    "RobotsDisallowed",
    "canonical_from_html",
    "canonicalize_url",
    "domain_of",
    "fetch",
    "make_client",
    "parse_feed",
]
