"""Extraction with 1 and with 2 worker processes: the speed-up.

Each worker is a fresh process (``spawn``) that builds its own
``Extractor`` and warms it up; then all workers start together and take
chunks of documents from one queue (largest documents first, so no worker
is left with a long tail) and run ``extract_many`` on them. The time of a
run is the wall time from the common start until the last worker is done.
Speed-up = time with 1 worker / time with N workers.

    .venv/bin/python benchmarks/scale.py              # 2 MB, workers 1 and 2
    .venv/bin/python benchmarks/scale.py --mb 0.5 --workers 1,2,4

The last line of stdout is one JSON object with the results.
"""

from __future__ import annotations

import multiprocessing as mp
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/scale.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import typer  # noqa: E402

from benchmarks import report  # noqa: E402
from benchmarks.corpus import Document, corpus  # noqa: E402


def _worker(work, start, results) -> None:
    """One process: load, warm up, wait for the start, then extract chunks from the shared queue until told to stop."""
    from nlp.extract import Extractor

    extractor = Extractor()
    warm = work.get()  # the first chunk warms the models up
    for _ in extractor.extract_many((d.text, d.path, d.date) for d in warm):
        pass
    start.wait()
    w, c = time.perf_counter(), time.process_time()
    directives = chars = 0
    while (chunk := work.get()) is not None:
        directives += sum(len(ex.directives) for ex in extractor.extract_many((d.text, d.path, d.date) for d in chunk))
        chars += sum(len(d.text) for d in chunk)
    results.put({"wall_s": time.perf_counter() - w, "cpu_s": time.process_time() - c, "chars": chars,
                 "directives": directives, "peak_rss_mb": report.peak_rss_mb()})


def run(docs: list[Document], workers: int, chunk: int) -> dict:
    """The documents in chunks on one queue, largest first, so no worker is left with a long tail."""
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(workers + 1)
    results = ctx.Queue()
    work = ctx.Queue()
    ordered = sorted(docs, key=lambda d: len(d.text), reverse=True)
    for _ in range(workers):
        work.put(docs[:3])
    for i in range(0, len(ordered), chunk):
        work.put(ordered[i:i + chunk])
    for _ in range(workers):
        work.put(None)
    procs = [ctx.Process(target=_worker, args=(work, start, results)) for _ in range(workers)]
    for p in procs:
        p.start()
    start.wait()  # every worker has loaded its models
    t = time.perf_counter()
    got = [results.get() for _ in procs]
    wall = time.perf_counter() - t
    for p in procs:
        p.join()
    chars = sum(r["chars"] for r in got)
    return {"workers": workers, "wall_s": round(wall, 2), "chars_per_s": report.rate(chars, wall),
            "worker_cpu_s": [round(r["cpu_s"], 2) for r in got],
            "worker_wall_s": [round(r["wall_s"], 2) for r in got],
            "worker_peak_rss_mb": [r["peak_rss_mb"] for r in got],
            "directives": sum(r["directives"] for r in got)}


def main(
    mb: float = typer.Option(2.0, help="corpus size in MB of UTF-8 text"),
    seed: int = typer.Option(7, help="corpus seed"),
    workers: str = typer.Option("1,2", help="worker counts to run, comma-separated"),
    chunk: int = typer.Option(4, help="documents a worker takes from the queue at a time"),
) -> None:
    docs = corpus(mb, seed)
    chars = sum(len(d.text) for d in docs)
    counts = [int(x) for x in workers.split(",") if x.strip()]
    report.stderr.print(f"corpus: {len(docs)} documents, {chars:,} characters; workers {counts}")
    runs = []
    for n in counts:
        report.stderr.print(f"running with {n} worker(s) …")
        runs.append(run(docs, n, chunk))
    base = next((r for r in runs if r["workers"] == 1), runs[0])
    for r in runs:
        r["speedup"] = round(base["wall_s"] / r["wall_s"], 3) if r["wall_s"] else None
        # what the speed-up would be if nothing else ran: one worker's CPU time against the CPU time per worker
        r["speedup_cpu"] = round(r["workers"] * max(base["worker_cpu_s"]) / sum(r["worker_cpu_s"]), 3)
    rows = [(str(r["workers"]), f"{r['wall_s']:.1f}", f"{r['chars_per_s']:,}", f"{r['speedup']}",
             f"{r['speedup_cpu']}",
             " / ".join(f"{c:.1f}" for c in r["worker_cpu_s"]), " / ".join(f"{m:.0f}" for m in r["worker_peak_rss_mb"]))
            for r in runs]
    report.table(f"Extraction scaling: {chars:,} characters, {report.cores()} cores", rows,
                 ("workers", "wall s", "chars/s", "speed-up", "speed-up (CPU)", "CPU s per worker",
                  "peak RSS MB per worker"))
    report.stdout.print("speed-up (CPU): N × one worker's CPU time over the workers' total, the speed-up an otherwise "
                        "idle machine with perfect balance would show; wall figures suffer from anything else running "
                        f"(load average now {report.machine()['load_avg_1m']}).")
    two = next((r for r in runs if r["workers"] == 2), None)
    report.result({"speedup_2": two["speedup"] if two else None,
                   "speedup_2_cpu": two["speedup_cpu"] if two else None, "runs": runs, "chars": chars,
                   "documents": len(docs), "corpus_mb": mb, **report.machine()})


if __name__ == "__main__":
    typer.run(main)
