"""``chidao_directives``: the tasks, on ``doc._.directives`` and ``doc.spans["directives"]``."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp.directives import DirectiveFinder

if not Doc.has_extension("directives"):
    Doc.set_extension("directives", default=None)


def directives(doc: Doc) -> Doc:
    header = doc._.header
    official = bool(header and (header.number or header.doc_type))
    finder = DirectiveFinder(
        doc.text, doc._.masked, doc._.mtext, doc._.paragraphs, doc._.body_mentions or [], doc._.ref_date,
        [(r.start, r.end) for r in doc._.references or []],
        official=official, default_issuer=doc._.issuer_person,
        words=({t.idx for t in doc}, {t.idx + len(t.text) for t in doc}),
        places=doc._.place_mentions or [],
    )
    found = finder.find()
    doc._.directives = found
    doc.spans["directives"] = [
        sp for d in found if (sp := doc.char_span(d.start, d.end, label="DIRECTIVE", alignment_mode="expand"))
    ]
    return doc


@Language.factory(
    "chidao_directives",
    requires=["doc._.paragraphs", "doc._.body_mentions", "doc._.references", "doc._.ref_date"],
    assigns=["doc._.directives", "doc.spans"],
)
def make_directives(nlp: Language, name: str):
    return directives
