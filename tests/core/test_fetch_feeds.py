"""parse_feed: safe on hostile XML, lenient on sloppy XML, exact on real feeds."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import local_http
import pytest

from marsad.errors import FeedMalformed
from marsad.fetch.client import fetch
from marsad.fetch.feeds import parse_feed
from marsad.fetch.options import FetchOptions
from marsad.fetch.urls import canonicalize_url


def _shared_data() -> Path:
    env = os.environ.get("MARSAD_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


HESPRESS = _shared_data() / "feeds" / "hespress-sample.xml"


@pytest.fixture
def hespress_bytes() -> bytes:
    if not HESPRESS.exists():
        pytest.skip(f"shared data not found at {HESPRESS}")
    return HESPRESS.read_bytes()


def test_hespress_sample_parses_with_arabic_titles_and_canonical_urls(hespress_bytes):
    feed = parse_feed(hespress_bytes, "https://swelbyboy.github.io/prospect-rss-feeds/hespress.xml")
    assert feed.title == "Hespress - Article Feed"
    assert len(feed.items) == 10
    assert feed.warnings == []
    first = feed.items[0]
    assert first.title == '"بيت مال القدس" تطلق حملة رمضان'
    assert first.url.startswith("https://www.hespress.com/%D8%A8%D9%8A%D8%AA-")
    assert first.url.endswith("-1701642.html")
    assert first.url == canonicalize_url(first.url)
    assert first.published == datetime(2026, 2, 15, 2, 19, tzinfo=UTC)
    assert first.summary.startswith("أطلقت وكالة بيت مال القدس")
    assert first.guid and first.guid.endswith("1701642.html")
    assert all(item.url.startswith("https://www.hespress.com/") for item in feed.items)
    assert len({item.url for item in feed.items}) == 10


def test_item_cap(hespress_bytes):
    feed = parse_feed(hespress_bytes, "https://example.org/feed", max_items=3)
    assert len(feed.items) == 3
    assert any("capped at 3" in w for w in feed.warnings)


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">
  <title>وكالة الأنباء المحلية</title>
  <id>urn:uuid:4f1c0e2a-0000-4000-8000-000000000001</id>
  <updated>2026-11-20T08:00:00+03:00</updated>
  <entry>
    <title>ارتفاع أسعار الخبز في الأسواق الشعبية</title>
    <link rel="alternate" href="/economy/2026/11/bread-prices?utm_source=rss"/>
    <id>tag:akhbar.example,2026:1001</id>
    <updated>2026-11-20T08:00:00+03:00</updated>
    <summary type="html">&lt;p&gt;قال تجار إن &lt;b&gt;الأسعار&lt;/b&gt;
      ارتفعت بنسبة 12 بالمئة&lt;/p&gt;</summary>
  </entry>
  <entry>
    <title>بلا رابط</title>
    <id>tag:akhbar.example,2026:1002</id>
  </entry>
</feed>
"""


def test_atom_relative_links_resolved_and_summary_is_text():
    feed = parse_feed(ATOM.encode("utf-8"), "https://akhbar.example/feeds/atom.xml")
    assert feed.title == "وكالة الأنباء المحلية"
    assert [i.url for i in feed.items] == ["https://akhbar.example/economy/2026/11/bread-prices"]
    item = feed.items[0]
    assert item.summary == "قال تجار إن الأسعار ارتفعت بنسبة 12 بالمئة"
    assert item.published == datetime(2026, 11, 20, 5, 0, tzinfo=UTC)
    assert item.guid == "tag:akhbar.example,2026:1001"
    assert any("without a usable link" in w for w in feed.warnings)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>x</title><link>https://a.example/1</link></item></channel></rss>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><title>&secret;</title>
<item><title>x</title><link>https://a.example/1</link></item></channel></rss>
"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entity_declarations_refused(payload):
    with pytest.raises(FeedMalformed, match="refused") as info:
        parse_feed(payload, "https://a.example/feed")
    assert info.value.code == "feed_malformed"


def test_billion_laughs_in_utf16_refused():
    text = BILLION_LAUGHS.decode("ascii").replace('<?xml version="1.0"?>', "")
    with pytest.raises(FeedMalformed, match="refused"):
        parse_feed(text.encode("utf-16"), "https://a.example/feed")


def test_entity_after_broken_markup_still_refused():
    payload = b"<rss><channel><title>broken</titl>\n<!ENTITY x 'y'>" + b"<item></item></channel>"
    with pytest.raises(FeedMalformed, match="refused"):
        parse_feed(payload, "https://a.example/feed")


def test_malformed_xml_without_items_is_feed_malformed():
    with pytest.raises(FeedMalformed, match="no items recovered"):
        parse_feed(b"<rss><channel><title>\xd8\xae\xd8\xa8\xd8\xb1</channe", "https://a.example/f")
    with pytest.raises(FeedMalformed):
        parse_feed(b"<html><body>not a feed</body></html>", "https://a.example/f")
    with pytest.raises(FeedMalformed, match="empty"):
        parse_feed(b"   ", "https://a.example/f")


def test_malformed_xml_with_recoverable_items_is_kept_with_warning():
    sloppy = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>موقع</title>'
        "<item><title>انطلاق موسم الحصاد & بدء التسويق</title>"
        "<link>https://a.example/news/1</link></item>"
        "<item><title>خبر ثان</title><link>https://a.example/news/2</link></item>"
        "</channel>"
    ).encode()
    feed = parse_feed(sloppy, "https://a.example/feed")
    assert [i.url for i in feed.items] == ["https://a.example/news/1", "https://a.example/news/2"]
    assert feed.warnings and "malformed XML" in feed.warnings[0]


def test_fetch_then_parse_from_local_server_ignores_wrong_headers(hespress_bytes):
    with local_http.LocalHTTPServer() as srv:
        srv.route(
            "/feed.xml",
            local_http.Reply(headers={"Content-Type": "text/xml"}, body=hespress_bytes),
        )
        srv.route(
            "/bomb.xml",
            local_http.Reply(headers={"Content-Type": "application/rss+xml"}, body=BILLION_LAUGHS),
        )
        opts = FetchOptions(allow_private_hosts=True, respect_robots=False)
        result = fetch(srv.url("/feed.xml"), opts)
        feed = parse_feed(result.content, result.final_url, opts.max_items_per_feed)
        assert len(feed.items) == 10
        bomb = fetch(srv.url("/bomb.xml"), opts)
        with pytest.raises(FeedMalformed):
            parse_feed(bomb.content, bomb.final_url)


def test_rss091_doctype_windows_1256_with_html_entity():
    """Old outlets' RSS 0.91: public DOCTYPE (no subset), cp1256 bytes, an HTML entity."""
    feed_bytes = (
        b'<?xml version="1.0" encoding="windows-1256"?>\n'
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
        b'<rss version="0.91"><channel><title>'
        + "أخبار المدينة".encode("cp1256")
        + b"</title><link>https://akhbar.example/</link><item><title>"
        + "افتتاح جسر جديد&nbsp;على النهر".encode("cp1256")
        + b"</title><link>/local/2026/bridge</link></item></channel></rss>"
    )
    feed = parse_feed(feed_bytes, "https://akhbar.example/rss.xml")
    assert feed.title == "أخبار المدينة"
    assert [i.title for i in feed.items] == ["افتتاح جسر جديد على النهر"]
    assert feed.items[0].url == "https://akhbar.example/local/2026/bridge"
    assert any("nbsp" in w for w in feed.warnings)
