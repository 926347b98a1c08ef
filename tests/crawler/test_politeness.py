"""Polite by default: identification, robots.txt, throttling, retries that back off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.middlewares import DELAY_KEY, BackoffRetryMiddleware, retry_after
from pipeline.crawl import crawl_settings


def middleware(**settings) -> BackoffRetryMiddleware:
    crawler = get_crawler(settings_dict={"RETRY_BACKOFF_BASE": 2.0, "RETRY_BACKOFF_MAX": 60.0, **settings})
    crawler.spider = Spider.from_crawler(crawler, "test")
    return BackoffRetryMiddleware.from_crawler(crawler)


def test_retries_wait_longer_each_time():
    mw = middleware(RETRY_TIMES=5)
    request = Request("http://127.0.0.1/a")
    delays = []
    for _ in range(4):
        retry = mw.process_response(request, Response(request.url, status=503))
        assert isinstance(retry, Request)
        delays.append(retry.meta[DELAY_KEY])
        request = retry
    assert delays == [2.0, 4.0, 8.0, 16.0]


def test_retry_after_is_honoured_up_to_the_cap():
    mw = middleware()
    request = Request("http://127.0.0.1/a")
    retry = mw.process_response(request, Response(request.url, status=429, headers={"Retry-After": "30"}))
    assert retry.meta[DELAY_KEY] == 30.0
    retry = mw.process_response(request, Response(request.url, status=429, headers={"Retry-After": "3600"}))
    assert retry.meta[DELAY_KEY] == 60.0


def test_retry_after_forms():
    assert retry_after(b"12") == 12.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True).encode()
    assert 80 <= retry_after(later) <= 90
    assert retry_after(b"soon") is None and retry_after(None) is None


def test_default_settings_are_polite():
    settings = crawl_settings(db="sqlite:///x.db")
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert settings.getfloat("DOWNLOAD_DELAY") >= 1
    assert settings["USER_AGENT"].startswith("chidao/") and "(+http" in settings["USER_AGENT"]
    assert settings.getdict("DOWNLOADER_MIDDLEWARES")["crawler.middlewares.BackoffRetryMiddleware"] == 550
    assert settings.getdict("DOWNLOADER_MIDDLEWARES")["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert "pipeline.crawl.StorePipeline" in settings.getdict("ITEM_PIPELINES")


def test_redis_mode_shares_frontier_and_seen_set_per_run():
    settings = crawl_settings(db="sqlite:///x.db", redis_url="redis://127.0.0.1:6379/0", run="r1")
    assert settings["SCHEDULER"] == "scrapy_redis.scheduler.Scheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings["SCHEDULER_QUEUE_KEY"] == "chidao:r1:%(spider)s:requests"
    assert settings["SCHEDULER_DUPEFILTER_KEY"] == "chidao:r1:%(spider)s:dupefilter"
    assert settings.getbool("SCHEDULER_PERSIST")  # one process finishing must not wipe the others' queue
    assert settings.getfloat("CHIDAO_IDLE_CLOSE") > 0
