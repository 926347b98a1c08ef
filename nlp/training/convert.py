"""Labelled clauses for the directive model, from gold documents or reviewed tasks, as spaCy ``DocBin``.

The model classifies the clauses the rules propose (their directives and the
candidates they turned down), so the training examples are exactly those
clauses: each rule clause of a training document is labelled by whether it
matches a gold directive (EXTRACTION.md section 8 matching). A reviewed
document labels only the clauses a reviewer decided (accepted or edited:
directive; rejected: not); the rest of it is left out rather than guessed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from nlp.components.directive_model import LABEL, OTHER, clause_words, tier
from nlp.training.gold import GoldDocument, match

DATA_DIR = Path(__file__).parent / "data"


@dataclass(slots=True)
class LabelledDocument:
    """A text with directive spans known to be right and, optionally, spans known to be wrong.

    ``negatives is None`` means the labels are complete: every other clause is not a directive.
    """

    id: str
    text: str
    published: date | None
    positives: list[tuple[int, int]]
    negatives: list[tuple[int, int]] | None = None

    @classmethod
    def from_gold(cls, g: GoldDocument) -> LabelledDocument:
        day = date.fromisoformat(g.published) if g.published else None
        return cls(g.id, g.text, day, g.directive_spans(), None)


@dataclass(slots=True)
class ClauseExample:
    doc_id: str
    words: list[str]
    label: bool
    tier: str
    start: int
    end: int
    text: str = field(repr=False, default="")


def rules_pipeline(segment: str | None = None) -> Language:
    """The extraction pipeline without a model, keeping the clauses the rules turn down."""
    from nlp.language import build

    nlp = build(segment, model=False)
    nlp.get_pipe("chidao_directives").keep_candidates = True
    return nlp


def run_rules(nlp: Language, text: str, day: date | None) -> Doc:
    doc = nlp.make_doc(text)
    doc._.ref_date = day
    return nlp(doc)


def clause_examples(nlp: Language, documents: Iterable[LabelledDocument],
                    unmatched: list[int] | None = None) -> Iterator[ClauseExample]:
    """Every rule clause of each document that has a label.

    ``unmatched`` collects, per document, the gold directives no rule clause
    matches: directives beyond the reach of a model that only re-ranks clauses.
    """
    for ld in documents:
        doc = run_rules(nlp, ld.text, ld.published)
        items = list(doc._.directives or []) + list(doc._.directive_candidates or [])
        spans = [(d.start, d.end) for d in items]
        pairs = match(ld.positives, spans)
        if unmatched is not None:
            unmatched.append(len(ld.positives) - len(pairs))
        labels: dict[int, bool] = {pi: True for _, pi in pairs}
        if ld.negatives is None:
            labels.update({i: False for i in range(len(items)) if i not in labels})
        else:
            labels.update({pi: False for _, pi in match(ld.negatives, spans) if pi not in labels})
        for i, d in enumerate(items):
            if i in labels:
                yield ClauseExample(ld.id, clause_words(doc, d), labels[i], tier(d), d.start, d.end, d.text)


def to_doc(vocab: Vocab, ex: ClauseExample) -> Doc:
    doc = Doc(vocab, words=ex.words)
    doc.cats = {LABEL: float(ex.label), OTHER: float(not ex.label)}
    doc.user_data["doc_id"] = ex.doc_id
    doc.user_data["tier"] = ex.tier
    return doc


def to_docbin(vocab: Vocab, examples: Iterable[ClauseExample]) -> DocBin:
    db = DocBin(store_user_data=True)
    for ex in examples:
        db.add(to_doc(vocab, ex))
    return db


def data_files(folder: Path = DATA_DIR) -> list[Path]:
    """The JSONL files of the repository's training data."""
    return sorted(folder.glob("*.jsonl"))


def main(argv: list[str]) -> int:
    """``python -m nlp.training.convert OUT.spacy [DATA.jsonl | GOLD_DIR]…``: the labelled clauses as a DocBin."""
    from nlp.training.gold import read_gold

    if not argv:
        print(main.__doc__, file=sys.stderr)
        return 2
    out, sources = Path(argv[0]), [Path(p) for p in argv[1:]] or data_files()
    docs = [LabelledDocument.from_gold(g) for g in read_gold(sources)]
    examples = list(clause_examples(rules_pipeline(), docs))
    to_docbin(Vocab(), examples).to_disk(out)
    print(f"{out}: {len(examples)} clauses ({sum(ex.label for ex in examples)} directives) "
          f"from {len(docs)} documents", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
