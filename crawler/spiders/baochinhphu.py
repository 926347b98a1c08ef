"""The Government news portal (baochinhphu.vn): category listings with pagination, then articles.

Listings are newest first, so a page whose entries are all older than ``since`` ends that category's walk.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import TextResponse

from crawler.dates import parse_published
from crawler.spiders.base import SourceSpider, first


class BaochinhphuSpider(SourceSpider):
    name = "baochinhphu"

    def parse_listing(self, response: TextResponse) -> Iterator[Any]:
        source = self.source_of(response)
        entries = response.css(", ".join(source.selector("listing_item"))) if source.selector("listing_item") else []
        older = 0
        for entry in entries:
            link = first(entry, source.selector("listing_link"))
            if not link:
                continue
            published = parse_published(first(entry, source.selector("listing_date")))
            if self.too_old(published):
                older += 1
                self.crawler.stats.inc_value("chidao/listing/older_than_since")
                continue
            yield self.item_request(response.urljoin(link), source, self.parse_article)
        self.crawler.stats.inc_value("chidao/listing/pages")
        if entries and older == len(entries):
            return  # newest first: the next pages are older still
        next_page = first(response, source.selector("next_page"))
        if next_page and self.may_follow(response):
            yield self.listing_request(response.urljoin(next_page), source, self.parse_listing,
                                       page=response.meta.get("chidao_page", 1) + 1)

    def parse_article(self, response: TextResponse) -> Iterator[Any]:
        item = self.read_article(response, self.source_of(response))
        if self.keep(item):
            yield item
