"""``chidao_figures``: numbers with what they count, on ``doc.spans["figures"]``."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp.figures import find_figures

if not Doc.has_extension("figures"):
    Doc.set_extension("figures", default=None)


def figures(doc: Doc) -> Doc:
    found = find_figures(doc._.masked)
    doc._.figures = found
    doc.spans["figures"] = [
        sp for f in found if (sp := doc.char_span(f.start, f.end, label=f.unit, alignment_mode="expand")) is not None
    ]
    return doc


@Language.factory("chidao_figures", requires=["doc._.masked"], assigns=["doc._.figures", "doc.spans"])
def make_figures(nlp: Language, name: str):
    return figures
