"""The extraction entry point: text in, ``Extraction`` out (EXTRACTION.md section 7).

The spaCy ``Language`` is built once per ``Extractor`` and reused; many
documents go through ``extract_many`` (``nlp.pipe``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date

from spacy.tokens import Doc

from nlp.gazetteer import Gazetteer
from nlp.language import build
from nlp.records import Extraction
from nlp.text import nfc

# Lone surrogates cannot be encoded (spaCy's string store needs UTF-8); one
# replacement character each keeps every offset.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_RECIPIENTS_RE = re.compile(r"^[ \t]*(?:nơi nhận|kính gửi)\s*:", re.M)
_FILING_RE = re.compile(r"^[ \t\-+]*Lưu\s*:[^\n]*$", re.M)


class Extractor:
    """Holds the loaded pipeline; create one per process."""

    def __init__(self, segment: str | None = None, *, model: bool = True) -> None:
        self.nlp = build(segment, model=model)

    def extract(self, text: str, *, path: str = "", date: date | None = None) -> Extraction:
        return next(self.extract_many([(text, path, date)]))

    def docs(self, items: Iterable[tuple[str, str, date | None]]) -> Iterator[tuple[Doc, str]]:
        """Run the pipeline; yields each Doc with its path."""
        paths: list[str] = []

        def make() -> Iterator[Doc]:
            for text, path, day in items:
                doc = self.nlp.make_doc(_SURROGATE_RE.sub("\ufffd", nfc(text)))
                doc._.ref_date = day
                paths.append(path)
                yield doc

        for i, doc in enumerate(self.nlp.pipe(make(), batch_size=8)):
            yield doc, paths[i]

    def extract_many(self, items: Iterable[tuple[str, str, date | None]]) -> Iterator[Extraction]:
        for doc, path in self.docs(items):
            yield to_extraction(doc, path)


def to_extraction(doc: Doc, path: str) -> Extraction:
    """Collect the records the components left on the Doc."""
    ref = doc._.ref_date
    return Extraction(
        path=path,
        directives=list(doc._.directives or []),
        figures=list(doc._.figures or []),
        references=list(doc._.references or []),
        bodies=document_bodies(doc),
        date=ref.isoformat() if ref else None,
        header=doc._.header,
    )


def document_bodies(doc: Doc) -> list[str]:
    """Every named body of the document (collectives, filing codes and media bylines excluded).

    A news outlet counts only where the document addresses it: named in a task
    or in the recipients ("Nơi nhận"); as a source or byline it is no body.
    """
    masked = doc._.masked or doc.text
    filing = [m.span() for m in _FILING_RE.finditer(masked)]
    recipients = _RECIPIENTS_RE.search(doc._.mtext or masked.lower())
    tasked = {n for d in doc._.directives or [] for n in d.responsible + d.coordinate}
    gazetteer = Gazetteer.default()
    out: list[str] = []
    for m in doc._.body_mentions or []:
        if m.name.startswith("*") or any(s <= m.start < e for s, e in filing):
            continue
        if m.name not in tasked and not (recipients and m.start > recipients.start()) and _is_media(gazetteer, m.name):
            continue
        if m.name not in out:
            out.append(m.name)
    # a province or city acting stands for its people's committee (EXTRACTION.md 9.3)
    out.extend(n for n in dict.fromkeys(sorted(tasked)) if not n.startswith("*") and n not in out)
    return out


def _is_media(gazetteer: Gazetteer, name: str) -> bool:
    body = gazetteer.lookup(name)
    return body is not None and body.type == "media"
