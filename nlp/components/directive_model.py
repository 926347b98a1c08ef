"""``chidao_directive_model``: a trained clause classifier that votes with the directive rules.

The rules (``chidao_directives``) accept the clauses they are sure of and, with
a model in the pipeline, keep the ones they turned down as candidates. This
component asks a spaCy ``textcat`` (trained by ``chidao train`` on the clauses
the rules propose, see ``nlp.training``) how likely each clause is a directive,
and turns the rule decision plus that probability into a calibrated confidence:

- a candidate the model is confident about is added (``extractors == ["model"]``);
- an accepted directive the model agrees with gets ``["rules", "model"]``;
- a weak rule-only directive (no directive frame, no task section) is dropped
  when the model strongly disagrees; strong rule directives always stay.

A clause the model adds keeps the attributes the rules computed for it, except
that a reporting frame the rules did not read is cut off its span and the
bodies it addresses become ``responsible`` (:func:`reframe`).

The model sees the clause's words plus a few evidence tokens (the rule tier,
whether a body or deadline was found, the sentence's frame before the clause,
list item or lead-in context), built by :func:`clause_words` both here and when
training, so that training and prediction see the same input.

Calibration and thresholds (``calibration.json`` beside the weights) come from
out-of-fold predictions on the training documents (``pipeline.train``), one
Platt scaling per rule tier: ``confidence = sigmoid(a[tier] * logit(p) + b[tier])``.
The tier is read from the fixed confidences the rules give (0.9/0.85/0.75
accepted, 0.35/0.2 turned down), so those numbers are part of the contract.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from nlp.records import BodyMention, Directive
from nlp.segment import Paragraph
from nlp.text import is_all_caps
from nlp.tokenizer import token_offsets

LABEL = "DIRECTIVE"
OTHER = "OTHER"
CALIBRATION_FILE = "calibration.json"

# Rule tiers: what the rules decided, and how sure they were (nlp/directives.py sets these confidences).
STRONG, WEAK, TABLE, NOPOS, NEG = "strong", "weak", "table", "nopos", "neg"
TIERS = (STRONG, WEAK, TABLE, NOPOS, NEG)
ACCEPTED_TIERS = (STRONG, WEAK, TABLE)

_MAX_CLAUSE_WORDS = 60
_MAX_FRAME_WORDS = 8
_NEAR = 400  # characters: the previous paragraph or two
_DIGIT_RE = re.compile(r"\d")
_SPACE_RE = re.compile(r"\s+")


def tier(d: Directive) -> str:
    """The rule tier of a directive or candidate, from the confidence the rules gave it."""
    if not d.extractors or "rules" not in d.extractors:
        return NEG if d.confidence < 0.3 else NOPOS
    if abs(d.confidence - 0.85) < 1e-6:
        return TABLE
    return STRONG if d.confidence >= 0.85 else WEAK


# --- the model's input -----------------------------------------------------------------------------------------------
@lru_cache(maxsize=1 << 16)  # a document's words repeat; the cache holds a large vocabulary
def _word(text: str) -> str:
    return _DIGIT_RE.sub("0", _SPACE_RE.sub("_", text.strip().lower()))


@lru_cache(maxsize=1 << 16)
def _is_name(text: str) -> bool:
    """A capitalised word of two or more syllables ("Nguyễn Văn Tùng", "Sa Pa"): a name, not a feature."""
    parts = text.split()
    return len(parts) >= 2 and all(p[:1].isupper() for p in parts)


def _mention_tokens(doc: Doc) -> dict[int, tuple[int, str]]:
    """Start offset -> (end, placeholder) of the body, collective and place mentions of ``doc``."""
    cached = doc.user_data.get("chidao_mentions")
    if cached is not None:
        return cached
    out: dict[int, tuple[int, str]] = {}
    for m in doc._.place_mentions or []:
        out[m.start] = (m.end, "__place__")
    for m in doc._.body_mentions or []:
        if m.kind == "office":
            continue  # "Thủ tướng", "Chủ tịch UBND tỉnh": the words say who speaks, keep them
        out[m.start] = (m.end, "__coll__" if m.is_collective else "__body__")
    doc.user_data["chidao_mentions"] = out
    return out


def _token_arrays(doc: Doc) -> tuple[list[int], list[int]]:
    """Start and end offsets of the words of ``doc`` (whitespace tokens left out)."""
    offsets = token_offsets(doc)
    return offsets.word_starts, offsets.word_ends


def _span_words(doc: Doc, start: int, end: int) -> list[str]:
    """The words of ``doc`` in [start, end): bodies, places and names as placeholders, digits as 0.

    Placeholders let a few hundred examples generalise: which ministry acts, or
    who speaks, says nothing about whether the clause is a task. Tokens that
    overlap the range count whole (spaCy's ``alignment_mode="expand"``).
    """
    if end <= start:
        return []
    starts, ends = _token_arrays(doc)
    first = bisect.bisect_right(ends, start)  # the first token ending after ``start``
    if first >= len(starts) or starts[first] >= end:
        return []
    text = _text(doc)
    mentions = _mention_tokens(doc)
    out: list[str] = []
    skip_to = -1
    for i in range(first, len(starts)):
        a = starts[i]
        if a >= end:
            break
        if a < skip_to:
            continue
        hit = mentions.get(a)
        if hit is not None:
            out.append(hit[1])
            skip_to = hit[0]
            continue
        word = text[a:ends[i]]
        if i > first and _is_name(word):
            if not out or out[-1] != "__name__":
                out.append("__name__")
            continue
        w = _word(word)
        if w:
            out.append(w)
    return out


@dataclass(slots=True)
class _Where:
    """The paragraph and sentence a clause sits in, and what came before it."""

    para: Paragraph | None = None
    sent_start: int | None = None
    after_leadin: bool = False
    section: str | None = None  # the last heading's first words
    prev_frame: bool = False  # the paragraph before names a directive verb ("… yêu cầu …", "… chỉ đạo …")


def _text(doc: Doc) -> str:
    return token_offsets(doc).text


class _Outline:
    """A document's paragraphs as the model reads them, indexed once: where each starts, the section heading in
    force at each, and (on demand) whether the one before ends a lead-in or names a directive verb."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = _text(doc)
        self.paras: list[Paragraph] = list(doc._.paragraphs or [])
        self.line_starts = [p.line_start for p in self.paras]
        self.sections: list[str | None] = []
        section = None
        for p in self.paras:
            if p.heading and (p.marker or is_all_caps(self.text[p.start:p.end])):
                # a numbered or capitalised section heading ("II. NHIỆM VỤ", "1. Mục tiêu"), not a news title
                section = " ".join(self.text[p.start:p.end].split()[:3]).lower()
            self.sections.append(section)
        self._before: dict[int, tuple[bool, bool]] = {}

    def before(self, k: int) -> tuple[bool, bool]:
        """(lead-in, directive frame) of the paragraph before paragraph ``k``."""
        if k == 0:
            return False, False
        got = self._before.get(k)
        if got is None:
            prev = self.paras[k - 1]
            got = (self.text[prev.start:prev.end].rstrip().endswith(":"),
                   bool(_directive_verb().search(self.doc._.mtext or "", prev.start, prev.end)))
            self._before[k] = got
        return got

    def locate(self, start: int) -> _Where:
        where = _Where()
        last = bisect.bisect_right(self.line_starts, start) - 1  # paragraphs from here on start later
        if last < 0:
            return where
        k = next((j for j in (last - 1, last) if j >= 0 and self.paras[j].start <= start <= self.paras[j].end), None)
        if k is None:
            where.section = self.sections[last]
            return where
        p = self.paras[k]
        where.para = p
        where.section = self.sections[k]
        where.after_leadin, where.prev_frame = self.before(k)
        for sent in p.sentences:
            if sent.start <= start <= sent.end:
                where.sent_start = sent.start
                break
        return where


def _locate(doc: Doc, start: int) -> _Where:
    outline = doc.user_data.get("chidao_outline")
    if outline is None:
        outline = doc.user_data["chidao_outline"] = _Outline(doc)
    return outline.locate(start)


@lru_cache(maxsize=1)
def _directive_verb() -> re.Pattern[str]:
    from nlp.lexicon import lexicon

    return lexicon().directive_verb


def _context(doc: Doc, d: Directive) -> str:
    """Whether the rules accepted a clause just before this one: tasks come in runs, narration too."""
    ends = doc.user_data.get("chidao_accepted_ends")
    if ends is None:
        ends = sorted(x.end for x in doc._.directives or [] if "rules" in (x.extractors or []))
        doc.user_data["chidao_accepted_ends"] = ends
    i = bisect.bisect_right(ends, d.start)
    if i and d.start - ends[i - 1] <= _NEAR:
        return "__after_task__"
    return "__after_other__"


def clause_words(doc: Doc, d: Directive) -> list[str]:
    """The words the model reads for one directive or candidate of ``doc``.

    Evidence tokens first (``__t_weak__`` …), then the sentence's words before
    the clause (the reporting frame, if any), a separator, and the clause.
    """
    where = _locate(doc, d.start)
    official = bool(doc._.header and (doc._.header.number or doc._.header.doc_type))
    words = [f"__t_{tier(d)}__", "__off__" if official else "__news__",
             "__resp__" if d.responsible else "__noresp__",
             "__coord__" if d.coordinate else "__nocoord__",
             "__dl__" if d.deadline else "__nodl__",
             "__verb__" if d.verb else "__noverb__",
             "__frame__" if d.issuer_office else "__noframe__"]
    p = where.para
    if p is not None:
        words.append("__item__" if p.marker else "__plain__")
        if p.heading:
            words.append("__heading__")
        if where.after_leadin:
            words.append("__leadin__")
        if where.prev_frame:
            words.append("__prevframe__")
    words.append(_context(doc, d))
    if where.section:
        words += ["__sec__"] + [w for w in (_word(x.strip(".:,;()")) for x in where.section.split()) if w]
    before: list[str] = []
    if where.sent_start is not None and where.sent_start < d.start:
        before = _span_words(doc, where.sent_start, d.start)[-_MAX_FRAME_WORDS:]
    words += before or ["__s0__"]
    words.append("||")
    words += _span_words(doc, d.start, d.end)[:_MAX_CLAUSE_WORDS] or [_word(w) for w in d.text.split()[:40]]
    return words


def clause_doc(vocab, doc: Doc, d: Directive) -> Doc:
    """The model's input Doc for a directive or candidate of ``doc``."""
    return Doc(vocab, words=clause_words(doc, d))


# --- calibration -----------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class Calibration:
    """Platt scaling per rule tier and the decision thresholds (chosen on held-out training folds)."""

    scale: dict[str, tuple[float, float]] = field(default_factory=dict)
    add_threshold: float = 0.9  # a candidate is added at or above this confidence
    drop_threshold: float = 0.1  # a weak rule-only directive is dropped below this confidence

    def confidence(self, t: str, p: float) -> float:
        a, b = self.scale.get(t, (1.0, 0.0))
        return _sigmoid(a * _logit(p) + b)

    def to_json(self) -> dict:
        return {"scale": {k: list(v) for k, v in self.scale.items()},
                "add_threshold": self.add_threshold, "drop_threshold": self.drop_threshold}

    @classmethod
    def from_json(cls, obj: dict) -> Calibration:
        return cls(scale={k: (float(v[0]), float(v[1])) for k, v in obj.get("scale", {}).items()},
                   add_threshold=float(obj.get("add_threshold", 0.9)),
                   drop_threshold=float(obj.get("drop_threshold", 0.1)))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def load_calibration(path: Path) -> Calibration:
    f = Path(path) / CALIBRATION_FILE
    if not f.is_file():
        return Calibration()
    return Calibration.from_json(json.loads(f.read_text(encoding="utf-8")))


@lru_cache(maxsize=4)
def load_model(path: str) -> tuple[Language, Calibration]:
    """The trained textcat pipeline and its calibration, loaded once per process (from disk, offline)."""
    return spacy.load(path), load_calibration(Path(path))


# --- the vote --------------------------------------------------------------------------------------------------------
def vote(d: Directive, p: float, cal: Calibration) -> Directive | None:
    """Combine the rule decision with the model's probability; None when the clause is not kept."""
    t = tier(d)
    c = round(cal.confidence(t, p), 4)
    model_yes = p >= 0.5
    if t in ACCEPTED_TIERS:
        if t == WEAK and not model_yes and c < cal.drop_threshold:
            return None
        d.extractors = ["rules", "model"] if model_yes else ["rules"]
        d.confidence = c
        return d
    if c >= cal.add_threshold and model_yes:
        d.extractors = ["model"]
        d.confidence = c
        return d
    return None


def _token_bounds(doc: Doc) -> tuple[set[int], set[int]]:
    offsets = token_offsets(doc)
    return offsets.starts, offsets.ends


def _addressees(doc: Doc, pos: int, end: int) -> list[BodyMention]:
    """The bodies named one after another from ``pos`` ("Sở Y tế, Công an tỉnh và UBND các huyện")."""
    from nlp.lexicon import lexicon

    by_start = doc.user_data.get("chidao_mentions_by_start")
    if by_start is None:
        by_start = {m.start: m for m in (doc._.body_mentions or [])}
        doc.user_data["chidao_mentions_by_start"] = by_start
    connector = lexicon().connector
    text = doc._.mtext or ""
    run: list[BodyMention] = []
    while pos < end:
        m = by_start.get(pos)
        if m is not None:
            run.append(m)
            pos = m.end
            continue
        cm = connector.match(text, pos, end)
        if cm is None or cm.end() <= pos:
            break
        pos = cm.end()
    return run


def reframe(doc: Doc, d: Directive) -> Directive:
    """A clause the model adds: its reporting frame cut off, its addressees as ``responsible``.

    The rules turned the clause down, often because they did not read its frame
    ("Ông Lâm Hải Giang đề nghị UBND thị xã … vận động …"), so they left the
    frame in the span and found no responsible body. When a directive verb in
    the clause's opening words is followed by named bodies, the span starts at
    them (EXTRACTION.md: the span leaves the frame out) and they are responsible.
    """
    text = doc._.mtext or ""
    starts, ends = _token_bounds(doc)
    for vm in _directive_verb().finditer(text, d.start, min(d.end, d.start + 160)):
        if vm.start() not in starts or vm.end() not in ends:
            continue  # part of a longer word ("giao" in "giao thông")
        pos = vm.end()
        while pos < d.end and text[pos] in " \t\n:":
            pos += 1
        run = _addressees(doc, pos, d.end)
        if run:
            d.start = run[0].start
            d.text = _text(doc)[d.start:d.end]
            d.responsible = d.responsible or list(dict.fromkeys(m.name for m in run))
        break
    return d


def uncertainty(directive: Directive) -> float:
    """How unsure the extractors are about a directive, in [0, 1]: ``1 - 2·|confidence − 0.5|``.

    The review queue sorts pending tasks by this, most uncertain first (active
    learning): a reviewer's decision on a 0.5 clause teaches the model most.
    With the model in the pipeline ``confidence`` is its calibrated
    probability; rules alone give fixed confidences, which still order weak
    rule-only directives before strong ones.
    """
    return round(1.0 - 2.0 * abs(float(directive.confidence) - 0.5), 4)


class DirectiveModel:
    """Scores the rules' directives and candidates with the textcat and keeps what the vote says."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.model, self.calibration = load_model(str(path))

    def probabilities(self, doc: Doc, items: list[Directive]) -> list[float]:
        if not items:
            return []
        docs = [clause_doc(self.model.vocab, doc, d) for d in items]
        return [out.cats.get(LABEL, 0.0) for out in self.model.pipe(docs)]

    def __call__(self, doc: Doc) -> Doc:
        accepted = list(doc._.directives or [])
        candidates = list(doc._.directive_candidates or [])
        items = accepted + candidates
        kept = []
        for d, p in zip(items, self.probabilities(doc, items), strict=True):
            voted = vote(d, p, self.calibration)
            if voted is not None:
                kept.append(reframe(doc, voted) if voted.extractors == ["model"] else voted)
        kept = _without_overlaps(kept)
        doc._.directives = kept
        doc.spans["directives"] = [
            sp for d in kept if (sp := doc.char_span(d.start, d.end, label="DIRECTIVE", alignment_mode="expand"))
        ]
        return doc


def _without_overlaps(items: list[Directive]) -> list[Directive]:
    """Sorted by start; a model-only clause that overlaps a rule directive gives way to it."""
    items.sort(key=lambda d: (d.start, d.end))
    out: list[Directive] = []
    for d in items:
        if out and d.start < out[-1].end:
            prev = out[-1]
            if "rules" not in d.extractors:
                continue
            if "rules" not in prev.extractors:
                out[-1] = d
                continue
        out.append(d)
    return out


@Language.factory(
    "chidao_directive_model",
    requires=["doc._.directives", "doc._.directive_candidates", "doc._.paragraphs"],
    assigns=["doc._.directives", "doc.spans"],
    default_config={"path": str(Path(__file__).resolve().parents[1] / "models" / "directive_model")},
)
def make_directive_model(nlp: Language, name: str, path: str) -> DirectiveModel:
    return DirectiveModel(path)
