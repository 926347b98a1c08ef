"""The crawler's commands: ``chidao crawl`` and ``chidao demo``.

Thin: options, progress bars and tables. The crawl itself is ``pipeline.crawl`` (settings, item pipelines, the
run), the spiders are ``crawler/``, the example sites ``pipeline.demo``. Crawled text is shown through Rich
``Text`` objects, never as markup.
"""

from __future__ import annotations

import logging
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from pipeline.console import DbOption, err, fail

DEMO_PORT = 8701  # the example sites' first port, when free: stable URLs, so a second demo run is incremental



def _logging(verbose: bool) -> None:
    """Scrapy's log through Rich, so it does not tear the progress bars: warnings only unless ``--verbose``.

    The level is the handler's: Scrapy sets its own loggers to DEBUG when a crawl starts.
    """
    handler = RichHandler(console=err, show_path=False, markup=False, rich_tracebacks=False)
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.NOTSET)
    logging.captureWarnings(True)
    if not verbose:
        logging.getLogger("py.warnings").setLevel(logging.ERROR)  # library deprecation notices


def _crawl(settings: Any, plan: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """Run the crawl with one progress line per spider: pages fetched, documents stored."""
    from pipeline.crawl import run_crawl

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.fields[pages]} pages"),
               TextColumn("{task.fields[docs]} documents"), TimeElapsedColumn())
    with Progress(*columns, console=err) as progress:
        lines = {spider: progress.add_task(f"crawl {spider} ({', '.join(names)})", total=None, pages=0, docs=0)
                 for spider, names in plan.items()}
        counts: dict[str, dict[str, int]] = defaultdict(lambda: {"page": 0, "stored": 0, "dropped": 0})

        def on_event(spider: str, what: str) -> None:
            counts[spider][what] += 1
            progress.update(lines[spider], pages=counts[spider]["page"], docs=counts[spider]["stored"])

        stats = run_crawl(settings, plan, on_event)
        for line in lines.values():
            progress.update(line, total=1, completed=1)
    return stats


def _stats_table(stats: dict[str, dict[str, Any]]) -> Table:
    table = Table("spider", "pages", "new", "updated", "same", "failed", "skipped", "dropped", "errors",
                  title="crawl", caption="skipped: already stored; dropped: duplicates and older than --since")
    for spider, s in stats.items():
        dropped = sum(s.get(f"chidao/{key}", 0) for key in ("validate/dropped", "dedupe/same_url", "dedupe/same_text",
                                                             "item/older_than_since"))
        errors = s.get("log_count/ERROR", 0)
        table.add_row(spider, str(s.get("response_received_count", 0)), str(s.get("chidao/store/created", 0)),
                      str(s.get("chidao/store/updated", 0)), str(s.get("chidao/store/unchanged", 0)),
                      str(s.get("chidao/store/failed", 0)), str(s.get("chidao/skipped/stored", 0)), str(dropped),
                      f"{errors} ({s.get('finish_reason')})" if s.get("finish_reason") != "finished" else str(errors))
    return table


def _process(db: str | None, workers: int) -> Any:
    from pipeline.process import process_documents

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err) as progress:
        line = progress.add_task("process (loading the models)", total=None)

        def show(outcome: Any) -> None:
            progress.update(line, description="process", advance=1)
            if not outcome.ok:
                progress.console.print(Text.assemble(("chidao: error: ", "bold red"),
                                                     f"document {outcome.document_id}: {outcome.reason}"))

        return process_documents(db, workers=workers, on_outcome=show,
                                 on_start=lambda n: progress.update(line, description="process", total=n))


def _plan(sources: list[Any]) -> dict[str, list[str]]:
    plan: dict[str, list[str]] = defaultdict(list)
    for source in sources:
        plan[source.spider].append(source.name)
    return dict(plan)


def crawl(
    names: Annotated[list[str] | None, typer.Argument(metavar="[SOURCE]...", show_default=False,
                                                      help="Sources to crawl (names in the sources file). Default: all.")] = None,
    since: Annotated[str | None, typer.Option("--since", metavar="YYYY-MM-DD",
                                              help="Stop at listing entries older than this day.")] = None,
    max_pages: Annotated[int | None, typer.Option("--max-pages", min=1, metavar="N",
                                                  help="Follow at most N listing pages per listing (pagination).")] = None,
    redis_url: Annotated[str | None, typer.Option("--redis", metavar="redis://HOST:6379/0",
                                                  help="Share one frontier and seen-set with other crawler processes.")] = None,
    run: Annotated[str | None, typer.Option("--run", metavar="NAME",
                                            help="With --redis: the shared crawl to join (default: today's date).")] = None,
    process: Annotated[bool, typer.Option("--process", help="Extract the new documents when the crawl ends.")] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Extraction processes for --process.")] = 1,
    refetch: Annotated[bool, typer.Option("--refetch",
                                          help="Fetch pages already stored again (changed text is updated).")] = False,
    sources_file: Annotated[Path | None, typer.Option("--sources", metavar="FILE",
                                                      help="Sources file (default: $CHIDAO_SOURCES or the bundled one).")] = None,
    overrides: Annotated[list[str] | None, typer.Option("--set", "-s", metavar="NAME=VALUE",
                                                        help="A Scrapy setting, e.g. -s HTTPCACHE_ENABLED=1.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Scrapy's log.")] = False,
    db: DbOption = None,
) -> None:
    """Crawl the sources politely into the store; incremental: pages already stored are not fetched again."""
    from crawler.sources import SourceError, load_sources, select
    from pipeline.crawl import check_redis, crawl_settings
    from pipeline.query import QueryError, parse_day
    from store.db import StoreError, check_schema, database_url

    try:
        day = parse_day(since, "--since")
    except QueryError as exc:
        raise typer.BadParameter(str(exc), param_hint="--since") from None
    try:
        chosen = select(load_sources(sources_file), names)
    except SourceError as exc:
        raise fail(str(exc), 2) from None
    try:
        check_schema(db)
    except StoreError as exc:
        raise fail(str(exc)) from None
    if redis_url:
        try:
            check_redis(redis_url)
        except ConnectionError as exc:
            raise fail(str(exc)) from None
    _logging(verbose)
    settings = crawl_settings(db=database_url(db), sources_file=str(sources_file) if sources_file else None,
                              since=day, max_pages=max_pages, redis_url=redis_url, run=run, refetch=refetch,
                              log_level="INFO" if verbose else "WARNING")
    for item in overrides or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--set")
        settings.set(name.strip(), value, priority="cmdline")
    stats = _crawl(settings, _plan(chosen))
    err.print(_stats_table(stats))
    failed = any(s.get("finish_reason") not in ("finished", None) for s in stats.values())
    if process:
        report = _process(db, workers)
        err.print(Text(f"processed {report.done}, failed {len(report.failed)}"))
    raise typer.Exit(1 if failed else 0)


@contextmanager
def _demo_sites():
    """The example sites served on localhost, and a sources file pointing at them."""
    from pipeline.demo import SiteServer, load_sites, write_local_sources

    with tempfile.TemporaryDirectory(prefix="chidao-demo-") as tmp:
        sites = load_sites()
        with SiteServer(sites, first_port=DEMO_PORT) as server:
            yield server, write_local_sources(server.urls, Path(tmp) / "sources.yml")


def _summary_tables(summary: Any) -> list[Table]:
    sources = Table("source", "documents", "processed", "failed", "tasks", title="documents per source")
    for row in summary.sources:
        sources.add_row(Text(row.source), str(row.documents), str(row.done), str(row.failed), str(row.tasks))
    bodies = Table("responsible body", "tasks", title=f"tasks per body (top {len(summary.bodies)})")
    for name, n in summary.bodies:
        bodies.add_row(Text(name), str(n))
    title = "next deadlines" if summary.upcoming else "latest deadlines (none still ahead)"
    deadlines = Table("deadline", "responsible", "task", "source", title=title)
    for d in summary.deadlines:
        deadlines.add_row(d.deadline.isoformat(), Text("; ".join(d.responsible)), Text(d.text), Text(d.source or ""))
    return [sources, bodies, deadlines]


def demo(
    db: DbOption = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Extraction processes.")] = 1,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Scrapy's log.")] = False,
) -> None:
    """Crawl the bundled example sites (served on localhost, no network) into the store, extract, summarise."""
    from crawler.sources import load_sources
    from pipeline.crawl import crawl_settings
    from pipeline.demo.summary import store_summary
    from store.db import database_url, session_factory, upgrade

    url = database_url(db)
    try:
        upgrade(db)  # the bodies are synced from the gazetteer by the processing step
    except Exception as exc:
        raise fail(f"cannot prepare the store {url} ({type(exc).__name__}: {exc})") from None
    _logging(verbose)
    with _demo_sites() as (server, sources_file):
        err.print(Text(f"serving {len(server.urls)} example sites on 127.0.0.1; store: {url}"))
        settings = crawl_settings(db=url, sources_file=str(sources_file), polite=False,
                                  log_level="INFO" if verbose else "WARNING")
        stats = _crawl(settings, _plan(list(load_sources(sources_file).values())))
    err.print(_stats_table(stats))
    report = _process(db, workers)
    with session_factory(db)() as session:
        summary = store_summary(session)
    console = Console(highlight=False)
    for table in _summary_tables(summary):
        console.print(table)
    where = "" if db is None else f" --db {db}"
    console.print(Text(f"{summary.tasks} tasks from {sum(s.documents for s in summary.sources)} documents "
                       f"({len(report.failed)} failed). Next: chidao search --body \"Bộ Nội vụ\"{where}"))
    raise typer.Exit(0 if summary.tasks else 1)


def register(app: typer.Typer) -> None:
    app.command("crawl")(crawl)
    app.command("demo")(demo)
