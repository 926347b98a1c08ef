"""``chidao_layout``: page furniture, paragraphs, the document header and its date."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp.header import conclusion_leader, parse_header
from nlp.segment import segment
from nlp.text import mask_noise, match_form, noise_spans
from nlp.tokenizer import match_text, token_offsets

for _name in ("ref_date", "masked", "mtext", "noise", "paragraphs", "header", "issuer_person"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class Layout:
    """Sets the text views every later component reads; offsets stay those of ``doc.text``."""

    def __call__(self, doc: Doc) -> Doc:
        text = token_offsets(doc).text
        noise = noise_spans(text)
        masked = mask_noise(text) if noise else text
        doc._.noise = noise
        doc._.masked = masked
        doc._.mtext = (None if noise else match_text(doc)) or match_form(masked)
        doc._.paragraphs = segment(masked, noise)
        header = parse_header(masked)
        doc._.header = header
        if doc._.ref_date is None:
            doc._.ref_date = header.date
        doc._.issuer_person = conclusion_leader(masked) or header.signer
        return doc


@Language.factory("chidao_layout", assigns=["doc._.masked", "doc._.mtext", "doc._.paragraphs", "doc._.header",
                                            "doc._.ref_date", "doc._.noise", "doc._.issuer_person"])
def make_layout(nlp: Language, name: str) -> Layout:
    return Layout()
