"""Abbreviations for search (``store/data/abbreviations.yml``): each form finds the other.

A directive's search text is extended with the other form of every abbreviation or phrase it contains, so a
plain all-words query finds "cải cách TTHC" by "cai cach thu tuc hanh chinh" and the reverse.

Both forms are matched as whole word sequences. Rather than one regular expression per form (about a millisecond
a clause, too slow for bulk loads), the text's word n-grams of the lengths that occur are looked up in one table.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml

from nlp.topics import fold

_WORD_RE = re.compile(r"\w+")


def _words(text: str) -> str:
    return " ".join(_WORD_RE.findall(fold(text)))


@cache
def _pairs() -> tuple[tuple[str, str], ...]:
    """(form found, form added), both as single-spaced folded words, in the file's order, each way."""
    data = yaml.safe_load(resources.files("store").joinpath("data", "abbreviations.yml").read_text("utf-8"))
    out = []
    for short, long in data["abbreviations"].items():
        a, b = _words(short), _words(long)
        out.extend(((a, b), (b, a)))
    return tuple(out)


@cache
def _table() -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """Form → indexes of its pairs, and the word counts of the forms (longest first)."""
    index: dict[str, list[int]] = {}
    for i, (find, _) in enumerate(_pairs()):
        if find:
            index.setdefault(find, []).append(i)
    sizes = sorted({len(f.split()) for f in index}, reverse=True)
    return {k: tuple(v) for k, v in index.items()}, tuple(sizes)


def expansions(folded: str) -> list[str]:
    """The other forms of the abbreviations and phrases in ``folded`` text (already folded), in the file's order."""
    words = _WORD_RE.findall(folded)
    index, sizes = _table()
    pairs = _pairs()
    found: set[int] = set()
    for n in sizes:
        for i in range(len(words) - n + 1):
            hit = index.get(" ".join(words[i:i + n]))
            if hit:
                found.update(hit)
    return [pairs[i][1] for i in sorted(found)]
