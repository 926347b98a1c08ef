"""``chidao process`` end to end: documents per second and peak memory.

Writes the benchmark corpus (``corpus.py``) as text files, stores them with
``chidao ingest`` into a fresh SQLite store, then times ``chidao process``
(extraction and storing of every task) and samples the resident memory of
its process tree (the command and its workers) ten times a second.

    .venv/bin/python benchmarks/process.py              # 2 MB
    .venv/bin/python benchmarks/process.py --mb 0.5 --workers 2

The last line of stdout is one JSON object with the results.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/process.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # noqa: E402
import typer  # noqa: E402

from benchmarks import report  # noqa: E402
from benchmarks.corpus import corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _chidao(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline.cli", *args]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.pop("CHIDAO_DB", None)
    return env


def _watch(proc: subprocess.Popen, peak: list[float], stop: threading.Event) -> None:
    """Peak RSS (MB) of ``proc`` and its children together."""
    try:
        root = psutil.Process(proc.pid)
    except psutil.NoSuchProcess:
        return
    while not stop.is_set():
        total = 0
        try:
            for p in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    total += p.memory_info().rss
        except psutil.NoSuchProcess:
            return
        peak[0] = max(peak[0], total / 2**20)
        stop.wait(0.1)


def main(
    mb: float = typer.Option(2.0, help="corpus size in MB"),
    seed: int = typer.Option(7, help="corpus seed"),
    workers: int = typer.Option(1, help="chidao process --workers"),
) -> None:
    docs = corpus(mb, seed)
    chars = sum(len(d.text) for d in docs)
    with tempfile.TemporaryDirectory(prefix="chidao-process-bench-") as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        for i, d in enumerate(docs):
            (folder / f"{i:05d}.txt").write_text(d.text, encoding="utf-8")
        db = str(Path(tmp) / "bench.db")
        for args in (("db", "upgrade", "--db", db), ("ingest", str(folder), "--db", db, "--source", "bench")):
            subprocess.run(_chidao(*args), cwd=ROOT, env=_env(), check=True, capture_output=True)
        report.stderr.print(f"processing {len(docs)} documents ({chars:,} characters) with {workers} worker(s) …")
        peak = [0.0]
        stop = threading.Event()
        t = time.perf_counter()
        proc = subprocess.Popen(_chidao("process", "--db", db, "--workers", str(workers)), cwd=ROOT, env=_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        watcher = threading.Thread(target=_watch, args=(proc, peak, stop), daemon=True)
        watcher.start()
        out, err = proc.communicate()
        wall = time.perf_counter() - t
        stop.set()
        watcher.join()
        if proc.returncode != 0:
            raise SystemExit(f"chidao process failed ({proc.returncode}): {err[-2000:]}")
    res = {"docs_per_s": round(len(docs) / wall, 2), "chars_per_s": report.rate(chars, wall),
           "peak_rss_mb": round(peak[0], 1), "wall_s": round(wall, 1), "documents": len(docs), "chars": chars,
           "workers": workers, "includes_startup": True, **report.machine()}
    report.table(f"chidao process: {len(docs)} documents, {workers} worker(s), {res['cores']} cores",
                 [("documents/s", f"{res['docs_per_s']}"), ("characters/s", f"{res['chars_per_s']:,}"),
                  ("peak RSS (process tree), MB", f"{res['peak_rss_mb']}"), ("wall s (with start-up)", f"{wall:.1f}")],
                 ("", "value"))
    report.result(res)


if __name__ == "__main__":
    typer.run(main)
