"""The Scrapy item pipelines and the downloader middleware that sit above the crawler.

``chidao crawl`` wires them in through the settings (``crawl_settings``), so ``crawler/`` never imports the store.
One class per concern, each counting what it did in the crawl's stats (``chidao/...``):

- ``ValidatePipeline``: an item must name its URL and source and carry something to read;
- ``NormalisePipeline``: canonical URL, title repaired (legacy encodings) and tidied, and the text, converted once
  through ``pipeline.convert``: for an official document its first attachment that converts (DOCX before PDF, as
  DOCX keeps the text exact), else the page's article region, else the whole page;
- ``DeduplicatePipeline``: within a run, one item per canonical URL and per text;
- ``StorePipeline``: ``pipeline.ingest.ingest_item``, one transaction per item; a conversion failure is stored
  as a failed document with its reason, so ``chidao status`` lists it.

``SkipStoredMiddleware`` drops requests for article and document pages whose canonical URL is already stored, so a
second crawl fetches only listings and what is new (``--refetch`` turns it off; changed content is then detected
by the text's hash).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import DropItem, IgnoreRequest, NotConfigured
from scrapy.settings import Settings
from scrapy.utils.asyncio import run_in_thread
from sqlalchemy import select

from crawler.items import CrawledItem
from pipeline.convert import ConversionError, fix_legacy, to_text
from pipeline.ingest import canonical_url, ingest_item, parse_published
from store import crud
from store.db import session_factory
from store.models import Document

logger = logging.getLogger(__name__)

# Attachment kinds in the order their text is preferred.
ATTACHMENT_PREFERENCE = ("docx", "pdf", "doc")
_META_FIELDS = ("kind", "author", "summary", "tags", "effective", "fetched", "text_from", "number", "doc_type",
                "issuer", "signer")


class _Stage:
    """An item pipeline that counts what it does in the crawl's stats."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> Any:
        return cls(crawler)

    def count(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"chidao/{key}", n)


class ValidatePipeline(_Stage):
    """Drops items that cannot become a document, saying which and why."""

    def process_item(self, item: CrawledItem) -> CrawledItem:
        reason = None
        if not item.get("url"):
            reason = "no URL"
        elif not item.get("source"):
            reason = "no source"
        elif not (item.get("html") or item.get("body_html") or any(a.get("content") for a in
                                                                    item.get("attachments") or [])):
            reason = "nothing to read (no page and no attachment)"
        if reason:
            self.count("validate/dropped")
            raise DropItem(f"{item.get('url') or '<no url>'}: {reason}")
        self.count("validate/ok")
        return item


def _attachment_rank(attachment: dict[str, Any]) -> int:
    name = (attachment.get("filename") or attachment.get("url") or "").lower()
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    return ATTACHMENT_PREFERENCE.index(ext) if ext in ATTACHMENT_PREFERENCE else len(ATTACHMENT_PREFERENCE)


def candidates(item: CrawledItem) -> list[tuple[str, bytes, str | None, str | None]]:
    """(label, bytes, filename, content type) worth converting, best first."""
    out = []
    if item.get("kind") == "document":
        for attachment in sorted(item.get("attachments") or [], key=_attachment_rank):
            if attachment.get("content"):
                out.append((attachment.get("filename") or "attachment", attachment["content"],
                            attachment.get("filename"), attachment.get("content_type")))
    content_type = item.get("content_type") or "text/html"
    if item.get("body_html"):
        body_type = f"text/html; charset={item.get('encoding') or 'utf-8'}"
        out.append(("body", item["body_html"], None, body_type))
    if item.get("html"):
        out.append(("page", item["html"], None, content_type))
    return out


def same_site(url: str, other: str) -> bool:
    return (urlsplit(url).hostname or "").lower() == (urlsplit(other).hostname or "").lower()


def convert(item: CrawledItem) -> tuple[str | None, str, list[str]]:
    """(text, what it was converted from, why the candidates before it failed)."""
    errors = []
    for label, content, filename, content_type in candidates(item):
        try:
            return to_text(content, filename=filename, content_type=content_type), label, errors
        except ConversionError as exc:
            errors.append(f"{label}: {exc.reason}")
    return None, "", errors


class NormalisePipeline(_Stage):
    """Canonical URL, a clean title, and the text converted once.

    Conversion (boilerplate removal, PDF, DOCX) runs in a thread, so downloads go on meanwhile.
    """

    async def process_item(self, item: CrawledItem) -> CrawledItem:
        url = item["url"]
        declared = item.get("canonical_url") or url
        # A page may only speak for its own site: a canonical elsewhere (syndication) keeps the URL fetched.
        item["canonical_url"] = canonical_url(declared if same_site(declared, url) else url)
        text, source, errors = await run_in_thread(convert, item)
        self.count("convert/failed_candidate", len(errors))
        if text is None:
            self.count("convert/failed")
            logger.warning("%s: no text (%s)", url, "; ".join(errors) or "nothing to convert")
            item["text"], item["text_from"] = None, "; ".join(errors)
        else:
            self.count(f"convert/{source if source in ('body', 'page') else 'attachment'}")
            item["text"], item["text_from"] = text, source
        title = " ".join(fix_legacy(item.get("title") or "").split())
        if not title:
            title = " ".join(fix_legacy(item.get("summary") or "").split())
        if not title and text:
            title = text.strip().split("\n", 1)[0][:300]
        item["title"] = title or None
        for key in ("author", "summary", "signer", "issuer", "doc_type", "number"):
            if item.get(key):
                item[key] = " ".join(fix_legacy(item[key]).split())
        return item


class DeduplicatePipeline(_Stage):
    """One item per canonical URL and per text within a run (the store keeps them unique across runs)."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.urls: set[str] = set()
        self.texts: dict[str, str] = {}

    def process_item(self, item: CrawledItem) -> CrawledItem:
        url = item["canonical_url"]
        if url in self.urls:
            self.count("dedupe/same_url")
            raise DropItem(f"{item['url']}: already crawled as {url}")
        self.urls.add(url)
        if item.get("text"):
            digest = hashlib.sha256(item["text"].encode("utf-8")).hexdigest()
            if digest in self.texts:
                self.count("dedupe/same_text")
                raise DropItem(f"{item['url']}: same text as {self.texts[digest]}")
            self.texts[digest] = url
        self.count("dedupe/kept")
        return item


def item_meta(item: CrawledItem) -> dict[str, Any]:
    meta = {key: item[key] for key in _META_FIELDS if item.get(key)}
    if item.get("url") and item["url"] != item.get("canonical_url"):
        meta["fetched_url"] = item["url"]
    attachments = [{k: a.get(k) for k in ("url", "filename", "content_type", "error")}
                   for a in item.get("attachments") or []]
    if attachments:
        meta["attachments"] = attachments
    return meta


class StorePipeline(_Stage):
    """Stores each item as a Document through ``pipeline.ingest``, in its own transaction."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.factory = session_factory(crawler.settings.get("CHIDAO_DB"))

    def open_spider(self) -> None:
        """The spider's sources, with their kind and site, before any of their documents."""
        with self.factory() as session, session.begin():
            for source in getattr(self.crawler.spider, "sources", []):
                url = next(iter(source.urls()), None)
                root = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/" if url else None
                crud.get_or_create_source(session, name=source.name, kind=source.kind, url=root)

    def process_item(self, item: CrawledItem) -> CrawledItem:
        published = parse_published(item.get("published"))
        args: dict[str, Any] = dict(url=item["canonical_url"], title=item.get("title"), published=published,
                                    source=item["source"], meta=item_meta(item))
        if item.get("text") is not None:
            args["text"] = item["text"]
        else:  # stored as failed, with the converter's reason
            label, content, filename, content_type = (candidates(item) or [("", b"", None, None)])[0]
            args.update(content=content, filename=filename, content_type=content_type)
        with self.factory() as session, session.begin():
            result = ingest_item(session, **args)
        self.count(f"store/{result.status}")
        if not result.ok:
            logger.warning("%s: stored as failed (%s)", item["url"], result.reason)
        return item


class SkipStoredMiddleware:
    """Ignores requests for pages already stored (by canonical URL): incremental crawls."""

    def __init__(self, crawler: Any, db: str | None) -> None:
        self.crawler = crawler
        self.factory = session_factory(db)

    @classmethod
    def from_crawler(cls, crawler: Any) -> SkipStoredMiddleware:
        if crawler.settings.getbool("CHIDAO_REFETCH"):
            raise NotConfigured
        return cls(crawler, crawler.settings.get("CHIDAO_DB"))

    def stored(self, url: str) -> bool:
        with self.factory() as session:
            return session.scalar(select(Document.id).where(Document.url == canonical_url(url))) is not None

    def process_request(self, request: Request) -> None:
        if request.meta.get("chidao_item") and self.stored(request.url):
            self.crawler.stats.inc_value("chidao/skipped/stored")
            raise IgnoreRequest(f"already stored: {request.url}")


PIPELINES = {
    "pipeline.crawl.ValidatePipeline": 100,
    "pipeline.crawl.NormalisePipeline": 200,
    "pipeline.crawl.DeduplicatePipeline": 300,
    "pipeline.crawl.StorePipeline": 400,
}
MIDDLEWARES = {"pipeline.crawl.SkipStoredMiddleware": 90}  # before robots.txt and the download


# --- running crawls -------------------------------------------------------------------------------------------------


def crawl_settings(*, db: str, sources_file: str | None = None, since: date | None = None,
                   max_pages: int | None = None, redis_url: str | None = None, run: str | None = None,
                   refetch: bool = False, polite: bool = True, log_level: str = "WARNING") -> Settings:
    """The crawler's own settings plus the store pipelines, and the options of ``chidao crawl``.

    ``redis_url`` shares one frontier and one seen-set between processes (scrapy-redis); its keys are named after
    ``run`` (today's date by default), so every process started for the same run splits the same work, and a new
    run starts afresh. ``polite=False`` drops the delays and throttling: for the local example sites only.
    """
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares.update(MIDDLEWARES)
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    settings.set("ITEM_PIPELINES", PIPELINES, priority="cmdline")
    values: dict[str, Any] = {
        "CHIDAO_DB": db, "CHIDAO_SOURCES": sources_file, "CHIDAO_SINCE": since.isoformat() if since else None,
        "CHIDAO_MAX_PAGES": max_pages, "CHIDAO_REFETCH": refetch, "LOG_LEVEL": log_level,
    }
    if redis_url:
        prefix = f"chidao:{run or date.today().isoformat()}:%(spider)s"
        values.update({
            "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "REDIS_URL": redis_url,
            "SCHEDULER_PERSIST": True,  # one process finishing must not clear the others' frontier
            "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
            "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
            "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue",
            "CHIDAO_IDLE_CLOSE": settings.getfloat("CHIDAO_IDLE_CLOSE") or 10.0,
        })
    if not polite:
        values.update({"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
                       "RETRY_BACKOFF_BASE": 0.1})
    settings.setdict(values, priority="cmdline")
    return settings


def check_redis(url: str) -> None:
    """Raise ``ConnectionError`` with the reason when no Redis answers at ``url``."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except (redis.RedisError, ValueError) as exc:
        raise ConnectionError(f"no Redis at {url} ({type(exc).__name__}: {exc})") from None


def run_crawl(settings: Settings, plan: dict[str, list[str]],
              on_event: Callable[[str, str], None] | None = None) -> dict[str, dict[str, Any]]:
    """Crawl with each spider of ``plan`` (spider name → source names) at once, in this process; the stats of each.

    ``on_event(spider, what)`` hears of each ``page`` fetched and each item ``stored`` or ``dropped``. Scrapy's
    reactor cannot be restarted: call this once per process.
    """
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    settings = settings.copy()
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")  # the caller's logging stays
    process = CrawlerProcess(settings)
    crawlers = []
    for spider, names in plan.items():
        crawler = process.create_crawler(spider)
        if on_event is not None:
            for signal, what in ((signals.response_received, "page"), (signals.item_scraped, "stored"),
                                 (signals.item_dropped, "dropped")):
                crawler.signals.connect(lambda *_, _s=spider, _w=what, **__: on_event(_s, _w), signal=signal,
                                        weak=False)
        crawlers.append((spider, crawler))
        process.crawl(crawler, source=",".join(names))
    process.start()
    return {spider: dict(crawler.stats.get_stats() or {}) for spider, crawler in crawlers}
