"""Helpers of the crawler tests: serving the example sites and running real crawls in subprocesses.

Scrapy's reactor cannot be restarted inside one pytest process, so every crawl is a ``scrapy crawl`` (items to a
JSONL feed) or a ``chidao crawl`` (items to a store) subprocess run from the repository root. The sites are the
demo's (package data, ``pipeline/demo/sites``) plus the test-only ones in ``tests/fixtures/sites``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from crawler.items import decode_bytes
from pipeline.demo import SiteServer

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "sites"
FAST = {"AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
        "RETRY_BACKOFF_BASE": "0.05", "LOG_LEVEL": "INFO"}


def env() -> dict[str, str]:
    out = dict(os.environ)
    out["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), out.get("PYTHONPATH", "")) if p)
    out["PYTHONIOENCODING"] = "utf-8"
    out.pop("CHIDAO_SOURCES", None)
    out.pop("CHIDAO_DB", None)
    return out


class Sites:
    """The served sites, their local sources file, and helpers to crawl them."""

    def __init__(self, server: SiteServer, sources: Path, tmp: Path) -> None:
        self.server = server
        self.sources = sources
        self.tmp = tmp

    def url(self, site: str, path: str = "/") -> str:
        return self.server.urls[site].rstrip("/") + path

    def scrapy(self, spider: str, *args: str, settings: dict[str, str] | None = None,
               name: str = "items") -> tuple[list[dict[str, Any]], subprocess.CompletedProcess[str]]:
        """``scrapy crawl SPIDER`` with the local sources; the items of its JSONL feed."""
        out = self.tmp / f"{name}-{spider}.jsonl"
        out.unlink(missing_ok=True)
        command = [sys.executable, "-m", "scrapy", "crawl", spider, "-O", str(out), *args,
                   "-s", f"CHIDAO_SOURCES={self.sources}"]
        for key, value in {**FAST, **(settings or {})}.items():
            command += ["-s", f"{key}={value}"]
        done = subprocess.run(command, cwd=REPO, env=env(), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-3000:]
        items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
        return items, done

    def chidao(self, *args: str, db: Path, settings: dict[str, str] | None = None,
               check: bool = True) -> subprocess.CompletedProcess[str]:
        """``chidao crawl`` (or another command) against the local sites, without politeness delays."""
        command = [sys.executable, "-m", "pipeline.cli", *args, "--db", str(db)]
        if args and args[0] == "crawl":
            command += ["--sources", str(self.sources)]
            for key, value in {**FAST, **(settings or {})}.items():
                command += ["-s", f"{key}={value}"]
        done = subprocess.run(command, cwd=REPO, env=env(), capture_output=True, text=True, timeout=180)
        if check:
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
        return done

    def fetched(self, site: str) -> list[str]:
        return self.server.fetched(site)


def by_url(items: list[dict[str, Any]], fragment: str) -> dict[str, Any]:
    found = [i for i in items if fragment in i["url"]]
    assert len(found) == 1, f"{fragment}: {[i['url'] for i in items]}"
    return found[0]


def body(item: dict[str, Any], key: str = "body_html") -> str:
    """An item's HTML bytes (base64 in the feed) decoded as the page's encoding."""
    return decode_bytes(item[key]).decode(item.get("encoding") or "utf-8")


