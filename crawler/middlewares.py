"""Downloader middlewares of the crawler layer (nothing here knows the store).

``BackoffRetryMiddleware`` replaces Scrapy's retry middleware: a retried request waits before it is sent again,
``RETRY_BACKOFF_BASE * 2 ** (retry - 1)`` seconds up to ``RETRY_BACKOFF_MAX``, or longer when the server's
``Retry-After`` asks for it. A server that is struggling gets fewer requests, not three quick ones.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep

DELAY_KEY = "chidao_retry_delay"


def retry_after(value: bytes | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, with an exponential wait before each retry."""

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def backoff(self, retries: int) -> float:
        return min(self.cap, self.base * 2 ** max(0, retries - 1))

    def _retry(self, request: Request, reason: str | Exception | type[Exception]) -> Request | None:
        retry = super()._retry(request, reason)
        if retry is not None:
            retry.meta[DELAY_KEY] = self.backoff(retry.meta.get("retry_times", 1))
        return retry

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        result = super().process_response(request, response)
        if isinstance(result, Request):
            asked = retry_after(response.headers.get("Retry-After"))
            if asked is not None:
                result.meta[DELAY_KEY] = min(max(asked, result.meta.get(DELAY_KEY, 0.0)), self.cap)
        return result

    async def process_request(self, request: Request) -> None:
        delay = request.meta.pop(DELAY_KEY, 0.0)
        if delay:
            self.crawler.stats.inc_value("retry/backoff_seconds", delay)
            await sleep(delay)
