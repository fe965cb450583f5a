"""Fetch-specific leaves of the error tree (kept here so ``marsad/errors.py`` stays small).

Both subclass a class of :mod:`marsad.errors`, so the shell's retry/record decision
is unchanged: they are permanent and never retried.
"""

from __future__ import annotations

from marsad.errors import FetchRefused, PermanentError


class FeedMalformed(PermanentError):
    """The feed is not parseable XML (or is unsafe XML) and no items could be recovered."""

    code = "feed_malformed"


class RobotsDisallowed(FetchRefused):
    """robots.txt of the site disallows marsad's user agent for this URL."""

    code = "fetch_refused"
