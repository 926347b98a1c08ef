"""Abbreviations for search (``store/data/abbreviations.yml``): each form finds the other.

A directive's search text is extended with the other form of every abbreviation or phrase it contains, so a
plain all-words query finds "cải cách TTHC" by "cai cach thu tuc hanh chinh" and the reverse.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml

from nlp.topics import fold


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(text)))


@cache
def _pairs() -> tuple[tuple[re.Pattern[str], str], ...]:
    data = yaml.safe_load(resources.files("store").joinpath("data", "abbreviations.yml").read_text("utf-8"))
    out = []
    for short, long in data["abbreviations"].items():
        a, b = _words(short), _words(long)
        for find, add in ((a, b), (b, a)):
            out.append((re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, find.split())) + r"(?!\w)"), add))
    return tuple(out)


def expansions(folded: str) -> list[str]:
    """The other forms of the abbreviations and phrases in ``folded`` text (already folded)."""
    text = " ".join(re.findall(r"\w+", folded))
    return [add for pattern, add in _pairs() if pattern.search(text)]
