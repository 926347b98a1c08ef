"""The Scrapy item pipelines and the downloader middleware that sit above the crawler.

``chidao crawl`` wires them in through the settings (``crawl_settings``), so ``crawler/`` never imports the store.
One class per concern, each counting what it did in the crawl's stats (``chidao/...``):

- ``ValidatePipeline``: an item must name its URL and source and carry something to read;
- ``NormalisePipeline``: canonical URL, title repaired (legacy encodings) and tidied, and the text, converted once
  through ``pipeline.conversion``: for an official document its first attachment that converts (DOCX before PDF, as
  DOCX keeps the text exact), else the page's article region, else the whole page;
- ``DeduplicatePipeline``: within a run, one item per canonical URL and per text;
- ``StorePipeline``: ``pipeline.ingest.ingest_items``, items stored in batches (``CHIDAO_STORE_BATCH`` items or
  ``CHIDAO_STORE_SECONDS`` seconds, whichever comes first, and at the end), one transaction per batch, in a thread
  of its own; a conversion failure is stored as a failed document with its reason, so ``chidao status`` lists it.

``SkipStoredMiddleware`` drops requests for article and document pages whose canonical URL is already stored or
waiting in the store's batch, so a second crawl fetches only listings and what is new (``--refetch`` turns it off;
changed content is then detected by the text's hash).

Conversion (trafilatura, PDF, DOCX) costs more than everything else a page takes, so it runs in a worker process
(``CHIDAO_CONVERT_PROCESSES``, 0 for a thread of this process; ``pipeline.conversion``): the crawler's own work
keeps its core.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import time
import weakref
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import DropItem, IgnoreRequest, NotConfigured
from scrapy.settings import Settings
from scrapy.utils.asyncio import create_looping_call, run_in_thread
from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy import bindparam, select

from crawler.items import CrawledItem
from pipeline.conversion import WORKER, Converted, Converter, WorkerDied, candidates, convert_candidates
from pipeline.convert import fix_legacy
from pipeline.ingest import canonical_url, ingest_item, ingest_items, parse_published
from store import crud
from store.db import get_engine, session_factory
from store.models import Document

logger = logging.getLogger(__name__)

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


def same_site(url: str, other: str) -> bool:
    return (urlsplit(url).hostname or "").lower() == (urlsplit(other).hostname or "").lower()


class NormalisePipeline(_Stage):
    """Canonical URL, a clean title, and the text converted once.

    Conversion (boilerplate removal, PDF, DOCX) runs in ``CHIDAO_CONVERT_PROCESSES`` worker processes (a thread of
    this process with 0), so downloads and parsing go on meanwhile on another core. A worker that dies (a PDF that
    exhausts memory) is replaced; the page it held is converted in a thread.
    """

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.processes = max(0, crawler.settings.getint("CHIDAO_CONVERT_PROCESSES", 1))
        self.workers: list[Converter] = []
        self.dead: list[Converter] = []

    def _worker(self) -> Converter | None:
        """The live worker with the fewest pages in hand, started when fewer than asked for are alive."""
        from twisted.internet import reactor

        self.workers = [w for w in self.workers if w.alive]
        if not self.processes:
            return None
        if len(self.workers) < self.processes:
            worker = Converter()
            root = str(Path(__file__).resolve().parent.parent)
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
            reactor.spawnProcess(worker, sys.executable, [sys.executable, "-c", WORKER], env=env)
            self.workers.append(worker)
        return min(self.workers, key=lambda w: len(w.waiting))

    async def _convert(self, item: CrawledItem) -> Converted:
        found = candidates(item)
        worker = self._worker()
        if worker is not None:
            try:
                return await maybe_deferred_to_future(worker.convert(found))
            except WorkerDied as exc:
                logger.warning("%s: the conversion worker died (%s); converting in this process", item["url"], exc)
                self.count("convert/worker_died")
                if worker not in self.dead:
                    self.dead.append(worker)
                if len(self.dead) >= 3:
                    logger.warning("conversion workers keep dying: converting in this process from now on")
                    self.processes = 0
        return await run_in_thread(convert_candidates, found)

    async def close_spider(self) -> None:
        """Workers end when their input does; waited for, so none outlives the crawl."""
        for worker in self.workers:
            if worker.alive:
                worker.transport.closeStdin()
        for worker in self.workers:
            await maybe_deferred_to_future(worker.ended)
        self.workers = []

    async def process_item(self, item: CrawledItem) -> CrawledItem:
        url = item["url"]
        declared = item.get("canonical_url") or url
        # A page may only speak for its own site: a canonical elsewhere (syndication) keeps the URL fetched.
        item["canonical_url"] = canonical_url(declared if same_site(declared, url) else url)
        text, source, errors = await self._convert(item)
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


# Canonical URLs accepted by a crawl's StorePipeline and not yet committed, by crawler: SkipStoredMiddleware reads it.
_UNSTORED: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


class StorePipeline(_Stage):
    """Stores items as Documents through ``pipeline.ingest``, a batch per transaction, in a thread of its own.

    One transaction per page cost more than the page's download: items wait in a batch until it holds
    ``CHIDAO_STORE_BATCH`` of them or its first is ``CHIDAO_STORE_SECONDS`` old, and the batch is stored in one
    transaction (batches in order, one at a time); the last one when the spider closes. Crash-safe: a batch is
    committed whole or not at all, and a URL counts as stored once committed, so a killed crawl loses only the
    uncommitted batch, which the next crawl fetches again; until then ``SkipStoredMiddleware`` knows its URLs too.
    A batch whose transaction fails is stored again one item per transaction, so one bad item costs only itself.
    """

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.factory = session_factory(crawler.settings.get("CHIDAO_DB"))
        self.batch_size = max(1, crawler.settings.getint("CHIDAO_STORE_BATCH", 100))
        self.seconds = crawler.settings.getfloat("CHIDAO_STORE_SECONDS", 1.0)
        self.batch: list[dict[str, Any]] = []
        self.batch_since = 0.0
        self.unstored = _UNSTORED.setdefault(crawler, set())
        self.source_ids: dict[str, int] = {}
        self.writing: Any = None  # the Deferred of the last batch handed to the store thread
        self.threads: Any = None
        self.timer: Any = None

    def open_spider(self) -> None:
        """The spider's sources, with their kind and site, before any of their documents."""
        from twisted.python.threadpool import ThreadPool

        with self.factory() as session, session.begin():
            for source in getattr(self.crawler.spider, "sources", []):
                url = next(iter(source.urls()), None)
                root = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/" if url else None
                self.source_ids[source.name] = crud.get_or_create_source(session, name=source.name, kind=source.kind,
                                                                         url=root).id
        self.threads = ThreadPool(1, 1, name="chidao-store")  # one writer: batches are stored in order
        self.threads.start()
        if self.seconds > 0:
            self.timer = create_looping_call(self._flush_if_old)
            self.timer.start(max(self.seconds / 2, 0.05), now=False)

    def process_item(self, item: CrawledItem) -> CrawledItem:
        published = parse_published(item.get("published"))
        args: dict[str, Any] = dict(url=item["canonical_url"], title=item.get("title"), published=published,
                                    source=item["source"], meta=item_meta(item),
                                    source_id=self.source_ids.get(item["source"]))
        if item.get("text") is not None:
            args["text"] = item["text"]
        else:  # stored as failed, with the converter's reason
            label, content, filename, content_type = (candidates(item) or [("", b"", None, None)])[0]
            args.update(content=content, filename=filename, content_type=content_type)
        if not self.batch:
            self.batch_since = time.monotonic()
        self.batch.append(args)
        self.unstored.add(item["canonical_url"])
        if len(self.batch) >= self.batch_size:
            self.flush()
        return item

    def _flush_if_old(self) -> None:
        if self.batch and time.monotonic() - self.batch_since >= self.seconds:
            self.flush()

    def flush(self) -> Any:
        """Hand the batch to the store thread; the Deferred of its commit."""
        from twisted.internet import reactor, threads

        batch, self.batch = self.batch, []
        if not batch:
            return self.writing
        done = threads.deferToThreadPool(reactor, self.threads, self._store, batch)
        done.addCallback(self._stored, batch)
        done.addErrback(lambda failure: logger.error("a batch of %d items was not stored: %s", len(batch),
                                                     failure.getErrorMessage()))
        self.writing = done
        return done

    def _store(self, batch: list[dict[str, Any]]) -> list[Any]:
        """In the store thread: the batch in one transaction, else item by item (what failed is None)."""
        try:
            with self.factory() as session, session.begin():
                return list(ingest_items(session, batch))
        except Exception as exc:  # noqa: BLE001 - a database error: find the item(s) it was about
            logger.warning("a batch of %d items failed (%s: %s); storing them one by one", len(batch),
                           type(exc).__name__, exc)
        results = []
        for args in batch:
            try:
                with self.factory() as session, session.begin():
                    results.append(ingest_item(session, **args))
            except Exception as exc:  # noqa: BLE001 - logged, counted; the others are stored
                logger.error("%s: not stored (%s: %s)", args["url"], type(exc).__name__, exc)
                results.append(None)
        return results

    def _stored(self, results: list[Any], batch: list[dict[str, Any]]) -> None:
        """In the reactor thread, once the batch is committed: stats, and its URLs are no longer pending."""
        for args, result in zip(batch, results, strict=True):
            self.unstored.discard(args["url"])
            if result is None:
                self.count("store/error")
                continue
            self.count(f"store/{result.status}")
            if not result.ok:
                logger.warning("%s: stored as failed (%s)", args["url"], result.reason)

    async def close_spider(self) -> None:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        last = self.flush()
        try:
            if last is not None:
                await maybe_deferred_to_future(last)
        finally:
            if self.threads is not None:
                self.threads.stop()


class SkipStoredMiddleware:
    """Ignores requests for pages already stored (by canonical URL) or waiting to be: incremental crawls.

    It asks the store once per article request, so it keeps one DBAPI connection and a statement compiled once
    (a tenth of the cost of a pooled SQLAlchemy query); every look sees what is committed by then.
    """

    def __init__(self, crawler: Any, db: str | None) -> None:
        self.crawler = crawler
        self.engine = get_engine(db)
        # URLs are unique: one row at most. The only parameter is the URL, by position or by name.
        compiled = select(Document.id).where(Document.url == bindparam("url")).compile(dialect=self.engine.dialect)
        self.sql = compiled.string
        self.positional = bool(compiled.positiontup)
        self.sqlite = self.engine.dialect.name == "sqlite"
        self.connection: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> SkipStoredMiddleware:
        from scrapy import signals

        if crawler.settings.getbool("CHIDAO_REFETCH"):
            raise NotConfigured
        middleware = cls(crawler, crawler.settings.get("CHIDAO_DB"))
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def close(self, **_: Any) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def _in_store(self, url: str) -> bool:
        if self.connection is None:
            self.connection = self.engine.raw_connection()
        params = (url,) if self.positional else {"url": url}
        cursor = self.connection.cursor()
        try:
            cursor.execute(self.sql, params)
            return cursor.fetchone() is not None
        finally:
            cursor.close()
            if not self.sqlite:  # no transaction left open: the next look sees newer commits
                self.connection.rollback()

    def stored(self, url: str) -> bool:
        url = canonical_url(url)
        # The batch first: its URLs leave it only once committed, so none falls between the two looks.
        if url in _UNSTORED.get(self.crawler, ()):
            return True
        return self._in_store(url)

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
