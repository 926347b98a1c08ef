"""The ``chidao`` command line: argument handling and output, nothing else.

``chidao extract`` prints one JSON object per input document, in input order
(EXTRACTION.md section 7). A document that fails gets an ``{"path", "error"}``
line and a message on stderr, the others still run, and the exit status is 1.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import json
import os
import re
import sys
import tomllib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO

import typer
from rich.console import Console
from rich.text import Text

from pipeline.reading import ReadError, read_text

if TYPE_CHECKING:
    from nlp.extract import Extractor

app = typer.Typer(
    name="chidao",
    help="Directives, responsible bodies, deadlines, figures and cited documents from Vietnamese government texts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals would dump whole documents
)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UTF8_BOM = b"\xef\xbb\xbf"


def _version() -> str:
    """The installed version, or pyproject's when running from a checkout that is not installed."""
    try:
        return metadata.version("chidao")
    except metadata.PackageNotFoundError:
        try:
            pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
            return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"chidao {_version()}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Turn Vietnamese government press and official documents into a database of directives."""


@lru_cache(maxsize=2)
def get_extractor(no_model: bool = False) -> Extractor:
    """The one Extractor of this process: it loads the models, so it is built once and only when needed."""
    from nlp.extract import Extractor

    return Extractor(model=not no_model)


def parse_date(value: str) -> date:
    """A strict ``YYYY-MM-DD`` date (``date.fromisoformat`` alone also takes "20240630" and week dates)."""
    if not _ISO_DATE.fullmatch(value):
        raise ValueError(f"not a date: {value!r} (want YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a date: {value!r} (want YYYY-MM-DD)") from None


@dataclass(slots=True)
class Job:
    """One document to extract; ``error`` is set when its batch line was already unusable."""

    path: str | None
    date: date | None = None
    where: str = ""  # how messages name it: the path, or the batch line
    error: str | None = None
    line: int | None = None

    def label(self) -> str:
        return self.where or str(self.path)


def batch_jobs(lines: Iterable[bytes], name: str) -> Iterator[Job]:
    """The jobs of a batch file, lazily; a malformed line becomes a job that already failed."""
    for number, raw in enumerate(lines, 1):
        where = f"{name} line {number}"
        if number == 1:
            raw = raw.removeprefix(_UTF8_BOM)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield Job(None, where=where, error="not UTF-8", line=number)
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Job(None, where=where, error=f"not JSON ({exc.msg} at column {exc.colno})", line=number)
            continue
        path = obj.get("path") if isinstance(obj, dict) else None
        if not isinstance(path, str) or not path:
            what = 'no "path"' if isinstance(obj, dict) else "not a JSON object"
            yield Job(None, where=where, error=f'{what} (want {{"path": "…", "date": "YYYY-MM-DD" | null}})', line=number)
            continue
        day = obj.get("date")
        try:
            yield Job(path, parse_date(day) if day is not None else None)
        except (TypeError, ValueError):
            yield Job(path, where=f"{where} ({path})", error=f'bad "date" {day!r} (want YYYY-MM-DD or null)', line=number)


@dataclass(slots=True)
class _Slot:
    job: Job
    text: str | None = None
    out: dict[str, Any] | None = None  # None while its extraction is pending


def _error(job: Job, reason: str) -> dict[str, Any]:
    out: dict[str, Any] = {"path": job.path, "error": reason}
    if job.line is not None:
        out["line"] = job.line
    return out


class OrderedRun:
    """Feeds jobs through one ``extract_many`` stream and hands back one output object per job, in input order.

    Documents that cannot be read never reach the extractor but keep their place. If the stream raises, the
    documents it held are extracted one by one (so only the guilty one fails) and a new stream takes the rest.
    """

    def __init__(self, extractor: Extractor, emit: Callable[[Job, dict[str, Any]], None]) -> None:
        self.extractor = extractor
        self.emit = emit
        self.slots: deque[_Slot] = deque()
        self.fed = 0

    def run(self, jobs: Iterable[Job]) -> None:
        jobs = iter(jobs)
        streaming = True
        while streaming:
            self.fed = 0
            stream = self._stream(jobs)
            while True:
                try:
                    extraction = next(stream)
                except StopIteration:
                    streaming = False
                    break
                except BrokenPipeError:  # stdout closed while the feed reported a failure: not the extractor's
                    raise
                except Exception:
                    # The stream is dead. Retry what it held one by one, then start a new one on the rest,
                    # unless it failed before taking anything: then it would fail forever.
                    self._finish_one_by_one()
                    streaming = self.fed > 0
                    break
                self._place(extraction)
                self._drain()
        for job in jobs:  # left only when streaming gave up
            self.slots.append(self._read(job))
            self._finish_one_by_one()
        self._finish_one_by_one()  # anything the stream silently skipped

    def _place(self, extraction: Any) -> None:
        """Give a result to its slot: the first pending one with its path (the head when paths were changed)."""
        pending = [slot for slot in self.slots if slot.out is None]
        path = getattr(extraction, "path", None)
        slot = next((slot for slot in pending if slot.job.path == path), pending[0] if pending else None)
        if slot is not None:  # else a surplus result, dropped
            slot.out = self._to_json(slot.job, extraction)

    def _stream(self, jobs: Iterator[Job]) -> Iterator[Any]:
        yield from self.extractor.extract_many(self._feed(jobs))  # so even the call's own failure comes from next()

    def _finish_one_by_one(self) -> None:
        for slot in self.slots:
            if slot.out is None:
                slot.out = self._extract_one(slot)
        self._drain()

    def _feed(self, jobs: Iterator[Job]) -> Iterator[tuple[str, str, date | None]]:
        for job in jobs:
            slot = self._read(job)
            self.slots.append(slot)
            if slot.out is not None:
                self._drain()  # reported now if nothing before it is still pending
                continue
            self.fed += 1
            yield slot.text or "", str(job.path), job.date

    @staticmethod
    def _read(job: Job) -> _Slot:
        slot = _Slot(job)
        if job.error is not None:
            slot.out = _error(job, job.error)
            return slot
        try:
            slot.text = read_text(str(job.path))
        except ReadError as exc:
            slot.out = _error(job, str(exc))
        return slot

    def _extract_one(self, slot: _Slot) -> dict[str, Any]:
        try:
            extraction = self.extractor.extract(slot.text or "", path=str(slot.job.path), date=slot.job.date)
        except Exception as exc:
            return _error(slot.job, f"extraction failed ({type(exc).__name__}: {exc})")
        return self._to_json(slot.job, extraction)

    @staticmethod
    def _to_json(job: Job, extraction: Any) -> dict[str, Any]:
        try:
            out = extraction.to_json()
        except Exception as exc:
            return _error(job, f"extraction failed ({type(exc).__name__}: {exc})")
        out["path"] = job.path  # the path as given, whatever the extractor did with it
        return out

    def _drain(self) -> None:
        while self.slots and self.slots[0].out is not None:
            slot = self.slots.popleft()
            self.emit(slot.job, slot.out)  # type: ignore[arg-type]


class _Printer:
    """Writes the JSON lines to stdout, one flushed line each, and the failures to stderr."""

    def __init__(self) -> None:
        if isinstance(sys.stdout, io.TextIOWrapper) and sys.stdout.encoding.lower().replace("-", "") != "utf8":
            sys.stdout.reconfigure(encoding="utf-8")  # JSON lines are UTF-8 whatever the locale says
        self.err = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)
        self.failed = 0

    def __call__(self, job: Job, out: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        if "error" in out:
            self.failed += 1
            self.fail(f"{job.label()}: {out['error']}")

    def fail(self, message: str) -> None:
        self.err.print(Text.assemble(("chidao: error: ", "bold red"), message))


def _open_batch(name: str) -> BinaryIO:
    if name == "-":
        return sys.stdin.buffer
    try:
        return open(name, "rb")  # noqa: SIM115 - closed by the caller
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from None


@app.command()
def extract(
    files: Annotated[
        list[str] | None,
        typer.Argument(metavar="FILE", help="UTF-8 text files, one document each.", show_default=False),
    ] = None,
    date_: Annotated[
        str | None,
        typer.Option("--date", metavar="YYYY-MM-DD",
                     help="The documents' date (signing or publication), for relative times. "
                          "Default: the date in each document's own header."),
    ] = None,
    batch: Annotated[
        str | None,
        typer.Option("--batch", metavar="LIST.jsonl",
                     help='One {"path": "…", "date": "YYYY-MM-DD" | null} per line ("-" reads stdin).'),
    ] = None,
    no_model: Annotated[
        bool, typer.Option("--no-model", help="Rules only: leave the trained directive model out."),
    ] = False,
) -> None:
    """Print one JSON object per document, one per line, in input order (EXTRACTION.md section 7)."""
    if bool(files) == (batch is not None):
        why = "not both" if files else "one of them"
        raise typer.BadParameter(f"give FILE... or --batch LIST.jsonl, {why}", param_hint="FILE / --batch")
    if batch is not None and date_ is not None:
        raise typer.BadParameter("--date applies to FILEs; a batch line carries its own date", param_hint="--date")
    try:
        day = parse_date(date_) if date_ is not None else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--date") from None

    printer = _Printer()
    source: BinaryIO | None = None
    if batch is not None:
        try:
            source = _open_batch(batch)
        except ReadError as exc:
            printer.fail(f"{batch}: {exc}")
            raise typer.Exit(1) from None
        jobs: Iterable[Job] = batch_jobs(source, "<stdin>" if batch == "-" else batch)
    else:
        jobs = (Job(path, day) for path in files or [])
    try:
        try:
            extractor = get_extractor(True) if no_model else get_extractor()
        except Exception as exc:
            printer.fail(f"cannot load the extractor ({type(exc).__name__}: {exc})")
            raise typer.Exit(1) from None
        OrderedRun(extractor, printer).run(jobs)
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(1) from None
    finally:
        if source is not None and source is not sys.stdin.buffer:
            source.close()
    raise typer.Exit(1 if printer.failed else 0)


# Each stage keeps its commands in its own module with ``register(app)``: the
# store and pipeline (db, ingest, process, status, search, export), the crawler
# (crawl, demo), the web app (serve, user) and the model (train, eval).
for _module in ("pipeline.commands_store", "pipeline.commands_crawl", "pipeline.commands_web",
                "pipeline.commands_model"):
    if importlib.util.find_spec(_module) is not None:
        importlib.import_module(_module).register(app)


if __name__ == "__main__":
    app(prog_name="chidao")
