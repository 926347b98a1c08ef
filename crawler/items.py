"""The crawled item, defined once for every spider.

A spider records what the page says (title, dates, metadata, which region holds the article) and the raw bytes it
received; it never turns bytes into text. The item pipelines in ``pipeline/crawl.py`` do that, through
``pipeline.convert``, so HTML boilerplate, PDF, DOCX and legacy Vietnamese encodings are handled in one place.

Bytes fields are exported as base64 strings (``scrapy crawl NAME -O items.jsonl`` works); ``decode_bytes`` reads
them back.
"""

from __future__ import annotations

import base64
from typing import Any

import scrapy


def _b64(value: bytes | None) -> str | None:
    return None if value is None else base64.b64encode(value).decode("ascii")


def decode_bytes(value: str | bytes | None) -> bytes | None:
    """The bytes of a field read back from a feed export (base64), or the bytes themselves."""
    if value is None or isinstance(value, bytes):
        return value
    return base64.b64decode(value)


def _attachments(value: list | None) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    return [{**dict(a), "content": _b64(a.get("content"))} for a in value]


class Attachment(scrapy.Item):
    """A file linked from a document page (PDF, DOC, DOCX), downloaded with it."""

    url = scrapy.Field()
    filename = scrapy.Field()  # as the server or the link names it
    content_type = scrapy.Field()  # the Content-Type header received
    content = scrapy.Field(serializer=_b64)  # raw bytes; None when the download failed
    error = scrapy.Field()  # why the download failed, when it did


class CrawledItem(scrapy.Item):
    """One article or official document as fetched, before any conversion."""

    url = scrapy.Field()  # the URL fetched
    canonical_url = scrapy.Field()  # what the page declares (<link rel=canonical>, og:url), else the URL
    source = scrapy.Field()  # the source's name in sources.yml
    kind = scrapy.Field()  # "article" (press) or "document" (official document page)
    title = scrapy.Field()  # as the page shows it (may be mojibake on a legacy-encoded page)
    published = scrapy.Field()  # ISO 8601 date or date-time: publication, or signing date for a document
    author = scrapy.Field()
    summary = scrapy.Field()  # the lead (sapo) of an article, the trích yếu of a document
    tags = scrapy.Field()  # list of str
    html = scrapy.Field(serializer=_b64)  # the page's raw bytes as served
    content_type = scrapy.Field()  # the page's Content-Type header (with its charset when sent)
    encoding = scrapy.Field()  # the encoding Scrapy decoded the page with (header, <meta> or detection)
    body_html = scrapy.Field(serializer=_b64)  # the article region alone, a whole HTML document in `encoding`
    attachments = scrapy.Field(serializer=_attachments)  # list of Attachment
    # Official-document metadata (the table on a legal-document portal's page).
    number = scrapy.Field()  # số hiệu, e.g. "62/QĐ-TCTCCTTHC"
    doc_type = scrapy.Field()  # loại văn bản, e.g. "Quyết định"
    issuer = scrapy.Field()  # cơ quan ban hành
    signer = scrapy.Field()  # người ký
    effective = scrapy.Field()  # ngày hiệu lực, ISO date
    # Filled by the item pipelines (pipeline/crawl.py), not by spiders.
    text = scrapy.Field()  # the converted text
    text_from = scrapy.Field()  # what the text was converted from: "body", "page" or an attachment's filename
    fetched = scrapy.Field()  # ISO 8601 UTC time of the fetch
