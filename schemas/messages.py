"""Message contracts: what any producer, in any language, may push through the broker.

The receive task takes one JSON object of this shape (kwargs ``payload=...``)::

    {"url": "https://example.com/news/1", "html": "<html>...</html>",
     "source": "الشروق نيوز", "published_at": "2024-03-08", "feed": null}

Exactly one of ``html``/``text`` carries the content; with neither, ``url`` is fetched by
the ingest queue. Everything else is optional.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from marsad.errors import InvalidPayload

MAX_CONTENT_CHARS = 5_000_000


class ArticlePayload(BaseModel):
    """An article pushed for ingestion."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: str | None = Field(default=None, max_length=2000)
    html: str | None = Field(default=None, max_length=MAX_CONTENT_CHARS)
    text: str | None = Field(default=None, max_length=MAX_CONTENT_CHARS)
    source: str | None = Field(default=None, max_length=200, description="outlet name")
    published_at: dt.date | None = None
    feed: str | None = Field(default=None, max_length=2000)
    title: str | None = Field(default=None, max_length=2000, description="e.g. from a feed item")

    @field_validator("url", "feed")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is not None and not v.lower().startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return v

    @field_validator("published_at", mode="before")
    @classmethod
    def _date_only(cls, v: Any) -> Any:
        if isinstance(v, str) and "T" in v:
            return v.split("T", 1)[0]
        if isinstance(v, dt.datetime):
            return v.date()
        return v

    @model_validator(mode="after")
    def _has_content(self) -> ArticlePayload:
        if self.html is not None and self.text is not None:
            raise ValueError("give either html or text, not both")
        if self.html is None and self.text is None and self.url is None:
            raise ValueError("nothing to ingest: give url, html or text")
        return self

    @property
    def kind(self) -> str:
        return "html" if self.html is not None else "text" if self.text is not None else "url"


def parse_payload(data: Any) -> ArticlePayload:
    """Validate a raw message; a bad one becomes ``InvalidPayload`` with a readable reason."""
    if not isinstance(data, dict):
        raise InvalidPayload(f"payload must be a JSON object, got {type(data).__name__}")
    try:
        return ArticlePayload.model_validate(data)
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'payload'}: {e['msg']}" for e in exc.errors()
        )
        raise InvalidPayload(f"invalid payload: {reasons}") from None
