"""The error tree every stage raises, so the shell decides retry vs record in one place.

::

    MarsadError                  code
    ├── TransientError           (retried with backoff by the task wrapper)
    │   ├── FetchTimeout         fetch_timeout
    │   ├── FetchUnavailable     fetch_unavailable   (5xx, 429, connection reset)
    │   └── StoreUnavailable     store_unavailable
    └── PermanentError           (recorded on the row, never retried)
        ├── InvalidPayload       invalid_payload
        ├── FetchRefused         fetch_refused       (private address, robots.txt, scheme)
        │   └── RobotsDisallowed fetch_refused
        ├── FeedMalformed        feed_malformed      (unsafe XML, or broken with no items)
        ├── FetchFailed          fetch_failed        (4xx, too many redirects)
        ├── ContentTooLarge      too_large
        ├── UnsupportedContent   unsupported_content (binary, wrong content type)
        ├── DecodeFailed         decode_failed
        ├── ExtractionEmpty      extraction_empty    (trafilatura found no main text)
        ├── TooShort             too_short
        ├── NotArabic            not_arabic
        └── InternalError        internal_error      (a bug: recorded, retried on re-ingest)

Each class carries a stable ``code`` that is stored on the failed document so analysts
can count failures by kind.
"""

from __future__ import annotations


class MarsadError(Exception):
    """Base class; ``code`` is stable and stored, ``str(err)`` is the human reason."""

    code = "error"
    retryable = False

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)

    @property
    def message(self) -> str:
        return str(self)


class TransientError(MarsadError):
    """A failure that may go away: retried with backoff."""

    code = "transient"
    retryable = True

    def __init__(self, message: str = "", retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(MarsadError):
    """A failure that will not go away by retrying: recorded, never retried."""

    code = "permanent"


class FetchTimeout(TransientError):
    """The server did not answer within the configured time."""

    code = "fetch_timeout"


class FetchUnavailable(TransientError):
    """The server answered 5xx/429 or the connection failed."""

    code = "fetch_unavailable"


class StoreUnavailable(TransientError):
    """The database could not be reached."""

    code = "store_unavailable"


class InvalidPayload(PermanentError):
    """The pushed message does not match the payload schema."""

    code = "invalid_payload"


class FetchRefused(PermanentError):
    """marsad refused to fetch this URL (private address, robots.txt, bad scheme)."""

    code = "fetch_refused"


class FetchFailed(PermanentError):
    """The server answered with a client error or the URL is unusable."""

    code = "fetch_failed"


class ContentTooLarge(PermanentError):
    """The body exceeds the configured maximum size."""

    code = "too_large"


class UnsupportedContent(PermanentError):
    """The content is binary or of a type marsad does not read."""

    code = "unsupported_content"


class DecodeFailed(PermanentError):
    """The bytes could not be decoded as text in any plausible encoding."""

    code = "decode_failed"


class ExtractionEmpty(PermanentError):
    """No main text could be extracted from the document."""

    code = "extraction_empty"


class TooShort(PermanentError):
    """The extracted text is too short to be an article."""

    code = "too_short"


class NotArabic(PermanentError):
    """The text is not in Arabic."""

    code = "not_arabic"


class RobotsDisallowed(FetchRefused):
    """robots.txt of the site disallows marsad's user agent for this URL."""

    code = "fetch_refused"


class FeedMalformed(PermanentError):
    """The feed is not parseable XML (or is unsafe XML) and no items could be recovered."""

    code = "feed_malformed"


class InternalError(PermanentError):
    """An unexpected bug while processing; recorded so the document is not silently lost."""

    code = "internal_error"


def retryable_codes() -> frozenset[str]:
    """Codes of failures worth another try later: every transient error, and bugs."""
    codes = {InternalError.code}
    stack: list[type[MarsadError]] = [TransientError]
    while stack:
        cls = stack.pop()
        codes.add(cls.code)
        stack.extend(cls.__subclasses__())
    return frozenset(codes)
