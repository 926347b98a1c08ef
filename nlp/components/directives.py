"""``chidao_directives``: the tasks, on ``doc._.directives`` and ``doc.spans["directives"]``."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp.directives import DirectiveFinder
from nlp.tokenizer import token_offsets

if not Doc.has_extension("directives"):
    Doc.set_extension("directives", default=None)
if not Doc.has_extension("directive_candidates"):
    Doc.set_extension("directive_candidates", default=None)


class Directives:
    """Runs the rules; with ``keep_candidates`` also keeps the clauses they turned down."""

    def __init__(self, keep_candidates: bool = False) -> None:
        self.keep_candidates = keep_candidates

    def __call__(self, doc: Doc) -> Doc:
        return directives(doc, keep_candidates=self.keep_candidates)


def directives(doc: Doc, keep_candidates: bool = False) -> Doc:
    header = doc._.header
    official = bool(header and (header.number or header.doc_type))
    finder = DirectiveFinder(
        token_offsets(doc).text, doc._.masked, doc._.mtext, doc._.paragraphs, doc._.body_mentions or [],
        doc._.ref_date,
        [(r.start, r.end) for r in doc._.references or []],
        official=official, default_issuer=doc._.issuer_person,
        words=_word_bounds(doc),
        places=doc._.place_mentions or [],
        keep_candidates=keep_candidates,
    )
    found = finder.find()
    doc._.directives = found
    doc._.directive_candidates = finder.candidates
    doc.spans["directives"] = [
        sp for d in found if (sp := doc.char_span(d.start, d.end, label="DIRECTIVE", alignment_mode="expand"))
    ]
    return doc


@Language.factory(
    "chidao_directives",
    requires=["doc._.paragraphs", "doc._.body_mentions", "doc._.references", "doc._.ref_date"],
    assigns=["doc._.directives", "doc._.directive_candidates", "doc.spans"],
    default_config={"keep_candidates": False},
)
def make_directives(nlp: Language, name: str, keep_candidates: bool):
    return Directives(keep_candidates)


def _word_bounds(doc: Doc) -> tuple[set[int], set[int]]:
    """Where the tokenizer's words start and end (character offsets)."""
    offsets = token_offsets(doc)
    return offsets.starts, offsets.ends
