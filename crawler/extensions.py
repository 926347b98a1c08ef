"""Extensions of the crawler layer.

``SharedFrontierIdle``: with a shared frontier (scrapy-redis, ``chidao crawl --redis``) a process whose own work is
done is not finished, since another process may still push requests. It stays open until the shared queue has been
empty for ``CHIDAO_IDLE_CLOSE`` seconds, so the work is split to the end and the last process standing drains it.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured


class SharedFrontierIdle:
    def __init__(self, crawler: Any, timeout: float) -> None:
        self.crawler = crawler
        self.timeout = timeout
        self.idle_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedFrontierIdle:
        timeout = crawler.settings.getfloat("CHIDAO_IDLE_CLOSE", 0.0)
        if timeout <= 0:
            raise NotConfigured
        ext = cls(crawler, timeout)
        crawler.signals.connect(ext.busy, signal=signals.response_received)
        crawler.signals.connect(ext.busy, signal=signals.request_scheduled)
        crawler.signals.connect(ext.idle, signal=signals.spider_idle)
        return ext

    def busy(self, **_: Any) -> None:
        self.idle_since = None

    def idle(self, **_: Any) -> None:
        scheduler = self.crawler.engine.scheduler
        if scheduler is not None and scheduler.has_pending_requests():
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.timeout:
            raise DontCloseSpider
