"""Crawl rate against a large generated site on localhost, politeness throttling off (for the benchmark only).

Serves ``pipeline.demo.synthetic.synthetic_site`` (a news portal shaped like
baochinhphu.vn: a paginated category listing and its articles) with the
demo's ``SiteServer`` in this process, and runs two crawls of it, each a
subprocess as a user would start it:

- ``store``: ``chidao crawl`` into a fresh SQLite store: fetch, parse,
  convert the article to text, de-duplicate and store each document;
- ``fetch``: ``scrapy crawl`` with the same spider and sources, items to a
  JSONL feed: the crawler alone, without the store pipelines.

Both with AutoThrottle off, no download delay and ``--concurrency`` requests
in flight (the crawler's real settings keep 2 per site and a one-second delay).
Pages/s counts every page the server answered between the crawl's first and
last request (process start-up excluded; the wall time with it is shown too).

    .venv/bin/python benchmarks/crawl.py                    # 3,000 articles
    .venv/bin/python benchmarks/crawl.py --articles 500

The last line of stdout is one JSON object with the results.
"""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/crawl.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import typer  # noqa: E402
import yaml  # noqa: E402

from benchmarks import report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _server_class():
    from pipeline.demo import SiteServer

    class TimedServer(SiteServer):
        """Also records when each request came."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.times: list[float] = []

        def record(self, site: str, path: str, user_agent: str) -> None:
            super().record(site, path, user_agent)
            with self._lock:
                self.times.append(time.perf_counter())

    return TimedServer


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.pop("CHIDAO_DB", None)
    env.pop("CHIDAO_SOURCES", None)
    return env


def _fast(concurrency: int) -> list[str]:
    """Politeness off: the benchmark's own local server, never a real site."""
    settings = {"AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0", "DOWNLOAD_DELAY_JITTER": "0",
                "CONCURRENT_REQUESTS": str(concurrency), "CONCURRENT_REQUESTS_PER_DOMAIN": str(concurrency),
                "RETRY_BACKOFF_BASE": "0.1", "LOG_LEVEL": "WARNING"}
    return [arg for k, v in settings.items() for arg in ("-s", f"{k}={v}")]


def _crawl(mode: str, site, server_cls, tmp: Path, concurrency: int) -> dict:
    from pipeline.demo.synthetic import synthetic_sources

    with server_cls([site]) as server:
        sources = tmp / f"sources-{mode}.yml"
        sources.write_text(yaml.safe_dump(synthetic_sources(server.urls[site.name], site.name)), encoding="utf-8")
        if mode == "store":
            db = tmp / "crawl.db"
            subprocess.run([sys.executable, "-m", "pipeline.cli", "db", "upgrade", "--db", str(db)],
                           cwd=ROOT, env=_env(), check=True, capture_output=True)
            command = [sys.executable, "-m", "pipeline.cli", "crawl", site.name, "--sources", str(sources),
                       "--db", str(db), *_fast(concurrency)]
        else:
            feed = tmp / "items.jsonl"
            command = [sys.executable, "-m", "scrapy", "crawl", "baochinhphu", "-a", f"source={site.name}",
                       "-O", str(feed), "-s", f"CHIDAO_SOURCES={sources}", *_fast(concurrency)]
        cpu = time.process_time()
        child = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=3600)
        wall = time.perf_counter() - wall
        server_cpu = time.process_time() - cpu
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        crawler_cpu = (after.ru_utime - child.ru_utime) + (after.ru_stime - child.ru_stime)
        if done.returncode != 0:
            raise RuntimeError(f"{mode} crawl failed ({done.returncode}): {done.stderr[-2000:]}")
        pages = len([h for h in server.log if h.path != "/robots.txt"])
        span = (server.times[-1] - server.times[0]) if len(server.times) > 1 else wall
    if mode == "store":
        with sqlite3.connect(tmp / "crawl.db") as con:
            items = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    else:
        items = sum(1 for line in feed.read_text(encoding="utf-8").splitlines() if line.strip())
    return {"mode": mode, "pages": pages, "items": items, "crawl_s": round(span, 2), "wall_s": round(wall, 2),
            "pages_per_s": round(pages / span, 1) if span else None,
            "pages_per_s_with_startup": round(pages / wall, 1), "server_cpu_s": round(server_cpu, 2),
            "crawler_cpu_s": round(crawler_cpu, 2), "crawler_cpu_ms_per_page": round(1000 * crawler_cpu / max(pages, 1), 1)}


def main(
    articles: int = typer.Option(3000, help="articles on the generated site"),
    per_page: int = typer.Option(100, help="articles per listing page"),
    concurrency: int = typer.Option(32, help="requests in flight"),
    modes: str = typer.Option("store,fetch", help="crawls to run: store (chidao crawl), fetch (scrapy alone)"),
) -> None:
    from pipeline.demo.synthetic import synthetic_site

    site = synthetic_site("synthetic", articles=articles, per_page=per_page)
    server_cls = _server_class()
    runs = []
    with tempfile.TemporaryDirectory(prefix="chidao-crawl-bench-") as tmp:
        for mode in [m.strip() for m in modes.split(",") if m.strip()]:
            report.stderr.print(f"{mode}: crawling {articles:,} articles …")
            runs.append(_crawl(mode, site, server_cls, Path(tmp), concurrency))
    report.table(f"Crawl rate: {articles:,} articles, {per_page} per listing page, {concurrency} in flight, "
                 f"{report.cores()} cores",
                 [(r["mode"], f"{r['pages']:,}", f"{r['items']:,}", f"{r['crawl_s']}", f"{r['pages_per_s']}",
                   f"{r['pages_per_s_with_startup']}", f"{r['crawler_cpu_ms_per_page']}", f"{r['server_cpu_s']}")
                  for r in runs],
                 ("crawl", "pages", "items", "seconds", "pages/s", "pages/s incl. start-up", "crawler CPU ms/page",
                  "server CPU s"))
    report.stdout.print("crawler CPU ms/page includes the process start-up (imports, reactor): a few seconds.")
    by_mode = {r["mode"]: r for r in runs}
    report.result({"store_pages_per_s": by_mode.get("store", {}).get("pages_per_s"),
                   "fetch_pages_per_s": by_mode.get("fetch", {}).get("pages_per_s"),
                   "articles": articles, "concurrency": concurrency, "runs": runs, **report.machine()})


if __name__ == "__main__":
    typer.run(main)
