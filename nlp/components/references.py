"""``chidao_references``: cited documents, on ``doc.spans["references"]``."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp.references import find_references

if not Doc.has_extension("references"):
    Doc.set_extension("references", default=None)


def references(doc: Doc) -> Doc:
    header = doc._.header
    found = find_references(doc._.masked, own_number=header.number if header else None)
    doc._.references = found
    doc.spans["references"] = [
        sp for r in found
        if r.end > r.start and (sp := doc.char_span(r.start, r.end, label=r.number, alignment_mode="expand"))
    ]
    return doc


@Language.factory("chidao_references", requires=["doc._.masked", "doc._.header"],
                  assigns=["doc._.references", "doc.spans"])
def make_references(nlp: Language, name: str):
    return references
