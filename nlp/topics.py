"""Topics of directives: a small taxonomy kept as data (``nlp/data/topics.yml``), matched on folded text.

Folding (``strip_marks`` + lower case) lets keywords match however the source wrote its marks, and lets a
person filter by "chuyen doi so". Body names are blanked out before matching, so a task given to "Bộ Nông
nghiệp và Môi trường" is not about agriculture for that reason alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from nlp.data import load_yaml
from nlp.text import nfc, strip_marks


class _FoldTable(dict):
    """``str.translate`` table filled on demand: each character once through ``strip_marks``."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = strip_marks(chr(code)).lower()
        return folded


_FOLD = _FoldTable()
_WORD_RE = re.compile(r"\w+")


def fold(text: str) -> str:
    """Diacritics removed, đ → d, lower case: the form topics (and search) match on."""
    return nfc(text).translate(_FOLD)


def _phrase_re(phrases: Iterable[str]) -> re.Pattern[str] | None:
    alts = sorted({" ".join(fold(p).split()) for p in phrases if p.strip()}, key=len, reverse=True)
    if not alts:
        return None
    body = "|".join(r"\s+".join(map(re.escape, a.split())) for a in alts)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    label: str
    keywords: tuple[str, ...]
    pattern: re.Pattern[str]
    exclude: re.Pattern[str] | None
    cues: frozenset[str] = frozenset()  # the first word of each keyword: a text without any cannot match


def _cues(keywords: Iterable[str]) -> frozenset[str]:
    return frozenset(m.group() for k in keywords if (m := _WORD_RE.search(fold(k))))


@cache
def taxonomy() -> tuple[Topic, ...]:
    """Every topic, in the order of the data file."""
    out = []
    for entry in load_yaml("topics.yml")["topics"]:
        pattern = _phrase_re(entry["keywords"])
        if pattern is None:
            raise ValueError(f"topics.yml: topic {entry['id']!r} has no keywords")
        out.append(Topic(entry["id"], entry["label"], tuple(entry["keywords"]), pattern,
                         _phrase_re(entry.get("not") or []), _cues(entry["keywords"])))
    return tuple(out)


def topic(name: str) -> Topic | None:
    """A topic by its id or its label, with or without diacritics ("chuyen doi so", "Chuyển đổi số")."""
    key = " ".join(fold(name).replace("-", " ").split())
    for t in taxonomy():
        if key in (t.id.replace("-", " "), " ".join(fold(t.label).split())):
            return t
    return None


def label(topic_id: str) -> str:
    """The Vietnamese label of a topic id (the id itself when unknown)."""
    found = topic(topic_id)
    return found.label if found else topic_id


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with the given ranges replaced by spaces (same length)."""
    chars = list(text)
    for start, end in spans:
        for i in range(max(start, 0), min(end, len(chars))):
            chars[i] = " "
    return "".join(chars)


def topics_of(text: str, *, ignore: Iterable[tuple[int, int]] = ()) -> list[str]:
    """The ids of the topics ``text`` is about; ``ignore`` ranges (body names) are not read."""
    folded = fold(blank(text, ignore))
    words = set(_WORD_RE.findall(folded))
    found = []
    for t in taxonomy():
        if t.cues.isdisjoint(words):
            continue  # none of its keywords can start here: skip the long alternation
        view = t.exclude.sub(lambda m: " " * len(m.group(0)), folded) if t.exclude else folded
        if t.pattern.search(view):
            found.append(t.id)
    return found
