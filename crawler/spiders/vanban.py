"""The Government's legal-document portal (vanban.chinhphu.vn): listings, then document pages.

A document page holds a metadata table (số hiệu, loại văn bản, cơ quan ban hành, ngày ban hành, người ký, trích
yếu) and links to the document's files (PDF, DOC, DOCX). The files are downloaded with the page, through the same
downloader middlewares (robots.txt, throttling, retries), and travel in the item as raw bytes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import AsyncIterator, Iterator
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.dates import parse_published
from crawler.items import Attachment, CrawledItem
from crawler.sources import Source
from crawler.spiders.base import SourceSpider, clean, first

_FILENAME = re.compile(r"""filename\*?=(?:UTF-8'')?["']?([^"';]+)""", re.IGNORECASE)


def _label(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).strip().rstrip(":").strip().lower()


def filename_of(response: Response, url: str) -> str:
    """The file's name: from Content-Disposition when the server sends one, else the URL's last segment."""
    disposition = (response.headers.get("Content-Disposition") or b"").decode("latin-1")
    match = _FILENAME.search(disposition)
    if match:
        return unquote(match.group(1)).strip()
    return unquote(PurePosixPath(urlsplit(url).path).name) or "attachment"


class VanbanSpider(SourceSpider):
    name = "vanban"

    def parse_listing(self, response: TextResponse) -> Iterator[Any]:
        source = self.source_of(response)
        entries = response.css(", ".join(source.selector("listing_item"))) if source.selector("listing_item") else []
        seen = older = 0
        for entry in entries:
            link = first(entry, source.selector("listing_link"))
            if not link:
                continue  # a header row
            seen += 1
            issued = parse_published(first(entry, source.selector("listing_date")))
            if self.too_old(issued):
                older += 1
                self.crawler.stats.inc_value("chidao/listing/older_than_since")
                continue
            yield self.item_request(response.urljoin(link), source, self.parse_document)
        self.crawler.stats.inc_value("chidao/listing/pages")
        if seen and older == seen:
            return
        next_page = first(response, source.selector("next_page"))
        if next_page and self.may_follow(response):
            yield self.listing_request(response.urljoin(next_page), source, self.parse_listing,
                                       page=response.meta.get("chidao_page", 1) + 1)

    def read_metadata(self, response: TextResponse, source: Source, item: CrawledItem) -> None:
        """Fill the item from the metadata table, row by row, by the row's label."""
        labels = {_label(k): v for k, v in (source.options.get("metadata_labels") or {}).items()}
        for row in response.css(", ".join(source.selector("metadata_row"))):
            label = first(row, source.selector("metadata_label"))
            field = labels.get(_label(label)) if label else None
            if field is None:
                continue
            cell = row.css(", ".join(source.selector("metadata_value")))
            value = clean(" ".join(cell[-1:].css(" ::text").getall())) if cell else None
            if not value or item.get(field):
                continue
            item[field] = parse_published(value) if field in ("published", "effective") else value

    def attachment_urls(self, response: TextResponse, source: Source) -> list[str]:
        extensions = tuple("." + e.lower().lstrip(".") for e in source.options.get("attachment_extensions") or ())
        links = response.css(", ".join(source.selector("attachments"))) if source.selector("attachments") else []
        urls = []
        for href in links.getall() if links else []:
            url = response.urljoin(href.strip())
            if unquote(urlsplit(url).path).lower().endswith(extensions):
                urls.append(url)
        return list(dict.fromkeys(urls))

    async def parse_document(self, response: TextResponse) -> AsyncIterator[Any]:
        source = self.source_of(response)
        item = self.read_article(response, source)  # title, canonical, the body region when the page has one
        self.read_metadata(response, source, item)
        if not item.get("title"):
            item["title"] = item.get("summary")
        if not self.keep(item):
            return
        for url in self.attachment_urls(response, source):
            item["attachments"].append(await self.fetch_attachment(url))
        yield item

    async def fetch_attachment(self, url: str) -> Attachment:
        """Download one file now; a failure is recorded in the attachment, and the document still goes on."""
        stats = self.crawler.stats
        request = scrapy.Request(url, meta={"chidao_attachment": True})
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # robots.txt, offsite, network: named in the item, counted
            stats.inc_value("chidao/attachment/failed")
            return Attachment(url=url, filename=filename_of(Response(url), url), content_type=None, content=None,
                              error=f"{type(exc).__name__}: {exc}")
        if response.status != 200:
            stats.inc_value("chidao/attachment/failed")
            return Attachment(url=url, filename=filename_of(response, url), content_type=None, content=None,
                              error=f"HTTP {response.status}")
        stats.inc_value("chidao/attachment/downloaded")
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
        return Attachment(url=url, filename=filename_of(response, url), content_type=content_type,
                          content=response.body, error=None)
