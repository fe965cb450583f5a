"""fetch() against a real threaded HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import local_http
import pytest

from marsad.errors import (
    ContentTooLarge,
    FetchFailed,
    FetchRefused,
    FetchTimeout,
    FetchUnavailable,
    UnsupportedContent,
)
from marsad.fetch.client import fetch
from marsad.fetch.options import FetchOptions
from marsad.fetch.transport import make_client

Reply = local_http.Reply

LOCAL = FetchOptions(allow_private_hosts=True, respect_robots=False)
ARTICLE = (
    "<html><head><title>خبر</title></head>"
    "<body><p>قال وزير الخارجية إن المفاوضات مستمرة</p></body></html>"
)


@pytest.fixture
def server():
    with local_http.LocalHTTPServer() as srv:
        yield srv


def test_plain_fetch_exposes_bytes_type_charset_and_validators(server):
    server.route(
        "/a",
        Reply(
            headers={
                "Content-Type": "text/html; charset=UTF-8",
                "ETag": '"v1"',
                "Last-Modified": "Sat, 21 Nov 2026 10:00:00 GMT",
            },
            body=ARTICLE.encode("utf-8"),
        ),
    )
    result = fetch(server.url("/a"), LOCAL)
    assert result.status == 200
    assert result.content == ARTICLE.encode("utf-8")
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert result.etag == '"v1"'
    assert result.last_modified == "Sat, 21 Nov 2026 10:00:00 GMT"
    assert result.not_modified is False
    assert result.final_url == result.url == server.url("/a")
    assert result.redirects == []
    assert result.headers["etag"] == '"v1"'
    assert result.elapsed >= 0
    sent = server.requests_to("/a")[0].headers
    assert sent["user-agent"].startswith("marsad/0.1")
    assert "if-none-match" not in sent


def _conditional(record):
    if record.headers.get("if-none-match") == '"v2"':
        return Reply(304, headers={"ETag": '"v2"'})
    if record.headers.get("if-modified-since") == "Sat, 21 Nov 2026 10:00:00 GMT":
        return Reply(304)
    return Reply(
        headers={"Content-Type": "text/html", "ETag": '"v2"'}, body=ARTICLE.encode("utf-8")
    )


def test_etag_and_last_modified_give_304_not_modified(server):
    server.route("/c", _conditional)
    first = fetch(server.url("/c"), LOCAL)
    assert first.not_modified is False and first.etag == '"v2"'

    again = fetch(server.url("/c"), LOCAL, etag=first.etag)
    assert again.status == 304
    assert again.not_modified is True
    assert again.content == b""
    assert again.etag == '"v2"'

    by_date = fetch(server.url("/c"), LOCAL, last_modified="Sat, 21 Nov 2026 10:00:00 GMT")
    assert by_date.not_modified is True
    # validators we sent are carried over when the 304 does not repeat them
    assert by_date.last_modified == "Sat, 21 Nov 2026 10:00:00 GMT"
    assert server.requests_to("/c")[2].headers["if-modified-since"].startswith("Sat, 21 Nov")


def test_429_with_retry_after_seconds(server):
    server.route("/busy", Reply(429, headers={"Retry-After": "120"}))
    with pytest.raises(FetchUnavailable) as info:
        fetch(server.url("/busy"), LOCAL)
    assert info.value.retry_after == 120.0
    assert info.value.code == "fetch_unavailable"
    assert info.value.retryable is True


def test_503_with_retry_after_http_date(server):
    when = datetime.now(UTC) + timedelta(seconds=90)
    server.route("/down", Reply(503, headers={"Retry-After": format_datetime(when, usegmt=True)}))
    with pytest.raises(FetchUnavailable) as info:
        fetch(server.url("/down"), LOCAL)
    assert 80.0 <= info.value.retry_after <= 91.0


def test_5xx_without_retry_after_and_4xx_are_classified(server):
    server.route("/err", Reply(500))
    server.route("/gone", Reply(410))
    with pytest.raises(FetchUnavailable) as info:
        fetch(server.url("/err"), LOCAL)
    assert info.value.retry_after is None
    with pytest.raises(FetchFailed) as failed:
        fetch(server.url("/gone"), LOCAL)
    assert failed.value.code == "fetch_failed" and failed.value.retryable is False
    with pytest.raises(FetchFailed):
        fetch(server.url("/missing"), LOCAL)


def test_slow_headers_time_out(server):
    server.route("/slow", Reply(delay=2.0, headers={"Content-Type": "text/html"}, body=b"x"))
    opts = FetchOptions(allow_private_hosts=True, respect_robots=False, read_timeout=0.3)
    with pytest.raises(FetchTimeout) as info:
        fetch(server.url("/slow"), opts)
    assert info.value.code == "fetch_timeout"


def test_dripping_body_hits_total_deadline(server):
    body = ("خبر " * 4000).encode("utf-8")  # ~32 KiB, one KiB every 0.1 s
    server.route("/drip", Reply(headers={"Content-Type": "text/html"}, body=body, chunk_delay=0.1))
    opts = FetchOptions(
        allow_private_hosts=True, respect_robots=False, read_timeout=2.0, total_deadline=0.6
    )
    with pytest.raises(FetchTimeout):
        fetch(server.url("/drip"), opts)


def test_redirect_chain_is_followed_and_recorded(server):
    server.route("/r1", Reply(301, headers={"Location": "/r2"}))
    server.route("/r2", Reply(302, headers={"Location": server.url("/final")}))
    server.route("/final", Reply(headers={"Content-Type": "text/html"}, body=b"<p>ok</p>"))
    result = fetch(server.url("/r1"), LOCAL)
    assert result.final_url == server.url("/final")
    assert result.redirects == [server.url("/r1"), server.url("/r2")]
    assert result.content == b"<p>ok</p>"


def test_too_many_redirects_is_fetch_failed(server):
    server.route("/loop", Reply(302, headers={"Location": "/loop"}))
    opts = FetchOptions(allow_private_hosts=True, respect_robots=False, max_redirects=3)
    with pytest.raises(FetchFailed, match="redirects"):
        fetch(server.url("/loop"), opts)
    assert len(server.requests_to("/loop")) == 4  # the first request + 3 allowed redirects


def test_private_address_refused_by_default(server):
    server.route("/a", Reply(headers={"Content-Type": "text/html"}, body=b"x"))
    with pytest.raises(FetchRefused, match="loopback"):
        fetch(server.url("/a"), FetchOptions(respect_robots=False))
    assert server.requests_to("/a") == []  # refused before any byte left


class _OutletTransport(httpx.BaseTransport):
    """Routes the pretend public host ``outlet.test`` to the local server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "outlet.test":
            request.url = request.url.copy_with(host="127.0.0.1", port=self.port)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_redirect_hop_to_private_address_is_refused_unless_allowed(server):
    server.route("/story", Reply(302, headers={"Location": server.url("/internal")}))
    server.route("/internal", Reply(headers={"Content-Type": "text/html"}, body=b"secret"))

    def public_dns(host: str) -> list[str]:
        assert host == "outlet.test", host
        return ["93.184.216.34"]

    with httpx.Client(transport=_OutletTransport(server.port)) as client:
        with pytest.raises(FetchRefused, match=r"127\.0\.0\.1.*loopback"):
            fetch(
                "http://outlet.test/story",
                FetchOptions(respect_robots=False),
                client=client,
                resolver=public_dns,
            )
        assert len(server.requests_to("/story")) == 1
        assert server.requests_to("/internal") == []  # the hop was checked before connecting

        allowed = fetch("http://outlet.test/story", LOCAL, client=client)
    assert allowed.content == b"secret"
    assert allowed.redirects == ["http://outlet.test/story"]


def test_redirect_to_metadata_address_refused_with_mock_transport():
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as client,
        pytest.raises(FetchRefused, match="metadata"),
    ):
        fetch(
            "https://news.example/a",
            FetchOptions(respect_robots=False),
            client=client,
            resolver=lambda host: ["93.184.216.34"],
        )
    assert seen == ["https://news.example/a"]


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://a/"])
def test_non_http_schemes_refused(url):
    with pytest.raises(FetchRefused, match="scheme"):
        fetch(url, FetchOptions(respect_robots=False))


CP1256_PAGE = "<html><body><p>أعلنت الحكومة اليوم عن خطة جديدة لدعم المزارعين</p></body></html>"


@pytest.mark.parametrize(
    ("content_type", "expected_charset"),
    [
        ("text/html", None),
        ("text/html; charset=utf-8", "utf-8"),
        ("text/html; charset=Windows-1256", "windows-1256"),
    ],
)
def test_windows_1256_page_returns_raw_bytes_and_header_hint(
    server, content_type, expected_charset
):
    raw = CP1256_PAGE.encode("cp1256")
    server.route("/w", Reply(headers={"Content-Type": content_type}, body=raw))
    result = fetch(server.url("/w"), LOCAL)
    assert result.content == raw  # untouched: the extractor decodes
    assert result.charset == expected_charset
    assert result.content_type == "text/html"


def test_declared_oversized_body_refused(server):
    server.route("/big", Reply(headers={"Content-Type": "text/html"}, body=b"a" * 5000))
    opts = FetchOptions(allow_private_hosts=True, respect_robots=False, max_bytes=4096)
    with pytest.raises(ContentTooLarge) as info:
        fetch(server.url("/big"), opts)
    assert info.value.code == "too_large"


def test_undeclared_oversized_body_refused_while_streaming(server):
    server.route(
        "/big", Reply(headers={"Content-Type": "text/html"}, body=b"a" * 300_000, send_length=False)
    )
    opts = FetchOptions(allow_private_hosts=True, respect_robots=False, max_bytes=100_000)
    with pytest.raises(ContentTooLarge):
        fetch(server.url("/big"), opts)


def test_gzip_bomb_is_capped_on_decompressed_size(server):
    bomb = gzip.compress(b"\x20" * 8_000_000)  # ~8 KB on the wire, 8 MB inflated
    server.route(
        "/gz",
        Reply(headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}, body=bomb),
    )
    opts = FetchOptions(allow_private_hosts=True, respect_robots=False, max_bytes=1_000_000)
    with pytest.raises(ContentTooLarge):
        fetch(server.url("/gz"), opts)


def test_gzip_body_is_decompressed(server):
    server.route(
        "/gz",
        Reply(
            headers={"Content-Type": "text/html", "Content-Encoding": "gzip"},
            body=gzip.compress(ARTICLE.encode("utf-8")),
        ),
    )
    assert fetch(server.url("/gz"), LOCAL).content == ARTICLE.encode("utf-8")


@pytest.mark.parametrize("ctype", ["image/jpeg", "application/pdf", "application/octet-stream"])
def test_binary_content_types_unsupported(server, ctype):
    server.route("/bin", Reply(headers={"Content-Type": ctype}, body=b"\x00\x01binary"))
    with pytest.raises(UnsupportedContent) as info:
        fetch(server.url("/bin"), LOCAL)
    assert info.value.code == "unsupported_content"


def test_untyped_binary_body_unsupported(server):
    server.route("/x", Reply(body=b"%PDF-1.7\n\x00\x00binary"))
    with pytest.raises(UnsupportedContent):
        fetch(server.url("/x"), LOCAL)


def test_connection_refused_is_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchUnavailable, match="connection failed"):
        fetch(f"http://127.0.0.1:{port}/", LOCAL)


def test_feed_content_type_accepted(server):
    server.route(
        "/feed",
        Reply(headers={"Content-Type": "application/rss+xml; charset=utf-8"}, body=b"<rss/>"),
    )
    result = fetch(server.url("/feed"), LOCAL)
    assert result.content_type == "application/rss+xml"


def test_dns_rebinding_between_check_and_connect_is_refused(server):
    """First answer public (passes the pre-check), second answer loopback (at connect)."""
    server.route("/a", Reply(headers={"Content-Type": "text/html"}, body=b"internal"))
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])

    def rebinding_dns(host: str) -> list[str]:
        return next(answers)

    with pytest.raises(FetchRefused, match="loopback"):
        fetch(
            f"http://rebind.test:{server.port}/a",
            FetchOptions(respect_robots=False),
            resolver=rebinding_dns,
        )
    assert server.requests_to("/a") == []


def test_guarded_client_connects_through_injected_resolver(server):
    server.route("/a", Reply(headers={"Content-Type": "text/html"}, body=b"hello"))
    opts = FetchOptions(allow_private_hosts=True, respect_robots=False)
    with make_client(opts, resolver=lambda host: ["127.0.0.1"]) as client:
        first = fetch(f"http://akhbar.test:{server.port}/a", opts, client=client)
        second = fetch(f"http://akhbar.test:{server.port}/a", opts, client=client)
    assert first.content == second.content == b"hello"
    assert server.requests_to("/a")[0].headers["host"] == f"akhbar.test:{server.port}"
