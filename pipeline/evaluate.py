"""``chidao eval``: score the extractor on a gold folder as ``../shared/eval/score.py`` does, plus where it errs.

The metrics follow EXTRACTION.md section 8 exactly (same matching, same keys,
same rounding), so the last line printed is the scorer's metrics line. The
breakdown adds counts by field and kind: directives missed and spurious;
responsible and coordinate sets that miss bodies, add bodies or differ; deadlines
missing, spurious, wrong (and how far off).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from nlp.training.gold import GoldDocument, GoldError, key, locate, match, prf, read_folder, ref_key
from pipeline.reading import ReadError, read_text


@dataclass(slots=True)
class Counts:
    d_tp: int = 0
    d_pred: int = 0
    d_gold: int = 0
    r_tp: int = 0
    r_pred: int = 0
    r_gold: int = 0
    c_tp: int = 0
    c_pred: int = 0
    c_gold: int = 0
    dl_ok: int = 0
    dl_n: int = 0
    task_tp: int = 0
    f_tp: int = 0
    f_pred: int = 0
    f_gold: int = 0
    fv_ok: int = 0
    ref_tp: int = 0
    ref_pred: int = 0
    ref_gold: int = 0
    b_tp: int = 0
    b_pred: int = 0
    b_gold: int = 0
    failed: int = 0


@dataclass(slots=True)
class EvalReport:
    docs: int
    counts: Counts
    breakdown: Counter = field(default_factory=Counter)  # (field, kind) -> count
    misses: dict[str, list[str]] = field(default_factory=dict)  # document -> lines

    def metrics(self) -> dict[str, Any]:
        """The metrics line of score.py, key for key."""
        c = self.counts
        dp, dr, df = prf(c.d_tp, c.d_pred, c.d_gold)
        return {
            "docs": self.docs,
            "directive_p": dp, "directive_r": dr, "directive_f1": df,
            "responsible_f1": prf(c.r_tp, c.r_pred, c.r_gold)[2] if c.d_tp or not c.d_gold else 0.0,
            "coordinate_f1": prf(c.c_tp, c.c_pred, c.c_gold)[2] if c.d_tp or not c.d_gold else 0.0,
            "deadline_acc": round(c.dl_ok / c.dl_n, 4) if c.dl_n else float(not c.d_gold),
            "task_f1": prf(c.task_tp, c.d_pred, c.d_gold)[2],
            "figure_f1": prf(c.f_tp, c.f_pred, c.f_gold)[2],
            "figure_value_acc": round(c.fv_ok / c.f_tp, 4) if c.f_tp else float(not c.f_gold),
            "reference_f1": prf(c.ref_tp, c.ref_pred, c.ref_gold)[2],
            "body_f1": prf(c.b_tp, c.b_pred, c.b_gold)[2],
            "gold_directives": c.d_gold, "gold_figures": c.f_gold, "failed_docs": c.failed,
        }


def _spans(items: list[dict[str, Any]]) -> list[tuple[int, int]]:
    out = []
    for it in items:
        s, e = it.get("start"), it.get("end")
        out.append((int(s), int(e)) if isinstance(s, int) and isinstance(e, int) else (0, 0))
    return out


def _set_counts(gold: Iterable[str], pred: Iterable[str]) -> tuple[int, int, int]:
    g = {key(x) for x in gold}
    p = {key(x) for x in pred}
    return len(g & p), len(p), len(g)


def _set_kind(gold: Iterable[str], pred: Iterable[str]) -> str | None:
    """How a predicted body set differs from gold: None (equal), missing, extra, or different."""
    g = {key(x) for x in gold}
    p = {key(x) for x in pred}
    if g == p:
        return None
    if not p:
        return "none predicted"
    if not g:
        return "gold is empty"
    if p < g:
        return "missing bodies"
    if g < p:
        return "extra bodies"
    return "different bodies"


def _deadline_kind(gold: str | None, pred: str | None) -> str | None:
    if (gold or None) == (pred or None):
        return None
    if not pred:
        return "missing"
    if not gold:
        return "spurious"
    try:
        days = (date.fromisoformat(str(pred)) - date.fromisoformat(str(gold))).days
    except ValueError:
        return "not a date"
    if days > 0:
        return "later than gold"
    return "earlier than gold"


def score_document(g: GoldDocument, text: str, pred: dict[str, Any] | None, report: EvalReport) -> None:
    """Add one document's comparison to ``report`` (score.py's rules)."""
    c, bd = report.counts, report.breakdown
    if not pred or pred.get("error"):
        c.failed += 1
        report.misses.setdefault(g.id, []).append(f"  no extraction ({(pred or {}).get('error', 'no output')})")
    pred = pred or {}
    misses: list[str] = []
    gd = g.directives
    pd = pred.get("directives", []) or []
    pairs = match([locate(text, d, g.id) for d in gd], _spans(pd))
    c.d_tp += len(pairs)
    c.d_pred += len(pd)
    c.d_gold += len(gd)
    for gi, pi in pairs:
        gdir, pdir = gd[gi], pd[pi]
        tp, np_, ng = _set_counts(gdir.get("responsible", []), pdir.get("responsible", []) or [])
        c.r_tp += tp
        c.r_pred += np_
        c.r_gold += ng
        resp_ok = tp == np_ == ng
        tp, np_, ng = _set_counts(gdir.get("coordinate", []), pdir.get("coordinate", []) or [])
        c.c_tp += tp
        c.c_pred += np_
        c.c_gold += ng
        dl_ok = (gdir.get("deadline") or None) == (pdir.get("deadline") or None)
        c.dl_n += 1
        c.dl_ok += dl_ok
        if resp_ok and dl_ok:
            c.task_tp += 1
        if kind := _set_kind(gdir.get("responsible", []), pdir.get("responsible", []) or []):
            bd[("responsible", kind)] += 1
            misses.append(f"  responsible {pdir.get('responsible')} != gold {gdir.get('responsible')}: "
                          f"{gdir['text'][:70]!r}")
        if kind := _set_kind(gdir.get("coordinate", []), pdir.get("coordinate", []) or []):
            bd[("coordinate", kind)] += 1
        if kind := _deadline_kind(gdir.get("deadline"), pdir.get("deadline")):
            bd[("deadline", kind)] += 1
            misses.append(f"  deadline {pdir.get('deadline')} != gold {gdir.get('deadline')}: {gdir['text'][:70]!r}")
    matched_g = {gi for gi, _ in pairs}
    matched_p = {pi for _, pi in pairs}
    for gi, gdir in enumerate(gd):
        if gi not in matched_g:
            bd[("directive", "missed")] += 1
            misses.append(f"  missed directive: {gdir['text'][:90]!r}")
    for pi, pdir in enumerate(pd):
        if pi not in matched_p:
            extractors = "+".join(pdir.get("extractors") or []) or "?"
            bd[("directive", f"spurious ({extractors})")] += 1
            misses.append(f"  spurious directive: {str(pdir.get('text'))[:90]!r}")

    gf = g.figures
    pf = pred.get("figures", []) or []
    fpairs = match([locate(text, f, g.id) for f in gf], _spans(pf), of=min)
    c.f_tp += len(fpairs)
    c.f_pred += len(pf)
    c.f_gold += len(gf)
    for gi, pi in fpairs:
        gv, pv = gf[gi].get("value"), pf[pi].get("value")
        ok = isinstance(pv, int | float) and gv is not None and abs(pv - gv) <= 1e-6 * max(1.0, abs(gv))
        c.fv_ok += ok
        if not ok:
            bd[("figure", "wrong value")] += 1
    bd[("figure", "missed")] += len(gf) - len(fpairs)
    bd[("figure", "spurious")] += len(pf) - len(fpairs)

    gr = {ref_key(r["number"]) for r in g.references}
    pr = {ref_key(r.get("number")) for r in pred.get("references", []) or []}
    c.ref_tp += len(gr & pr)
    c.ref_pred += len(pr)
    c.ref_gold += len(gr)
    bd[("reference", "missed")] += len(gr - pr)
    bd[("reference", "spurious")] += len(pr - gr)

    tp, np_, ng = _set_counts(g.bodies or [], pred.get("bodies", []) or [])
    c.b_tp += tp
    c.b_pred += np_
    c.b_gold += ng
    bd[("body", "missed")] += ng - tp
    bd[("body", "spurious")] += np_ - tp
    if misses:
        report.misses.setdefault(g.id, []).extend(misses)


Extract = Callable[[Iterable[tuple[str, str, date | None]]], Iterator[dict[str, Any]]]


def evaluate(gold_dir: Path, extract: Extract, *, progress: Callable[[str], None] | None = None) -> EvalReport:
    """Run ``extract`` over the folder's texts (one stream) and score the output against its gold files."""
    try:
        docs = list(read_folder(Path(gold_dir)))
    except (OSError, ValueError) as exc:
        raise GoldError(f"{gold_dir}: {exc}") from None
    if not docs:
        raise GoldError(f"{gold_dir}: no NAME.gold.json files")
    report = EvalReport(docs=len(docs), counts=Counts())

    def items() -> Iterator[tuple[str, str, date | None]]:
        for g in docs:  # the text as `chidao extract` reads it (strict UTF-8, NFC, "\r" kept)
            try:
                text = read_text(Path(gold_dir) / f"{g.id}.txt")
            except ReadError:
                text = ""
            yield text, f"{g.id}.txt", _day(g.published)

    outputs = extract(items())
    for g in docs:
        pred = next(outputs, None)
        if progress:
            progress(g.id)
        score_document(g, unicodedata.normalize("NFC", g.text), pred, report)
    for k in list(report.breakdown):
        if not report.breakdown[k]:
            del report.breakdown[k]
    return report


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def extractor_outputs(extractor) -> Extract:  # noqa: ANN001 - nlp.extract.Extractor, imported by the caller
    """``extract`` over an ``Extractor``: each document's JSON, or an error object when it fails."""

    def run(items: Iterable[tuple[str, str, date | None]]) -> Iterator[dict[str, Any]]:
        for text, path, day in items:
            try:
                yield extractor.extract(text, path=path, date=day).to_json()
            except Exception as exc:  # one bad document is reported, the others still run
                yield {"path": path, "error": f"extraction failed ({type(exc).__name__}: {exc})"}

    return run
