"""Highlighted text without HTML: a text is cut into segments, each with the kinds of span it lies in.

Templates print each segment's text through autoescaping inside a ``<span>`` whose classes come from a fixed
list, so crawled text can never become markup. Spans may nest or overlap (a body inside a directive).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from nlp.text import strip_marks

KINDS = ("directive", "body", "deadline", "figure", "reference")


@dataclass(slots=True)
class Span:
    start: int
    end: int
    kind: str  # one of KINDS
    label: str = ""  # shown as a tooltip: the canonical body name, the deadline's date, a figure's value
    anchor: str | None = None  # an element id put where the span starts (the document view links to it)


@dataclass(slots=True)
class Segment:
    text: str
    kinds: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    anchors: tuple[str, ...] = field(default_factory=tuple)

    @property
    def css(self) -> str:
        return " ".join(f"hl-{k}" for k in self.kinds)

    @property
    def title(self) -> str:
        return " · ".join(x for x in self.labels if x)


def segments(text: str, spans: Iterable[Span]) -> list[Segment]:
    """``text`` cut at every span boundary; each piece knows which spans cover it."""
    spans = [s for s in spans if s.kind in KINDS and 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        cover = [s for s in spans if s.start <= a and b <= s.end]
        kinds = tuple(k for k in KINDS if any(s.kind == k for s in cover))
        labels = tuple(dict.fromkeys(s.label for s in cover if s.label))
        anchors = tuple(s.anchor for s in spans if s.anchor and s.start == a)
        if out and out[-1].kinds == kinds and out[-1].labels == labels and not anchors:
            out[-1].text += text[a:b]
        else:
            out.append(Segment(text[a:b], kinds, labels, anchors))
    return out


def _fold(text: str) -> str:
    return strip_marks(text).lower()  # length-preserving, so offsets in the folded text are offsets in ``text``


def find_all(text: str, needles: Iterable[str], *, folded: str | None = None) -> list[tuple[int, int]]:
    """Where any of ``needles`` occurs in ``text`` as whole words, ignoring case and diacritics."""
    hay = folded if folded is not None else _fold(text)
    found: list[tuple[int, int]] = []
    for needle in sorted({n.strip() for n in needles if n and len(n.strip()) >= 2}, key=len, reverse=True):
        pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, _fold(needle).split())) + r"(?!\w)"
        for m in re.finditer(pattern, hay):
            if not any(a < m.end() and m.start() < b for a, b in found):
                found.append((m.start(), m.end()))
    return sorted(found)


_SENTENCE_END = re.compile(r"[.!?;:]\s|\n")


def sentence_bounds(text: str, start: int, end: int, *, limit: int = 600) -> tuple[int, int]:
    """The sentence (or list item) around ``text[start:end]``: from the last break before it to the next after."""
    left = max(0, start - limit)
    before = text[left:start]
    cut = None
    for m in _SENTENCE_END.finditer(before):
        cut = m.end()
    a = left + cut if cut is not None else left
    m = _SENTENCE_END.search(text, end, min(len(text), end + limit))
    b = m.start() + 1 if m else min(len(text), end + limit)
    while a < start and text[a].isspace():
        a += 1
    return a, max(b, end)


def body_spans(text: str, names: dict[str, Sequence[str]], *, offset: int = 0) -> list[Span]:
    """Spans of bodies in ``text``: ``names`` maps each canonical name to the forms to look for."""
    folded = _fold(text)
    out = []
    for canonical, forms in names.items():
        for a, b in find_all(text, [canonical.lstrip("*"), *forms], folded=folded):
            out.append(Span(a + offset, b + offset, "body", canonical))
    return out
