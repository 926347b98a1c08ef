"""What every benchmark prints: a Rich table for people, then one JSON line for machines.

The JSON object is always the last line of stdout, so ``tail -1`` of a run is
its result. Progress goes to stderr.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

stdout = Console(highlight=False, width=120)
stderr = Console(stderr=True, highlight=False)


def cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident memory of this process (or of its finished children), in MB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    kb = resource.getrusage(who).ru_maxrss
    return round(kb / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def machine() -> dict[str, Any]:
    return {"cores": cores(), "python": platform.python_version(), "machine": platform.machine(),
            "load_avg_1m": round(os.getloadavg()[0], 2)}


def progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=stderr, transient=True)


def table(title: str, rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
    t = Table(title=title, title_justify="left")
    for i, h in enumerate(header):
        t.add_column(h, justify="left" if i == 0 else "right")
    for row in rows:
        t.add_row(*row)
    stdout.print(t)


def result(obj: dict[str, Any]) -> None:
    """The last line of the run: one JSON object."""
    sys.stdout.flush()
    print(json.dumps(obj, ensure_ascii=False, sort_keys=False), flush=True)


def rate(chars: int, seconds: float) -> int:
    return round(chars / seconds) if seconds > 0 else 0
