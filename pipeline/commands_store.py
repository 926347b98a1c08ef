"""The store's commands: ``chidao db upgrade``, ``ingest``, ``process``, ``status``, ``search``, ``export``.

Thin: argument handling and display only; the work is in ``pipeline`` (ingest, process, query, export) and
``store``. The database is ``--db`` (a file path or a SQLAlchemy URL), else ``$CHIDAO_DB``, else ``chidao.db``
in the working directory. Text from documents is shown through Rich ``Text`` objects, never as markup.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from pipeline.console import DbOption, err, fail

if TYPE_CHECKING:
    from sqlalchemy.orm import Session





def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=False)


def _check(db: str | None) -> None:
    """Exit with a clear error unless the database has the current schema."""
    from store.db import StoreError, check_schema

    try:
        check_schema(db)
    except StoreError as exc:
        raise fail(str(exc)) from None


@contextmanager
def _store(db: str | None) -> Iterator[Session]:
    """A session on a database that has the current schema (or a clear error)."""
    from store.db import session_factory

    _check(db)
    with session_factory(db)() as session:
        yield session


# --- db -------------------------------------------------------------------------------------------------------------

db_app = typer.Typer(help="Create or upgrade the database.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create the database, or bring its schema up to date, and sync the bodies from the gazetteer."""
    from pipeline.process import sync_gazetteer
    from store.db import database_url, session_factory, upgrade

    try:
        upgrade(db)
    except Exception as exc:
        raise fail(f"cannot upgrade {database_url(db)} ({type(exc).__name__}: {exc})") from None
    with session_factory(db)() as session, session.begin():
        synced = sync_gazetteer(session)
    err.print(Text(f"{database_url(db)}: schema up to date" + ("; bodies synced" if synced else "")))


# --- ingest / process / status ---------------------------------------------------------------------------------


def ingest(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH...", show_default=False,
                                                help="Text, HTML, PDF or DOCX files, folders, or JSONL of crawled items.")],
    source: Annotated[str | None, typer.Option("--source", help="Source name for files (JSONL items name their own).")] = None,
    date_: Annotated[str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="Publication date for the files.")] = None,
    db: DbOption = None,
) -> None:
    """Store documents (each once: by canonical URL and content hash); they wait for `chidao process`."""
    from pipeline.ingest import FAILED, count_items, ingest_paths
    from pipeline.query import QueryError, parse_day

    try:
        published = parse_day(date_, "--date")
    except QueryError as exc:
        raise typer.BadParameter(str(exc), param_hint="--date") from None
    with _store(db) as session, _progress() as progress:
        task = progress.add_task("ingest", total=count_items(paths))

        def show(result) -> None:  # noqa: ANN001
            progress.advance(task)
            if result.status == FAILED:
                progress.console.print(Text.assemble(("chidao: error: ", "bold red"), f"{result.label}: {result.reason}"))

        report = ingest_paths(session, paths, source=source, published=published, on_result=show)
    err.print(Text(f"created {report.count('created')}, updated {report.count('updated')}, "
                    f"unchanged {report.count('unchanged')}, failed {report.count('failed')}"))
    raise typer.Exit(1 if report.failed else 0)


def process(
    workers: Annotated[int, typer.Option("--workers", min=1, help="Extraction processes (each loads the models).")] = 1,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Also retry documents that failed.")] = False,
    reextract: Annotated[bool, typer.Option("--reextract", help="Also redo documents done by another extractor version.")] = False,
    everything: Annotated[bool, typer.Option("--all", help="Redo every document.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most this many documents.")] = None,
    db: DbOption = None,
) -> None:
    """Extract pending documents and store their tasks, one transaction per document."""
    from pipeline.process import process_documents

    _check(db)
    with _progress() as progress:
        task = progress.add_task("process", total=None)

        def show(outcome) -> None:  # noqa: ANN001
            progress.advance(task)
            if not outcome.ok:
                progress.console.print(Text.assemble(("chidao: error: ", "bold red"),
                                                     f"document {outcome.document_id}: {outcome.reason}"))

        report = process_documents(db, workers=workers, retry_failed=retry_failed, reextract=reextract,
                                   everything=everything, limit=limit,
                                   on_start=lambda n: progress.update(task, total=n), on_outcome=show)
    err.print(Text(f"processed {report.done}, failed {len(report.failed)}"))
    raise typer.Exit(1 if report.failed else 0)


def status(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    db: DbOption = None,
) -> None:
    """Documents per processing state, task counts, and the failed documents with their reasons."""
    from store import crud

    with _store(db) as session:
        counts = crud.status_counts(session)
        failed = [{"id": d.id, "url": d.url, "title": d.title, "error": d.error}
                  for d in crud.failed_documents(session)]
    if as_json:
        print(json.dumps({**counts, "failed_documents": failed}, ensure_ascii=False))
        return
    console = Console(highlight=False)
    console.print(Text(f"documents {counts['documents']}: pending {counts['pending']}, done {counts['done']}, "
                       f"failed {counts['failed']}; tasks {counts['tasks']} ({counts['directives']} directives)"))
    if failed:
        table = Table("id", "document", "reason", title="failed documents")
        for f in failed:
            table.add_row(str(f["id"]), Text(f["url"] or f["title"] or ""), Text(f["error"] or ""))
        console.print(table)


# --- search / export ------------------------------------------------------------------------------------------------

Body = Annotated[str | None, typer.Option("--body", help="Canonical name, alias or abbreviation; follows the 2025 reorganisation.")]
Role = Annotated[str, typer.Option("--role", help="Which bodies --body matches: lead, coordinate or any.")]
Topic = Annotated[str | None, typer.Option("--topic", help="Topic id or label (see nlp/data/topics.yml).")]
Issuer = Annotated[str | None, typer.Option("--issuer", help="Issuing person (part of the name, diacritics optional).")]
Status = Annotated[list[str] | None, typer.Option("--status", help="Review status: pending, accepted, edited, rejected.")]
Before = Annotated[str | None, typer.Option("--deadline-before", metavar="YYYY-MM-DD", help="Deadline on or before.")]
After = Annotated[str | None, typer.Option("--deadline-after", metavar="YYYY-MM-DD", help="Deadline on or after.")]
Overdue = Annotated[bool, typer.Option("--overdue", help="Deadline passed and not rejected.")]
SourceOpt = Annotated[str | None, typer.Option("--source", help="Source name.")]
Since = Annotated[str | None, typer.Option("--since", metavar="YYYY-MM-DD", help="Documents dated on or after.")]


def _query(session, text, body, role, topic, issuer, status_, before, after, overdue, source, since):  # noqa: ANN001, ANN202
    from pipeline.query import QueryError, build_query

    try:
        return build_query(session, text=text, body=body, role=role, topic_name=topic, issuer=issuer,
                           status=status_, deadline_before=before, deadline_after=after, overdue=overdue,
                           source=source, since=since)
    except QueryError as exc:
        raise fail(str(exc), 2) from None


def _where(hit) -> str:  # noqa: ANN001
    doc = hit.document
    name = doc.source or (doc.url.rstrip("/").rsplit("/", 1)[-1] if doc.url else f"document {doc.document_id}")
    more = f" +{len(hit.sources) - 1}" if len(hit.sources) > 1 else ""
    return " ".join(x for x in (name, doc.date) if x) + more


def _table(hits) -> Table:  # noqa: ANN001
    table = Table(expand=True, show_lines=True)
    table.add_column("id", no_wrap=True)
    table.add_column("deadline", no_wrap=True)
    table.add_column("responsible", ratio=2)
    table.add_column("task", ratio=5)
    table.add_column("topics", ratio=1)
    table.add_column("source", ratio=1)
    table.add_column("status", no_wrap=True)
    for hit in hits:
        who = Text("; ".join(hit.responsible))
        for via in hit.via:
            who.append(f"\n↳ {via.body} ({via.relation})", style="dim")
        table.add_row(str(hit.id), hit.deadline or "", who, Text(hit.text), Text(", ".join(hit.topics)),
                      Text(_where(hit)), hit.review_status)
    return table


def search(
    text: Annotated[str | None, typer.Argument(metavar="[TEXT]", help="Words to find; diacritics optional.")] = None,
    body: Body = None, role: Role = "lead", topic: Topic = None, issuer: Issuer = None, status_: Status = None,
    deadline_before: Before = None, deadline_after: After = None, overdue: Overdue = False,
    source: SourceOpt = None, since: Since = None,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array of tasks instead of a table.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Tasks per page.")] = 20,
    cursor: Annotated[str | None, typer.Option("--cursor", help="Next page: the cursor the previous page printed.")] = None,
    db: DbOption = None,
) -> None:
    """Find tasks: free text without diacritics, filters, newest first."""
    from store.search import search_tasks

    with _store(db) as session:
        query = _query(session, text, body, role, topic, issuer, status_, deadline_before, deadline_after, overdue,
                       source, since)
        try:
            page = search_tasks(session, query=query, limit=limit, cursor=cursor)
        except ValueError as exc:
            raise fail(str(exc), 2) from None
    if as_json:
        sys.stdout.write(json.dumps([h.to_json() for h in page.items], ensure_ascii=False) + "\n")
    else:
        Console(highlight=False).print(_table(page.items))
    if page.next_cursor:
        err.print(Text(f"more: --cursor {page.next_cursor}"))


def export(
    format_: Annotated[str, typer.Option("--format", "-f", help="csv, jsonl or ics.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")] = None,
    text: Annotated[str | None, typer.Option("--text", help="Words to find; diacritics optional.")] = None,
    body: Body = None, role: Role = "lead", topic: Topic = None, issuer: Issuer = None, status_: Status = None,
    deadline_before: Before = None, deadline_after: After = None, overdue: Overdue = False,
    source: SourceOpt = None, since: Since = None,
    db: DbOption = None,
) -> None:
    """Write the matching tasks as CSV (tracker import), JSONL (every field) or iCalendar (one VTODO each)."""
    from pipeline.export import FORMATS, write_csv, write_ics, write_jsonl
    from store.search import iter_tasks

    if format_ not in FORMATS:
        raise typer.BadParameter(f"{format_!r} is not one of {', '.join(FORMATS)}", param_hint="--format")
    with _store(db) as session:
        query = _query(session, text, body, role, topic, issuer, status_, deadline_before, deadline_after, overdue,
                       source, since)
        hits = iter_tasks(session, query=query)
        if format_ == "ics":
            if output is None:
                n = write_ics(hits, sys.stdout.buffer)
            else:
                with output.open("wb") as fh:
                    n = write_ics(hits, fh)
        else:
            writer = write_csv if format_ == "csv" else write_jsonl
            if output is None:
                n = writer(hits, sys.stdout)
            else:
                with output.open("w", encoding="utf-8", newline="") as fh:
                    n = writer(hits, fh)
        sys.stdout.flush()
    err.print(Text(f"exported {n} tasks" + (f" to {output}" if output else "")))


def register(app: typer.Typer) -> None:
    """Add the store's commands to the ``chidao`` app."""
    app.add_typer(db_app, name="db")
    app.command()(ingest)
    app.command()(process)
    app.command()(status)
    app.command()(search)
    app.command()(export)
