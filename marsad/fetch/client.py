"""One guarded, polite, size-capped HTTP GET with conditional headers.

Redirects are followed by hand so the SSRF guard and the politeness limiter see every
hop. All httpx failures are translated to the marsad error tree in ``fetch`` only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from email.message import Message
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import httpx

from marsad.errors import (
    ContentTooLarge,
    FetchFailed,
    FetchRefused,
    FetchTimeout,
    FetchUnavailable,
    MarsadError,
    UnsupportedContent,
)
from marsad.fetch.backoff import parse_retry_after
from marsad.fetch.guard import Resolver, check_url
from marsad.fetch.options import FetchOptions
from marsad.fetch.transport import make_client
from marsad.fetch.urls import domain_of

if TYPE_CHECKING:
    from marsad.fetch.politeness import DomainLimiter
    from marsad.fetch.robots import RobotsChecker, RobotsPolicy

_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


@dataclass
class FetchResult:
    """What the server sent. ``content`` is raw bytes: decoding belongs to the extractor,
    which gets ``charset`` (the header's hint, possibly wrong or None) to start from."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    content: bytes
    content_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool
    elapsed: float  # seconds on the network over all hops (politeness waits excluded)
    redirects: list[str] = field(default_factory=list)


def split_content_type(value: str | None) -> tuple[str | None, str | None]:
    """``"text/html; charset=Windows-1256"`` -> ``("text/html", "windows-1256")``."""
    if not value:
        return None, None
    msg = Message()
    msg["content-type"] = value
    media = msg.get_content_type().lower() if "/" in value.split(";", 1)[0] else None
    charset = msg.get_param("charset")
    if isinstance(charset, tuple):  # RFC 2231 form
        charset = charset[2]
    cs = str(charset).strip().strip("'\"").lower() if charset else None
    return media, (cs or None)


def _looks_binary(head: bytes) -> bool:
    """Sniff a body that came without a content type: NULs or a known binary magic."""
    magics = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x1f\x8b")
    return head.startswith(magics) or b"\x00" in head[:1024]


def _check_type(media: str | None, options: FetchOptions, url: str) -> None:
    if media is not None and media not in options.allowed_content_types:
        raise UnsupportedContent(f"{url}: content type {media!r} is not read by marsad")


def _read_capped(response: httpx.Response, options: FetchOptions, deadline: float) -> bytes:
    """Stream the (decompressed) body; stop at max_bytes so gzip bombs cost nothing."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > options.max_bytes:
        raise ContentTooLarge(
            f"{response.url}: Content-Length {declared} exceeds {options.max_bytes} bytes"
        )
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():  # yields per network read, so the deadline bites
        total += len(chunk)
        if total > options.max_bytes:
            raise ContentTooLarge(f"{response.url}: body exceeds {options.max_bytes} bytes")
        if time.monotonic() > deadline:
            raise FetchTimeout(f"{response.url}: body not received within the total deadline")
        chunks.append(chunk)
    return b"".join(chunks)


def _status_error(response: httpx.Response, url: str) -> MarsadError:
    status = response.status_code
    if status == 429 or status >= 500:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return FetchUnavailable(f"{url}: HTTP {status}", retry_after=retry_after)
    return FetchFailed(f"{url}: HTTP {status}")


def fetch(
    url: str,
    options: FetchOptions,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    client: httpx.Client | None = None,
    limiter: DomainLimiter | None = None,
    resolver: Resolver | None = None,
    robots: RobotsChecker | None = None,
) -> FetchResult:
    """GET ``url`` under ``options``; raise a :mod:`marsad.errors` error on any failure.

    ``etag``/``last_modified`` from the previous fetch make the request conditional: a
    304 returns ``not_modified=True`` with empty content and the validators carried over.
    ``client`` should be a shared ``make_client(options)`` (which re-checks addresses at
    connect time); any ``httpx.Client`` works, with only the per-hop pre-check;
    ``limiter`` spaces requests per domain; ``resolver`` is for the SSRF guard (tests);
    ``robots`` is the robots.txt checker used when ``options.respect_robots`` (default: a
    process-wide in-memory one).
    """
    owns_client = client is None
    if client is None:
        client = make_client(options, resolver=resolver)
    robots_check: Callable[[str], RobotsPolicy] | None = None
    if options.respect_robots:
        from marsad.fetch.robots import default_checker

        checker = robots or default_checker()

        def robots_check(hop_url: str) -> RobotsPolicy:
            return checker.check(
                hop_url, options, client=client, limiter=limiter, resolver=resolver
            )

    try:
        return _fetch_hops(
            url, options, etag, last_modified, client, limiter, resolver, robots_check
        )
    except MarsadError:
        raise
    except httpx.TimeoutException as exc:
        raise FetchTimeout(f"{url}: timed out ({type(exc).__name__})") from exc
    except httpx.UnsupportedProtocol as exc:
        raise FetchRefused(f"{url}: unsupported protocol ({exc})") from exc
    except httpx.InvalidURL as exc:
        raise FetchFailed(f"{url}: invalid URL ({exc})") from exc
    except httpx.DecodingError as exc:
        raise FetchFailed(f"{url}: undecodable content-encoding ({exc})") from exc
    except httpx.TooManyRedirects as exc:
        raise FetchFailed(f"{url}: too many redirects") from exc
    except httpx.TransportError as exc:
        raise FetchUnavailable(f"{url}: connection failed ({type(exc).__name__}: {exc})") from exc
    except httpx.HTTPError as exc:
        raise FetchUnavailable(f"{url}: HTTP error ({type(exc).__name__}: {exc})") from exc
    finally:
        if owns_client:
            client.close()


class _Budget:
    """Network time left for this fetch. Politeness waits and robots.txt do not count:
    a busy domain queue must not turn into spurious timeouts."""

    def __init__(self, total: float) -> None:
        self.total = total
        self.spent = 0.0
        self._hop_start: float | None = None

    def start_hop(self) -> float:
        """Begin timing a hop; return its absolute monotonic deadline."""
        self._hop_start = time.monotonic()
        return self._hop_start + max(0.0, self.total - self.spent)

    def end_hop(self) -> None:
        if self._hop_start is not None:
            self.spent += time.monotonic() - self._hop_start
            self._hop_start = None


def _fetch_hops(
    url: str,
    options: FetchOptions,
    etag: str | None,
    last_modified: str | None,
    client: httpx.Client,
    limiter: DomainLimiter | None,
    resolver: Resolver | None,
    robots_check: Callable[[str], RobotsPolicy] | None,
) -> FetchResult:
    headers = {
        "User-Agent": options.user_agent,
        "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
        "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.1",
        "Accept-Language": "ar,en;q=0.5",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    budget = _Budget(options.total_deadline)
    redirects: list[str] = []
    current = url
    while True:
        check_url(current, allow_private_hosts=options.allow_private_hosts, resolver=resolver)
        crawl_delay = None
        if robots_check is not None:
            policy = robots_check(current)
            crawl_delay = policy.crawl_delay(options.user_agent)
        gate = (
            limiter.acquire(domain_of(current), crawl_delay)
            if limiter is not None
            else nullcontext()
        )
        with gate:
            deadline = budget.start_hop()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchTimeout(f"{url}: total deadline of {options.total_deadline}s exceeded")
            timeout = httpx.Timeout(
                connect=min(options.connect_timeout, remaining),
                read=min(options.read_timeout, remaining),
                write=min(options.read_timeout, remaining),
                pool=min(options.connect_timeout, remaining),
            )
            request = client.build_request("GET", current, headers=headers, timeout=timeout)
            response = client.send(request, stream=True, follow_redirects=False)
            try:
                status = response.status_code
                if status in _REDIRECT_CODES:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchFailed(f"{current}: HTTP {status} without Location")
                    if len(redirects) >= options.max_redirects:
                        raise FetchFailed(f"{url}: more than {options.max_redirects} redirects")
                    redirects.append(current)
                    current = urljoin(current, location.strip())
                    continue
                result = _finish(
                    url, current, response, options, etag, last_modified, redirects, deadline
                )
                budget.end_hop()
                result.elapsed = budget.spent
                return result
            finally:
                response.close()
                budget.end_hop()


def _finish(
    url: str,
    final_url: str,
    response: httpx.Response,
    options: FetchOptions,
    etag: str | None,
    last_modified: str | None,
    redirects: list[str],
    deadline: float,
) -> FetchResult:
    status = response.status_code
    hdrs = {k.lower(): v for k, v in response.headers.items()}
    new_etag = response.headers.get("etag") or None
    new_lm = response.headers.get("last-modified") or None
    media, charset = split_content_type(response.headers.get("content-type"))
    if status == 304:
        return FetchResult(
            url=url,
            final_url=final_url,
            status=status,
            headers=hdrs,
            content=b"",
            content_type=media,
            charset=charset,
            etag=new_etag or etag,
            last_modified=new_lm or last_modified,
            not_modified=True,
            elapsed=0.0,
            redirects=redirects,
        )
    if not 200 <= status < 300:
        raise _status_error(response, url)
    _check_type(media, options, final_url)
    body = _read_capped(response, options, deadline)
    if media is None and _looks_binary(body[:1024]):
        raise UnsupportedContent(f"{final_url}: untyped binary body")
    return FetchResult(
        url=url,
        final_url=final_url,
        status=status,
        headers=hdrs,
        content=body,
        content_type=media,
        charset=charset,
        etag=new_etag,
        last_modified=new_lm,
        not_modified=False,
        elapsed=0.0,
        redirects=redirects,
    )
