"""What the pages show about a task or a document, assembled from the store: cards and highlighted text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pipeline.web.highlight import Segment, Span, body_spans, find_all, segments, sentence_bounds
from store.models import Body, Directive, Document, Figure, Reference


@dataclass(slots=True)
class Card:
    """A task as the review queue and the task page show it."""

    task: Directive
    document: Document
    sentence: list[Segment]
    original: str  # the clause as the document has it (the task's text may have been edited since)
    figures: list[Figure] = field(default_factory=list)
    uncertainty: float | None = None

    @property
    def edited_text(self) -> bool:
        return " ".join(self.original.split()) != " ".join(self.task.text.split())


def body_forms(session: Session, names: Sequence[str]) -> dict[str, list[str]]:
    """Each body name with the other names it goes by (the gazetteer's aliases), for finding it in text."""
    wanted = {n for n in names if n and not n.startswith("*")}
    forms: dict[str, list[str]] = {n: [] for n in names if n}
    if wanted:
        for name, aliases in session.execute(select(Body.name, Body.aliases).where(Body.name.in_(wanted))):
            forms[name] = list(aliases or [])
    return forms


def _figure_label(f: Figure) -> str:
    value = f"{f.value:,.10g}".replace(",", " ")
    return f"{value} {f.unit}".strip() + (f" / {f.total:,.10g}" if f.total else "")


def cards(session: Session, directives: Sequence[Directive], *,
          uncertainty: dict[int, float] | None = None) -> list[Card]:
    """Cards for ``directives``: the sentence around each clause, with the clause, its bodies, its deadline and
    the figures in it highlighted."""
    doc_ids = {d.document_id for d in directives}
    documents = {d.id: d for d in session.scalars(
        select(Document).where(Document.id.in_(doc_ids)).options(selectinload(Document.figures)))}
    forms = body_forms(session, [b.body_name for d in directives for b in d.bodies])
    out = []
    for d in directives:
        doc = documents[d.document_id]
        text = doc.text
        start, end = max(0, min(d.start, len(text))), max(0, min(d.end, len(text)))
        a, b = sentence_bounds(text, start, end)
        piece = text[a:b]
        spans = [Span(start - a, end - a, "directive")]
        spans += body_spans(piece, {b.body_name: forms.get(b.body_name, []) for b in d.bodies})
        if d.deadline_text:
            label = d.deadline.isoformat() if d.deadline else ""
            spans += [Span(x, y, "deadline", label) for x, y in find_all(piece, [d.deadline_text])]
        figs = [f for f in doc.figures if a <= f.start and f.end <= b]
        spans += [Span(f.start - a, f.end - a, "figure", _figure_label(f)) for f in figs]
        out.append(Card(task=d, document=doc, sentence=segments(piece, spans), original=text[start:end],
                        figures=figs, uncertainty=(uncertainty or {}).get(d.id)))
    return out


@dataclass(slots=True)
class DocumentView:
    document: Document
    segments: list[Segment]
    directives: list[Directive]
    figures: list[Figure]
    references: list[Reference]
    bodies: list[tuple[str, int]]  # canonical name, times found in the text


def document_view(session: Session, document: Document) -> DocumentView:
    """The whole text with every stored span highlighted: directives, their bodies, deadlines, figures, and
    cited documents; and the lists of each."""
    directives = list(session.scalars(
        select(Directive).where(Directive.document_id == document.id)
        .options(selectinload(Directive.bodies), selectinload(Directive.topic_links))
        .order_by(Directive.start, Directive.id)))
    text = document.text
    spans: list[Span] = []
    for d in directives:
        if 0 <= d.start < d.end <= len(text):
            spans.append(Span(d.start, d.end, "directive", f"#{d.id}", anchor=f"d-{d.id}"))
            if d.deadline_text:
                label = d.deadline.isoformat() if d.deadline else ""
                piece = text[d.start:d.end]
                spans += [Span(d.start + x, d.start + y, "deadline", label) for x, y in find_all(piece, [d.deadline_text])]
    figures = list(document.figures)
    spans += [Span(f.start, f.end, "figure", _figure_label(f), anchor=f"f-{f.id}") for f in figures]
    references = list(document.references)
    spans += [Span(r.start, r.end, "reference", r.number, anchor=f"r-{r.id}") for r in references if r.end > r.start]
    names = list(dict.fromkeys(b.body_name for d in directives for b in d.bodies))
    found = body_spans(text, body_forms(session, names))
    spans += found
    counts: dict[str, int] = {}
    for s in found:
        counts[s.label] = counts.get(s.label, 0) + 1
    bodies = sorted(((n, counts.get(n, 0)) for n in names), key=lambda x: (-x[1], x[0]))
    return DocumentView(document=document, segments=segments(text, spans), directives=directives,
                        figures=figures, references=references, bodies=bodies)
