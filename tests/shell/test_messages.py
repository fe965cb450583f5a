"""The broker payload contract: valid payloads parse, invalid ones get a readable reason."""

from __future__ import annotations

import datetime as dt

import pytest

from marsad.errors import InvalidPayload
from schemas.messages import parse_payload


def test_html_payload_parses_with_date_from_datetime_string() -> None:
    p = parse_payload(
        {
            "url": "https://example.com/a",
            "html": "<p>x</p>",
            "source": "الشروق",
            "published_at": "2024-03-08T10:00:00Z",
        }
    )
    assert p.kind == "html"
    assert p.published_at == dt.date(2024, 3, 8)


def test_url_only_payload_means_fetch() -> None:
    assert parse_payload({"url": "https://example.com/a"}).kind == "url"


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({}, "nothing to ingest"),
        ({"html": "<p>x</p>", "text": "x"}, "either html or text"),
        ({"url": "ftp://example.com/x"}, "url"),
        ({"text": "x", "unknown": 1}, "unknown"),
        ({"text": "x", "published_at": "yesterday"}, "published_at"),
        ("just a string", "JSON object"),
        (None, "JSON object"),
    ],
)
def test_invalid_payloads_are_rejected_with_reason(payload: object, fragment: str) -> None:
    with pytest.raises(InvalidPayload) as info:
        parse_payload(payload)
    assert fragment in str(info.value)
    assert info.value.code == "invalid_payload"
