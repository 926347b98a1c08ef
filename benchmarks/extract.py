"""Extraction throughput against raw underthesea word segmentation of the same text.

Builds the benchmark corpus (``benchmarks/corpus.py``, 5 MB by default) and,
in one process, times

(a) underthesea ``word_tokenize`` over every sentence of the corpus (sentences
    from a simple split: each non-empty line, cut after . ! ? … when a capital
    or a digit follows; the split itself is not timed), and
(b) the full chidao extraction, ``nlp.extract.Extractor().extract_many``, over
    the same documents.

Both are measured chunk by chunk, (a) and (b) alternating, so a change in the
machine's load hits both alike. Throughput is corpus characters per second
of wall time (and of this process's CPU time, which other programs on the
machine disturb less); ``ratio`` is (b) over (a). Models are loaded and
warmed up before timing. A second, shorter pass times the tokenizer and each
pipeline component separately: where the time goes.

    .venv/bin/python benchmarks/extract.py            # 5 MB, a few minutes
    .venv/bin/python benchmarks/extract.py --mb 0.5   # a quick check

The last line of stdout is one JSON object with the results.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/extract.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import typer  # noqa: E402

from benchmarks import report  # noqa: E402
from benchmarks.corpus import Document, corpus, sentences  # noqa: E402


def _chunks(docs: list[Document], size: int) -> list[list[Document]]:
    return [docs[i:i + size] for i in range(0, len(docs), size)]


def _breakdown(extractor, docs: list[Document]) -> dict[str, float]:
    """CPU seconds of the tokenizer and of each component, over ``docs``."""
    from nlp.text import nfc

    nlp = extractor.nlp
    spent = {"tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names}}
    for d in docs:
        t = time.process_time()
        doc = nlp.make_doc(nfc(d.text))
        doc._.ref_date = d.date
        spent["tokenizer"] += time.process_time() - t
        for name, proc in nlp.pipeline:
            t = time.process_time()
            doc = proc(doc)
            spent[name] += time.process_time() - t
    return spent


def main(
    mb: float = typer.Option(5.0, help="corpus size in MB of UTF-8 text (10**6 bytes)"),
    seed: int = typer.Option(7, help="corpus seed"),
    chunk: int = typer.Option(12, help="documents per alternation of (a) and (b)"),
    breakdown_mb: float = typer.Option(1.0, help="MB of the corpus for the per-component pass (0: skip)"),
) -> None:
    t = time.perf_counter()
    docs = corpus(mb, seed)
    build_s = time.perf_counter() - t
    chars = sum(len(d.text) for d in docs)
    size_mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
    sents = [sentences(d.text) for d in docs]
    report.stderr.print(f"corpus: {len(docs)} documents, {size_mb:.2f} MB, {chars:,} characters "
                        f"({build_s:.1f} s to build)")

    t = time.perf_counter()
    from underthesea import word_tokenize

    from nlp.extract import Extractor

    word_tokenize("Bộ Tài chính chủ trì, phối hợp với các địa phương.")
    extractor = Extractor()
    for _ in extractor.extract_many((d.text, d.path, d.date) for d in docs[:6]):  # lazy models, caches
        pass
    load_s = time.perf_counter() - t
    rss_loaded = report.peak_rss_mb()

    wall = {"a": 0.0, "b": 0.0}
    cpu = {"a": 0.0, "b": 0.0}
    directives = 0
    with report.progress() as bar:
        task = bar.add_task("tokenize | extract", total=len(docs))
        start = 0
        for part in _chunks(docs, chunk):
            w, c = time.perf_counter(), time.process_time()
            for sent_list in sents[start:start + len(part)]:
                for s in sent_list:
                    word_tokenize(s)
            wall["a"] += time.perf_counter() - w
            cpu["a"] += time.process_time() - c
            w, c = time.perf_counter(), time.process_time()
            for ex in extractor.extract_many((d.text, d.path, d.date) for d in part):
                directives += len(ex.directives)
            wall["b"] += time.perf_counter() - w
            cpu["b"] += time.process_time() - c
            start += len(part)
            bar.advance(task, len(part))

    spent: dict[str, float] = {}
    if breakdown_mb > 0:
        sub, size = [], 0
        for d in docs:
            if size >= breakdown_mb * 1e6:
                break
            sub.append(d)
            size += len(d.text.encode("utf-8"))
        spent = _breakdown(extractor, sub)

    tok_rate, chidao_rate = report.rate(chars, wall["a"]), report.rate(chars, wall["b"])
    tok_cpu, chidao_cpu = report.rate(chars, cpu["a"]), report.rate(chars, cpu["b"])
    res = {
        "tokenize_chars_per_s": tok_rate,
        "chidao_chars_per_s": chidao_rate,
        "ratio": round(chidao_rate / tok_rate, 3) if tok_rate else None,
        "tokenize_chars_per_cpu_s": tok_cpu,
        "chidao_chars_per_cpu_s": chidao_cpu,
        "ratio_cpu": round(chidao_cpu / tok_cpu, 3) if tok_cpu else None,
        "peak_rss_mb": report.peak_rss_mb(),
        "rss_after_load_mb": rss_loaded,
        "corpus_mb": round(size_mb, 3),
        "chars": chars,
        "documents": len(docs),
        "sentences": sum(len(s) for s in sents),
        "directives": directives,
        "tokenize_s": round(wall["a"], 2),
        "chidao_s": round(wall["b"], 2),
        "load_s": round(load_s, 2),
        "sentence_split": "lines, cut after . ! ? … before a capital or digit",
        "breakdown_cpu_s": {k: round(v, 3) for k, v in spent.items()},
        **report.machine(),
    }

    rows = [
        ("(a) underthesea word_tokenize", f"{tok_rate:,}", f"{tok_cpu:,}", f"{wall['a']:.1f}"),
        ("(b) chidao extract_many", f"{chidao_rate:,}", f"{chidao_cpu:,}", f"{wall['b']:.1f}"),
        ("ratio (b)/(a)", f"{res['ratio']}", f"{res['ratio_cpu']}", ""),
    ]
    report.table(f"Extraction throughput: {size_mb:.2f} MB, {len(docs)} documents, {res['cores']} cores",
                 rows, ("", "chars/s (wall)", "chars/s (CPU)", "seconds"))
    if spent:
        total = sum(spent.values()) or 1.0
        report.table(f"Where the time goes (CPU, first {breakdown_mb:g} MB)",
                     [(k, f"{v:.2f}", f"{100 * v / total:.0f}%") for k, v in spent.items()],
                     ("stage", "seconds", "share"))
    report.stdout.print(f"peak RSS {res['peak_rss_mb']} MB (after loading: {rss_loaded} MB); "
                        f"{directives} directives; models loaded in {load_s:.1f} s")
    report.result(res)


if __name__ == "__main__":
    typer.run(main)
