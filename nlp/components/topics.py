"""``chidao_topics``: sets ``Directive.topics`` on ``doc._.directives`` from the taxonomy in ``nlp/data/topics.yml``."""

from __future__ import annotations

import bisect

from spacy.language import Language
from spacy.tokens import Doc

from nlp.topics import topics_of


def topics(doc: Doc) -> Doc:
    mentions = sorted(doc._.body_mentions or [], key=lambda m: m.start)
    starts = [m.start for m in mentions]
    longest = max((m.end - m.start for m in mentions), default=0)
    for d in doc._.directives or []:
        # only mentions starting less than the longest mention before the clause can reach into it
        near = mentions[bisect.bisect_right(starts, d.start - longest):bisect.bisect_left(starts, d.end)]
        names = [(m.start - d.start, m.end - d.start) for m in near if m.end > d.start]
        d.topics = topics_of(d.text, ignore=names)
    return doc


@Language.factory("chidao_topics", requires=["doc._.directives"], assigns=["doc._.directives"])
def make_topics(nlp: Language, name: str):
    return topics
