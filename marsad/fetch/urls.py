"""URL identity: one article must get one key however an outlet or a feed spells its URL.

Arabic outlets publish percent-encoded Arabic slugs in both lower- and upper-case hex
(and sometimes raw Arabic); RFC 3986 normalization makes all three spellings equal.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SUB_DELIMS = "!$&'()*+,;="
_PATH_SAFE = frozenset(_SUB_DELIMS + ":@/")
_QUERY_PART_SAFE = frozenset("!$'()*+,;:@/?")  # '&' and '=' are separators here
_HEX = frozenset("0123456789abcdefABCDEF")
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Click trackers and mailing-list ids: they change per share, never the article.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "igshid",
        "igsh",
        "si",
        "ocid",
        "cmpid",
        "__twitter_impression",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "spm",
        "vero_id",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")


def _normalize_escapes(text: str, safe: frozenset[str]) -> str:
    """Uppercase escapes, decode escaped unreserved ASCII, encode anything unsafe as UTF-8."""
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "%" and i + 2 < n and text[i + 1] in _HEX and text[i + 2] in _HEX:
            byte = int(text[i + 1 : i + 3], 16)
            decoded = chr(byte)
            out.append(decoded if decoded in _UNRESERVED else f"%{byte:02X}")
            i += 3
            continue
        if ch in _UNRESERVED or ch in safe:
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4, so ``/a/./b/../c`` and ``/a/c`` are the same article."""
    if "." not in path:
        return path
    segments = path.split("/")
    out: list[str] = []
    for seg in segments:
        if seg == ".":
            continue
        if seg == "..":
            if len(out) > 1:
                out.pop()
            continue
        out.append(seg)
    if segments[-1] in (".", ".."):
        out.append("")
    result = "/".join(out)
    return result if result.startswith("/") else "/" + result


def _normalize_host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    if not host or host.startswith("["):
        return host
    try:
        host.encode("ascii")
    except UnicodeEncodeError:
        host = host.encode("idna").decode("ascii")
    return host


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in TRACKING_PARAMS or k.startswith(TRACKING_PREFIXES)


def canonicalize_url(url: str) -> str:
    """Return the stable key of ``url``.

    Lowercases scheme and host (IDNA for Arabic domains), drops default ports,
    credentials, fragments and tracking parameters, sorts the remaining query, and
    normalizes percent-encoding (uppercase hex, UTF-8 for raw non-ASCII). Raises
    ``ValueError`` for a URL without scheme or host.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if not scheme or not parts.hostname:
        raise ValueError(f"not an absolute URL: {url!r}")
    host = _normalize_host(parts.hostname)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    path = _remove_dot_segments(_normalize_escapes(parts.path or "/", _PATH_SAFE))
    if not path.startswith("/"):
        path = "/" + path
    params: list[str] = []
    for piece in parts.query.split("&"):
        if not piece:
            continue
        key, sep, value = piece.partition("=")
        if _is_tracking(_percent_decode_ascii(key)):
            continue
        key = _normalize_escapes(key, _QUERY_PART_SAFE)
        value = _normalize_escapes(value, _QUERY_PART_SAFE)
        params.append(f"{key}{sep}{value}")
    params.sort()
    return urlunsplit((scheme, netloc, path, "&".join(params), ""))


def _percent_decode_ascii(text: str) -> str:
    return unquote(text.replace("+", " "))


def domain_of(url: str) -> str:
    """The politeness key: lowercase host (IDNA), without port and a leading ``www.``.

    ``www.example.com`` and ``example.com`` are almost always one server, so they
    share one rate limit.
    """
    host = urlsplit(url.strip()).hostname
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    host = _normalize_host(host)
    return host[4:] if host.startswith("www.") and host.count(".") >= 2 else host


class _CanonicalFinder(HTMLParser):
    """Collects <link rel=canonical> and og:url; stops caring after the first of each."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.canonical: str | None = None
        self.og_url: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "link" and self.canonical is None:
            rels = a.get("rel", "").lower().split()
            if "canonical" in rels and a.get("href", "").strip():
                self.canonical = a["href"].strip()
        elif tag == "meta" and self.og_url is None:
            prop = (a.get("property") or a.get("name") or "").lower()
            if prop == "og:url" and a.get("content", "").strip():
                self.og_url = a["content"].strip()


_HTML_SCAN_LIMIT = 512 * 1024


def canonical_from_html(html: str | bytes, base_url: str) -> str | None:
    """The page's declared canonical URL (``rel=canonical``, else ``og:url``), canonicalized.

    Relative hrefs resolve against ``base_url``. Returns None when the page declares
    nothing usable (absent, or not http(s)): that is a normal outcome, not a failure.
    """
    if isinstance(html, bytes):
        html = html[:_HTML_SCAN_LIMIT].decode("utf-8", errors="replace")
    finder = _CanonicalFinder()
    finder.feed(html[:_HTML_SCAN_LIMIT])
    finder.close()
    for candidate in (finder.canonical, finder.og_url):
        if not candidate:
            continue
        absolute = urljoin(base_url, candidate)
        if urlsplit(absolute).scheme.lower() not in ("http", "https"):
            continue
        try:
            return canonicalize_url(absolute)
        except ValueError:
            continue
    return None
