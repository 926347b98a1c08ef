"""Training the directive model: repository data plus reviewed tasks in, weights and calibration out.

``train`` labels the clauses the rules propose in each training document
(``nlp.training.convert``), trains the spaCy textcat of ``nlp/models/train.cfg``
on them, and calibrates it: k-fold out-of-fold predictions (folds by document,
fixed seed) give one Platt scaling per rule tier and the two thresholds of the
vote (add a candidate, drop a weak rule directive), chosen to maximise directive
F1 on those held-out folds. The shipped weights are then trained on all the data.
"""

from __future__ import annotations

import io
import json
import math
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from spacy import util
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from nlp.components.directive_model import (
    ACCEPTED_TIERS,
    CALIBRATION_FILE,
    LABEL,
    TIERS,
    WEAK,
    Calibration,
)
from nlp.training.convert import ClauseExample, LabelledDocument, clause_examples, data_files, rules_pipeline
from nlp.training.gold import read_gold

CONFIG = Path(__file__).resolve().parents[1] / "nlp" / "models" / "train.cfg"
MODEL_DIR = Path(__file__).resolve().parents[1] / "nlp" / "models" / "directive_model"
META_FILE = "training.json"

Progress = Callable[[str], None]


class TrainingError(Exception):
    """Training cannot run as asked (no data, a bad config or gold file)."""


@dataclass(slots=True)
class Scored:
    """One held-out clause: its rule tier, the model's probability and the truth."""

    tier: str
    p: float
    label: bool


@dataclass(slots=True)
class TrainReport:
    documents: int
    reviewed_documents: int
    examples: int
    positives: int
    by_tier: dict[str, list[int]]  # tier -> [examples, positives]
    missing_gold: int  # gold directives no rule clause matches (beyond this model's reach)
    folds: int
    rules_only: dict[str, float] = field(default_factory=dict)  # held-out directive P/R/F1 of the rules
    with_model: dict[str, float] = field(default_factory=dict)  # … and of rules + model
    calibration: dict = field(default_factory=dict)
    output: str = ""


# --- data ------------------------------------------------------------------------------------------------------------
def repository_documents(extra: Iterable[Path] = (), *, repository: bool = True) -> list[LabelledDocument]:
    """The repository's annotated documents (``nlp/training/data``) plus any gold files or folders given."""
    paths = (list(data_files()) if repository else []) + [Path(p) for p in extra]
    try:
        return [LabelledDocument.from_gold(g) for g in read_gold(paths)]
    except ValueError as exc:
        raise TrainingError(str(exc)) from None


def reviewed_documents(db: str | None = None) -> list[LabelledDocument]:
    """Reviewed tasks in the store, one labelled document per stored document.

    Accepted and edited directives are directives (with the edited span);
    rejected ones are not. Clauses nobody reviewed are left out.
    """
    from sqlalchemy import select

    from store.db import session_scope
    from store.models import Directive, Document, ReviewStatus

    out: dict[int, LabelledDocument] = {}
    with session_scope(db) as session:
        rows = session.execute(
            select(Directive, Document).join(Document, Directive.document_id == Document.id)
            .where(Directive.review_status.in_(ReviewStatus.REVIEWED)).order_by(Document.id, Directive.start)
        ).all()
        for directive, document in rows:
            ld = out.get(document.id)
            if ld is None:
                ld = out[document.id] = LabelledDocument(f"store:{document.id}", document.text, document.date, [], [])
            span = _span(document.text, directive.start, directive.end, directive.text)
            if span is None:
                continue
            if directive.review_status == ReviewStatus.REJECTED:
                ld.negatives.append(span)  # type: ignore[union-attr]
            else:
                ld.positives.append(span)
    return list(out.values())


def _span(text: str, start: int, end: int, clause: str) -> tuple[int, int] | None:
    """The directive's span in its document: the stored offsets, or where its (edited) text is."""
    if 0 <= start < end <= len(text) and text[start:end] == clause:
        return start, end
    at = text.find(clause) if clause else -1
    return (at, at + len(clause)) if at >= 0 else None


# --- training --------------------------------------------------------------------------------------------------------
def _docs(nlp: Language, examples: list[ClauseExample]) -> list[Doc]:
    from nlp.training.convert import to_doc

    return [to_doc(nlp.vocab, ex) for ex in examples]


def train_textcat(train: list[ClauseExample], config: Path = CONFIG, *, seed: int = 0,
                  max_steps: int | None = None, log: io.TextIOBase | None = None) -> Language:
    """A textcat trained on ``train`` with the config's settings (and fixed seed)."""
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_loop

    from nlp.training.convert import to_docbin

    if not any(ex.label for ex in train) or all(ex.label for ex in train):
        raise TrainingError("training needs both directives and non-directives")
    with tempfile.TemporaryDirectory(prefix="chidao-train-") as tmp:
        tmpdir = Path(tmp)
        vocab = Vocab()
        to_docbin(vocab, train).to_disk(tmpdir / "train.spacy")
        # spaCy's loop wants a dev corpus to log scores; a slice of the training data serves (the model is
        # chosen by steps, not by this score)
        to_docbin(vocab, train[: max(1, len(train) // 10)]).to_disk(tmpdir / "dev.spacy")
        overrides = {"paths.train": str(tmpdir / "train.spacy"), "paths.dev": str(tmpdir / "dev.spacy"),
                     "system.seed": seed}
        if max_steps is not None:
            overrides["training.max_steps"] = max_steps
        try:
            cfg = util.load_config(config, overrides=overrides, interpolate=False)
        except Exception as exc:  # a missing file or a syntax error: name the config
            raise TrainingError(f"{config}: {exc}") from None
        out = io.StringIO()
        nlp = init_nlp(cfg)
        (tmpdir / "out").mkdir()
        _, last = train_loop(nlp, tmpdir / "out", stdout=out, stderr=out)
        if log is not None:
            log.write(out.getvalue())
        return util.load_model(last)


def predict(model: Language, docs: list[Doc]) -> list[float]:
    return [d.cats.get(LABEL, 0.0) for d in model.pipe(docs, batch_size=256)]


def _folds(examples: list[ClauseExample], k: int, seed: int) -> list[set[str]]:
    """k folds of whole documents, each a contiguous run of the sorted document ids.

    Documents written or reviewed together sit next to each other (t01…t08 in
    one sitting), so contiguous folds measure how the model does on text of
    another sitting, not on a sibling of its training documents: a more honest,
    more cautious calibration. ``seed`` rotates which run comes first.
    """
    ids = sorted({ex.doc_id for ex in examples}, key=_natural)
    size = -(-len(ids) // k)
    chunks = [set(ids[i:i + size]) for i in range(0, len(ids), size)]
    shift = seed % len(chunks) if chunks else 0
    return chunks[shift:] + chunks[:shift]


def _natural(doc_id: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", doc_id))


def out_of_fold(examples: list[ClauseExample], k: int, config: Path, seed: int, max_steps: int | None,
                progress: Progress | None = None) -> list[Scored]:
    """Each example scored by a model that did not see its document."""
    scored: list[Scored | None] = [None] * len(examples)
    for i, held in enumerate(_folds(examples, k, seed)):
        if progress:
            progress(f"fold {i + 1}/{k}")
        train = [ex for ex in examples if ex.doc_id not in held]
        idx = [j for j, ex in enumerate(examples) if ex.doc_id in held]
        model = train_textcat(train, config, seed=seed, max_steps=max_steps)
        for j, p in zip(idx, predict(model, _docs(model, [examples[j] for j in idx])), strict=True):
            scored[j] = Scored(examples[j].tier, p, examples[j].label)
    return [s for s in scored if s is not None]


# --- calibration -----------------------------------------------------------------------------------------------------
def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def platt(points: list[tuple[float, bool]], *, l2: float = 1.0, steps: int = 500) -> tuple[float, float]:
    """``(a, b)`` of ``sigmoid(a·logit(p) + b)`` by gradient descent on log loss, pulled towards ``(1, 0)``."""
    a, b = 1.0, 0.0
    n = max(len(points), 1)
    xs = [_logit(p) for p, _ in points]
    ys = [1.0 if y else 0.0 for _, y in points]
    lr = 0.1
    for _ in range(steps):
        ga = l2 * (a - 1.0) / n
        gb = l2 * b / n
        for x, y in zip(xs, ys, strict=True):
            z = a * x + b
            q = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
            ga += (q - y) * x / n
            gb += (q - y) / n
        a -= lr * ga
        b -= lr * gb
    return round(a, 4), round(b, 4)


@dataclass(slots=True)
class Vote:
    """What the vote did on held-out clauses: kept clauses, and the model's own changes."""

    tp: int = 0
    pred: int = 0
    gold: int = 0
    added: int = 0
    added_right: int = 0  # added clauses that are directives
    dropped: int = 0
    dropped_right: int = 0  # dropped clauses that are not

    def precision_of_changes(self) -> float:
        """The worse of the two: how often an added clause is a directive, a dropped one is not."""
        add = self.added_right / self.added if self.added else 1.0
        drop = self.dropped_right / self.dropped if self.dropped else 1.0
        return min(add, drop)


def _vote(scored: list[Scored], cal: Calibration, missing: int) -> Vote:
    v = Vote(gold=missing + sum(s.label for s in scored))
    for s in scored:
        c = cal.confidence(s.tier, s.p)
        if s.tier in ACCEPTED_TIERS:
            keep = not (s.tier == WEAK and s.p < 0.5 and c < cal.drop_threshold)
            if not keep:
                v.dropped += 1
                v.dropped_right += not s.label
        else:
            keep = s.p >= 0.5 and c >= cal.add_threshold
            if keep:
                v.added += 1
                v.added_right += s.label
        if keep:
            v.pred += 1
            v.tp += s.label
    return v


def _prf(tp: int, pred: int, gold: int) -> dict[str, float]:
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "pred": pred, "gold": gold}


def calibrate(scored: list[Scored], missing: int = 0, *, min_precision: float = 0.9) -> Calibration:
    """Platt scaling per tier, then the thresholds of the vote, both chosen on held-out clauses.

    The thresholds maximise directive F1 among those whose changes to the
    rules' output are right at least ``min_precision`` of the time (a clause
    the model adds is a directive, one it drops is not): the model overrides
    the rules only where it is reliably right. Ties go to the more cautious
    thresholds; with no such pair, the model changes nothing.
    """
    cal = Calibration()
    for t in TIERS:
        pts = [(s.p, s.label) for s in scored if s.tier == t]
        if len(pts) >= 10 and 0 < sum(y for _, y in pts) < len(pts):
            cal.scale[t] = platt(pts)
    best: tuple[float, float, float] | None = None
    for add in [x / 100 for x in range(50, 101)]:
        for drop in [x / 100 for x in range(0, 51, 2)]:
            trial = Calibration(scale=cal.scale, add_threshold=add, drop_threshold=drop)
            v = _vote(scored, trial, missing)
            if v.precision_of_changes() < min_precision:
                continue
            key = (_prf(v.tp, v.pred, v.gold)["f1"], add, -drop)
            if best is None or key > best:
                best = key
    cal.add_threshold, cal.drop_threshold = (best[1], -best[2]) if best else (1.0, 0.0)
    return cal


def vote_metrics(scored: list[Scored], cal: Calibration, missing: int) -> dict[str, float]:
    v = _vote(scored, cal, missing)
    out = _prf(v.tp, v.pred, v.gold)
    out.update(added=v.added, added_right=v.added_right, dropped=v.dropped, dropped_right=v.dropped_right)
    return out


# --- the command ------------------------------------------------------------------------------------------------------
def rules_only(scored: list[Scored], missing: int) -> dict[str, float]:
    tp = sum(s.label for s in scored if s.tier in ACCEPTED_TIERS)
    pred = sum(1 for s in scored if s.tier in ACCEPTED_TIERS)
    return _prf(tp, pred, missing + sum(s.label for s in scored))


def train(output: Path = MODEL_DIR, *, config: Path = CONFIG, extra: Iterable[Path] = (),
          reviews: list[LabelledDocument] | None = None, repository: bool = True, folds: int = 4, seed: int = 0,
          max_steps: int | None = None, min_precision: float = 0.9,
          progress: Progress | None = None) -> TrainReport:
    """Train, calibrate and save the directive model to ``output``.

    The data: the repository's annotated documents (unless ``repository`` is
    false), gold files or folders in ``extra``, and reviewed documents.
    """
    say = progress or (lambda _msg: None)
    documents = repository_documents(extra, repository=repository)
    reviewed = list(reviews or [])
    if not documents and not reviewed:
        raise TrainingError("no training documents")
    say(f"labelling the rules' clauses of {len(documents) + len(reviewed)} documents")
    nlp = rules_pipeline()
    unmatched: list[int] = []
    examples = list(clause_examples(nlp, documents + reviewed, unmatched=unmatched))
    missing = sum(unmatched)
    by_tier: dict[str, list[int]] = {t: [0, 0] for t in TIERS}
    for ex in examples:
        by_tier[ex.tier][0] += 1
        by_tier[ex.tier][1] += ex.label
    report = TrainReport(documents=len(documents), reviewed_documents=len(reviewed), examples=len(examples),
                         positives=sum(ex.label for ex in examples), by_tier=by_tier, missing_gold=missing,
                         folds=folds)
    n_docs = len({ex.doc_id for ex in examples})
    if folds >= 2 and n_docs >= folds:
        scored = out_of_fold(examples, folds, config, seed, max_steps, say)
        cal = calibrate(scored, missing, min_precision=min_precision)
        report.rules_only = rules_only(scored, missing)
        report.with_model = vote_metrics(scored, cal, missing)
    else:
        cal = Calibration()
    say("training on all documents")
    model = train_textcat(examples, config, seed=seed, max_steps=max_steps)
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        if not (output / CALIBRATION_FILE).is_file():
            raise TrainingError(f"{output}: not empty and not a directive model folder; not overwriting it")
        shutil.rmtree(output)
    model.to_disk(output)
    (output / CALIBRATION_FILE).write_text(json.dumps(cal.to_json(), indent=1) + "\n", encoding="utf-8")
    report.calibration = cal.to_json()
    report.output = str(output)
    meta = asdict(report)
    sources = Counter("reviews" if ex.doc_id.startswith("store:") else "annotated" for ex in examples)
    meta["trained"] = {"config": Path(config).name, "seed": seed, "min_precision": min_precision,
                       "clauses_by_source": dict(sources)}
    (output / META_FILE).write_text(json.dumps(meta, indent=1, ensure_ascii=False, default=str) + "\n",
                                    encoding="utf-8")
    return report
