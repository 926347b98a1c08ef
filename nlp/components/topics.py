"""``chidao_topics``: sets ``Directive.topics`` on ``doc._.directives`` from the taxonomy in ``nlp/data/topics.yml``."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp.topics import topics_of


def topics(doc: Doc) -> Doc:
    mentions = doc._.body_mentions or []
    for d in doc._.directives or []:
        names = [(m.start - d.start, m.end - d.start) for m in mentions if m.start < d.end and m.end > d.start]
        d.topics = topics_of(d.text, ignore=names)
    return doc


@Language.factory("chidao_topics", requires=["doc._.directives"], assigns=["doc._.directives"])
def make_topics(nlp: Language, name: str):
    return topics
