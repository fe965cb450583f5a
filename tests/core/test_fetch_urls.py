"""URL identity: spellings of one article URL collapse to one key."""

from __future__ import annotations

import pytest

from marsad.fetch.urls import canonical_from_html, canonicalize_url, domain_of

SLUG_LOWER = "https://www.hespress.com/%d8%b3%d9%8a%d8%a7%d8%b3%d8%a9-1701642.html"
SLUG_UPPER = "https://www.hespress.com/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9-1701642.html"
SLUG_RAW = "https://www.hespress.com/سياسة-1701642.html"


def test_arabic_slug_spellings_are_one_key():
    assert canonicalize_url(SLUG_LOWER) == SLUG_UPPER
    assert canonicalize_url(SLUG_RAW) == SLUG_UPPER
    assert canonicalize_url(SLUG_UPPER) == SLUG_UPPER


def test_canonical_is_idempotent():
    urls = [SLUG_RAW, "HTTP://Example.COM:80/a/../b/./c?z=1&a=2#x", "https://x.com/?q=%d8%a8+c"]
    for url in urls:
        once = canonicalize_url(url)
        assert canonicalize_url(once) == once


def test_scheme_host_port_fragment_and_dots():
    assert canonicalize_url("HTTP://Example.COM:80/a/../b/./c#top") == "http://example.com/b/c"
    assert canonicalize_url("https://example.com:443") == "https://example.com/"
    assert canonicalize_url("https://example.com:8443/x") == "https://example.com:8443/x"
    assert canonicalize_url("https://user:pw@example.com/x") == "https://example.com/x"


def test_tracking_params_dropped_and_rest_sorted():
    url = (
        "https://www.aljazeera.net/news/2026/11/21/story?utm_source=twitter&utm_medium=social"
        "&page=2&fbclid=IwAR0&gclid=abc&mc_cid=1&mc_eid=2&id=7"
    )
    assert canonicalize_url(url) == "https://www.aljazeera.net/news/2026/11/21/story?id=7&page=2"
    assert canonicalize_url("https://a.com/x?utm_campaign=z") == "https://a.com/x"


def test_query_values_keep_meaning():
    # '+' and encoded '&' inside a value must survive: they are part of a search term
    assert canonicalize_url("https://a.com/s?q=a%26b+c") == "https://a.com/s?q=a%26b+c"
    assert canonicalize_url("https://a.com/s?q=غزة") == "https://a.com/s?q=%D8%BA%D8%B2%D8%A9"


def test_idn_host_and_domain_of():
    assert canonicalize_url("https://مثال.إختبار/x").startswith("https://xn--")
    assert domain_of("https://WWW.Hespress.com:8443/x") == "hespress.com"
    assert domain_of("https://ar.example.com/x") == "ar.example.com"
    assert domain_of("http://127.0.0.1:8000/") == "127.0.0.1"


def test_relative_url_rejected():
    with pytest.raises(ValueError):
        canonicalize_url("/news/1")


def test_canonical_from_html_prefers_link_then_og_url():
    html = (
        '<html><head><meta property="og:url" content="https://x.com/og">'
        '<link rel="alternate canonical" href="/news/1?utm_medium=rss"></head><body></body></html>'
    )
    assert canonical_from_html(html, "https://x.com/news/1?amp=1") == "https://x.com/news/1"
    og_only = '<head><meta property="og:url" content="https://x.com/og-%d8%a8"></head>'
    assert canonical_from_html(og_only, "https://x.com/") == "https://x.com/og-%D8%A8"
    assert canonical_from_html(og_only.encode("utf-8"), "https://x.com/") is not None


def test_canonical_from_html_none_when_absent_or_not_http():
    assert canonical_from_html("<html><head></head></html>", "https://x.com/") is None
    bad = '<link rel="canonical" href="javascript:alert(1)">'
    assert canonical_from_html(bad, "https://x.com/") is None
