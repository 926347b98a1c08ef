"""``chidao crawl --redis``: two crawler processes share one frontier and one seen-set through scrapy-redis.

The test serves a generated portal of 40 articles on 4 listing pages and runs two ``chidao crawl`` processes on it
against the local Redis: every page is fetched exactly once, none is missed, both processes do part of the work,
and every article is stored once. The second process starts when the first has put articles in the shared queue,
and article pages are held back until it has shown up, so the split does not depend on start-up times.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from collections import Counter

import pytest
import yaml
from crawl_helpers import FAST, REPO, env
from servicekit import unavailable
from sqlalchemy import func, select

from pipeline.crawl import check_redis
from pipeline.demo import SiteServer
from pipeline.demo.synthetic import LISTING, synthetic_site, synthetic_sources
from store.db import session_factory
from store.models import Document

REDIS = "redis://127.0.0.1:6379/15"
ARTICLES = 40


@pytest.fixture(scope="module")
def redis_url():
    try:
        check_redis(REDIS)
    except ConnectionError as exc:
        unavailable(f"{exc}: the distributed crawl needs a local Redis", "CI must provide Redis on 127.0.0.1:6379")
    return REDIS


class TwoCrawlers(SiteServer):
    """Holds article pages until two different crawlers (User-Agents) have asked for something."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.first_article = threading.Event()
        self.both = threading.Event()

    def record(self, site: str, path: str, user_agent: str) -> None:
        super().record(site, path, user_agent)
        if len({h.user_agent for h in self.log}) >= 2:
            self.both.set()
        if "/bai-viet-" in path:
            self.first_article.set()
            self.both.wait(60)


def test_two_processes_split_the_work_without_overlap(redis_url, tmp_path):
    import redis

    db = tmp_path / "shared.db"
    run = f"test-{uuid.uuid4().hex[:8]}"
    subprocess.run([sys.executable, "-m", "pipeline.cli", "db", "upgrade", "--db", str(db)], cwd=REPO, env=env(),
                   check=True, capture_output=True)
    with TwoCrawlers([synthetic_site(articles=ARTICLES)], delay=0.02) as server:
        sources = tmp_path / "sources.yml"
        sources.write_text(yaml.safe_dump(synthetic_sources(server.urls["synthetic"])), encoding="utf-8")
        procs = []
        for who in ("A", "B"):
            if who == "B":
                assert server.first_article.wait(60), "the first crawler fetched no article"
            command = [sys.executable, "-m", "pipeline.cli", "crawl", "synthetic", "--sources", str(sources),
                       "--db", str(db), "--redis", redis_url, "--run", run,
                       "-s", f"USER_AGENT=chidao-test-{who} (+https://example.org)", "-s", "CHIDAO_IDLE_CLOSE=1",
                       "-s", "CONCURRENT_REQUESTS=4"]
            for key, value in FAST.items():
                command += ["-s", f"{key}={value}"]
            procs.append(subprocess.Popen(command, cwd=REPO, env=env(), stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True))
        outputs = [p.communicate(timeout=180) for p in procs]
        for proc, (_, err) in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, err[-3000:]
        hits = [h for h in server.log if h.path != "/robots.txt"]
    try:
        counts = Counter(h.path for h in hits)
        twice = {path: n for path, n in counts.items() if n > 1}
        assert not twice, f"fetched more than once: {twice}"
        articles = {p for p in counts if "/bai-viet-" in p}
        listings = {p for p in counts if p.startswith(LISTING)}
        assert len(articles) == ARTICLES and len(listings) == 4  # none missed
        by_crawler = Counter(h.user_agent.split()[0] for h in hits if "/bai-viet-" in h.path)
        assert set(by_crawler) == {"chidao-test-A", "chidao-test-B"}, by_crawler  # both did part of the work
        with session_factory(str(db))() as session:
            assert session.scalar(select(func.count(Document.id))) == ARTICLES
    finally:
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(f"chidao:{run}:*"))
        if keys:
            client.delete(*keys)
