"""What every chidao spider shares: its sources, the crawl limits, and reading a page with the selectors as data.

A spider crawls the sources of its family (``spider:`` in sources.yml), all of them or those named with
``-a source=a,b``. ``-a since=YYYY-MM-DD`` stops at listing entries older than that day; ``-a max_pages=N`` follows at
most N listing pages per listing (pagination depth). The same three come from the settings ``CHIDAO_SOURCES``,
``CHIDAO_SINCE`` and ``CHIDAO_MAX_PAGES`` when ``chidao crawl`` runs the spider.

Requests for pages that become items carry ``meta["chidao_item"] = True``, so a downloader middleware above the
crawler (``pipeline/crawl.py``) can skip the ones already stored.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import scrapy
from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import HTMLTranslator
from scrapy.http import Response, TextResponse

from crawler.dates import day_of, parse_published
from crawler.items import CrawledItem
from crawler.sources import Source, load_sources, select

_SPACE = re.compile(r"\s+")


def clean(text: str | None) -> str | None:
    """NFC, whitespace collapsed, None when empty."""
    if text is None:
        return None
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return text or None


@lru_cache(maxsize=1024)
def _evaluator(query: str) -> etree.XPath:
    return etree.XPath(HTMLTranslator().css_to_xpath(query), smart_strings=False)


def css_values(selector: Selector | SelectorList | TextResponse, query: str) -> list[str]:
    """``selector.css(query).getall()`` for an HTML page or element, without a Selector object per match.

    A page asks a dozen queries, most of them for a text or an attribute: parsel's objects around each match cost
    more than the match. The XPath is parsel's own translation, the serialisation its own too.
    """
    sel = selector.selector if isinstance(selector, TextResponse) else selector
    root = getattr(sel, "root", None)
    if getattr(sel, "type", None) != "html" or not isinstance(root, etree._Element):
        return selector.css(query).getall()
    return [value if isinstance(value, str) else
            etree.tostring(value, method="html", encoding="unicode", with_tail=False)
            for value in _evaluator(query)(root)]


def first(selector: Selector | SelectorList | TextResponse, queries: Iterable[str]) -> str | None:
    """The value of the first query that matches: ``::text`` queries join their texts, the others take one value."""
    for query in queries:
        values = css_values(selector, query)
        if query.rstrip().endswith("::text"):
            value = clean(" ".join(values))
        else:
            value = next((v for v in map(clean, values) if v), None)
        if value:
            return value
    return None


def every(selector: Selector | SelectorList | TextResponse, queries: Iterable[str]) -> list[str]:
    """All values of the first query that matches anything, cleaned and de-duplicated in order."""
    for query in queries:
        values = [v for v in map(clean, css_values(selector, query)) if v]
        if values:
            return list(dict.fromkeys(values))
    return []


def region(response: TextResponse, queries: Iterable[str], drop: Iterable[str], title: str | None) -> bytes | None:
    """The first element a query matches, with the ``drop`` regions removed, as a whole HTML document.

    It is encoded like the page, with that encoding declared, so conversion sees the bytes the site sent (a legacy
    Vietnamese encoding survives: it is detected from the bytes, not from the declared charset).
    """
    for query in queries:
        found = response.css(query)
        if not found:
            continue
        fragment = Selector(text=found[0].get(), type="html")
        for css in drop:
            fragment.css(css).drop()
        body = fragment.css("body > *").getall() or [fragment.get()]
        encoding = response.encoding
        doc = (
            f'<!DOCTYPE html><html><head><meta charset="{encoding}">'
            f"<title>{html.escape(title or '')}</title></head><body>{''.join(body)}</body></html>"
        )
        return doc.encode(encoding, errors="xmlcharrefreplace")
    return None


class SourceSpider(scrapy.Spider):
    """A spider over the sources of one family; subclasses say how to walk a site and read its pages."""

    custom_settings: dict[str, Any] = {}

    def __init__(
        self,
        source: str | None = None,
        since: str | None = None,
        max_pages: str | int | None = None,
        sources_file: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._source_arg = source
        self._since_arg = since
        self._max_pages_arg = max_pages
        self._sources_file_arg = sources_file
        self.sources: list[Source] = []
        self.since: date | None = None
        self.max_pages: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        names = spider._source_arg if spider._source_arg is not None else settings.get("CHIDAO_SOURCE_NAMES")
        if isinstance(names, str):
            names = names.split(",")
        path = spider._sources_file_arg or settings.get("CHIDAO_SOURCES") or None
        spider.sources = select(load_sources(path), names or None, spider=spider.name)
        since = spider._since_arg or settings.get("CHIDAO_SINCE")
        spider.since = date.fromisoformat(str(since)) if since else None
        pages = spider._max_pages_arg if spider._max_pages_arg is not None else settings.get("CHIDAO_MAX_PAGES")
        spider.max_pages = int(pages) if pages not in (None, "", 0, "0") else None
        spider.allowed_domains = sorted({d for s in spider.sources for d in s.allowed_domains})
        if not spider.sources:
            spider.logger.warning("no %s sources to crawl", spider.name)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources:
            for request in self.start_requests_for(source):
                yield request

    def start_requests_for(self, source: Source) -> Iterable[scrapy.Request]:
        """The source's listing pages, read by the spider's ``parse_listing``; spiders with other entry points
        (sitemaps, feeds) say so."""
        for url in source.listings:
            yield self.listing_request(url, source, self.parse_listing)

    # -- requests -------------------------------------------------------------------------------------------------

    def listing_request(self, url: str, source: Source, callback: Any, page: int = 1, **meta: Any) -> scrapy.Request:
        """A listing page. Start pages are filtered like any other page, so crawler processes sharing one frontier
        (``--redis``) fetch each once."""
        return scrapy.Request(url, callback=callback, meta={"chidao_source": source.name, "chidao_page": page, **meta})

    def item_request(self, url: str, source: Source, callback: Any, **meta: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, meta={"chidao_source": source.name, "chidao_item": True, **meta})

    def may_follow(self, response: Response) -> bool:
        """Whether the next listing page is within ``max_pages``."""
        page = response.meta.get("chidao_page", 1)
        if self.max_pages is not None and page >= self.max_pages:
            self.crawler.stats.inc_value("chidao/listing/max_pages_reached")
            return False
        return True

    def too_old(self, published: str | None) -> bool:
        """Whether an entry dated ``published`` is before ``since`` (undated entries are never too old)."""
        day = day_of(published)
        return self.since is not None and day is not None and day < self.since

    def source_of(self, response: Response) -> Source:
        name = response.meta["chidao_source"]
        return next(s for s in self.sources if s.name == name)

    # -- reading pages --------------------------------------------------------------------------------------------

    def new_item(self, response: TextResponse, source: Source) -> CrawledItem:
        """The fields every page has: where it is, what it is, its raw bytes."""
        canonical = first(response, source.selector("canonical"))
        return CrawledItem(
            url=response.url,
            canonical_url=response.urljoin(canonical) if canonical else response.url,
            source=source.name,
            kind=source.kind,
            html=response.body,
            content_type=(response.headers.get("Content-Type") or b"").decode("latin-1") or None,
            encoding=response.encoding,
            attachments=[],
            tags=[],
            fetched=datetime.now(UTC).isoformat(timespec="seconds"),
        )

    def read_article(self, response: TextResponse, source: Source) -> CrawledItem:
        """An article page read with the source's selectors."""
        item = self.new_item(response, source)
        title = first(response, source.selector("title"))
        item["title"] = title
        item["published"] = parse_published(first(response, source.selector("published")))
        item["author"] = first(response, source.selector("author"))
        item["summary"] = first(response, source.selector("summary"))
        item["tags"] = every(response, source.selector("tags"))
        item["body_html"] = region(response, source.selector("body"), source.selector("drop"), title)
        return item

    def keep(self, item: CrawledItem) -> bool:
        """False (and counted) for an item published before ``since``."""
        if self.too_old(item.get("published")):
            self.crawler.stats.inc_value("chidao/item/older_than_since")
            return False
        return True
