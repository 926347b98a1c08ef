"""Provincial portals, newspapers and blogs: one generic spider, told by sources.yml where articles are.

Articles are found through a sitemap (or sitemap index), an RSS or Atom feed, or start pages whose links are
followed: a link matching the source's ``article_pattern`` is an article, one matching ``follow_pattern`` is another
listing. A source without an ``article_pattern`` has its pages recognised by the family's ``article_signals``
(``og:type`` article, a publication-time meta, an ``articleBody``). Reader comments and related-article blocks are
dropped through the ``drop`` selectors; what remains of the body is converted to text above the crawler.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap

from crawler.dates import parse_published
from crawler.sources import Source
from crawler.spiders.base import SourceSpider


@cache
def _pattern(regex: str | None) -> re.Pattern[str] | None:
    return re.compile(regex) if regex else None


class ArticleSpider(SourceSpider):
    name = "article"

    def start_requests_for(self, source: Source) -> Iterable[scrapy.Request]:
        for url in source.sitemaps:
            yield self.listing_request(url, source, self.parse_sitemap)
        for url in source.feeds:
            yield self.listing_request(url, source, self.parse_feed)
        for url in source.start_urls:
            yield self.listing_request(url, source, self.parse_page)

    def is_article_url(self, source: Source, url: str) -> bool:
        pattern = _pattern(source.article_pattern)
        return pattern is None or bool(pattern.search(url))

    def entry(self, source: Source, url: str, published: str | None) -> Iterator[scrapy.Request]:
        """The request for one sitemap or feed entry, unless it is too old or not an article."""
        if self.too_old(published):
            self.crawler.stats.inc_value("chidao/listing/older_than_since")
        elif self.is_article_url(source, url):
            yield self.item_request(url, source, self.parse_article)

    # -- sitemaps and feeds ---------------------------------------------------------------------------------------

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        source = self.source_of(response)
        body = gunzip(response.body) if gzip_magic_number(response) else response.body
        sitemap = Sitemap(body)
        self.crawler.stats.inc_value("chidao/listing/pages")
        for entry in sitemap:
            url = response.urljoin(entry["loc"])
            lastmod = parse_published(entry.get("lastmod"))
            if sitemap.type == "sitemapindex":
                if self.too_old(lastmod):  # nothing in it changed since
                    self.crawler.stats.inc_value("chidao/listing/older_than_since")
                elif self.may_follow(response):
                    yield self.listing_request(url, source, self.parse_sitemap,
                                               page=response.meta.get("chidao_page", 1) + 1)
            else:
                yield from self.entry(source, url, lastmod)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        """RSS 2.0 items or Atom entries, and an Atom feed's next page (Blogger pages its feeds)."""
        source = self.source_of(response)
        feed = Selector(text=response.body.decode(response.encoding if isinstance(response, TextResponse)
                                                  else "utf-8", errors="replace"), type="xml")
        feed.remove_namespaces()
        self.crawler.stats.inc_value("chidao/listing/pages")
        for item in feed.xpath("//item"):
            link = item.xpath("normalize-space(link)").get()
            if link:
                yield from self.entry(source, response.urljoin(link),
                                      parse_published(item.xpath("normalize-space(pubDate)").get()))
        for entry in feed.xpath("//entry"):
            link = (entry.xpath("link[@rel='alternate']/@href").get()
                    or entry.xpath("link[not(@rel)]/@href").get())
            if link:
                published = entry.xpath("normalize-space(published)").get() or entry.xpath(
                    "normalize-space(updated)").get()
                yield from self.entry(source, response.urljoin(link), parse_published(published))
        next_page = feed.xpath("/feed/link[@rel='next']/@href").get()
        if next_page and self.may_follow(response):
            yield self.listing_request(response.urljoin(next_page), source, self.parse_feed,
                                       page=response.meta.get("chidao_page", 1) + 1)

    # -- start pages and listings ---------------------------------------------------------------------------------

    def looks_like_article(self, response: TextResponse, source: Source) -> bool:
        return any(response.css(css) for css in source.options.get("article_signals") or ())

    def parse_page(self, response: Response) -> Iterator[Any]:
        """A start page or listing: its links to articles and to further listings."""
        if not isinstance(response, TextResponse):
            return
        source = self.source_of(response)
        self.crawler.stats.inc_value("chidao/listing/pages")
        articles = _pattern(source.article_pattern)
        listings = _pattern(source.follow_pattern)
        follow = self.may_follow(response)
        page = response.meta.get("chidao_page", 1)
        for link in LinkExtractor(unique=True).extract_links(response):  # off-site links: OffsiteMiddleware
            url = link.url
            if articles is not None and articles.search(url):
                yield self.item_request(url, source, self.parse_article)
            elif listings is not None and listings.search(url):
                if follow:
                    yield self.listing_request(url, source, self.parse_page, page=page + 1)
            elif articles is None and follow:  # no pattern: fetch and recognise
                yield self.item_request(url, source, self.parse_unknown, chidao_page=page + 1)

    def parse_unknown(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            return
        source = self.source_of(response)
        if self.looks_like_article(response, source):
            yield from self.parse_article(response)
        else:
            yield from self.parse_page(response)

    def parse_article(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("chidao/item/not_html")
            return
        item = self.read_article(response, self.source_of(response))
        if self.keep(item):
            yield item
