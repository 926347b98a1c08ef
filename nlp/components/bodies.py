"""``chidao_bodies``: body mentions from the gazetteer, on ``doc.spans["bodies"]``."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp.gazetteer import Gazetteer

if not Doc.has_extension("body_mentions"):
    Doc.set_extension("body_mentions", default=None)
if not Doc.has_extension("place_mentions"):
    Doc.set_extension("place_mentions", default=None)
if not Doc.has_extension("province"):
    Doc.set_extension("province", default=None)


class Bodies:
    def __init__(self) -> None:
        self.gazetteer = Gazetteer.default()

    def __call__(self, doc: Doc) -> Doc:
        masked = doc._.masked
        province = self.gazetteer.infer_province(masked)
        mentions = self.gazetteer.find(masked, on=doc._.ref_date, province=province)
        doc._.province = province
        doc._.body_mentions = mentions
        doc._.place_mentions = self.gazetteer.find_places(masked, on=doc._.ref_date, province=province,
                                                          mentions=mentions)
        doc.spans["bodies"] = [
            sp for m in mentions
            if (sp := doc.char_span(m.start, m.end, label=m.name, alignment_mode="expand")) is not None
        ]
        return doc


@Language.factory("chidao_bodies", requires=["doc._.masked", "doc._.ref_date"],
                  assigns=["doc._.body_mentions", "doc._.place_mentions", "doc._.province", "doc.spans"])
def make_bodies(nlp: Language, name: str) -> Bodies:
    return Bodies()
