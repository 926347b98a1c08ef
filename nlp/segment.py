"""Paragraphs, sentences and clauses, with offsets into the original text.

underthesea's ``sent_tokenize`` merges a paragraph without final punctuation
(a title, a heading, a lead-in) into the next one, so segmentation is done
here from the layout: hard line breaks inside sentences (PDF text) are joined,
list markers open items, page furniture (already blanked by
``nlp.text.mask_noise``) and the blank lines around it are transparent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from nlp.data import load_yaml
from nlp.text import UPPER_CLASS, is_all_caps

# Marker ranks: a smaller rank is an outer level of a list.
RANK_PLAIN, RANK_ROMAN, RANK_ARTICLE, RANK_NUM, RANK_SUBNUM, RANK_ALPHA, RANK_DASH, RANK_PLUS = range(8)


@dataclass(slots=True)
class Paragraph:
    """A logical paragraph: physical lines joined, list marker split off."""

    start: int  # start of the content, after the marker
    end: int  # end of the content, trailing spaces excluded
    line_start: int  # start of the first line (marker included)
    marker: str | None = None
    rank: int = RANK_PLAIN
    heading: bool = False  # all caps, a section title, or a title line without final punctuation
    blank_before: bool = False
    sentences: list[Sentence] = field(default_factory=list)


@dataclass(slots=True)
class Clause:
    start: int
    end: int


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    clauses: list[Clause] = field(default_factory=list)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    data = load_yaml("segment.yml")
    return {
        "marker": re.compile(data["marker"], re.X),
        "abbrev": re.compile(r"(?:^|[\s(])(?:" + "|".join(re.escape(a) for a in data["abbreviations"]) + r")$", re.I),
    }


_SENT_END_RE = re.compile(r"[.!?…]+[\"”’)\]]*(?=\s+[\"“(\[]?(?:" + UPPER_CLASS + r"|[0-9]))|[.!?…]+[\"”’)\]]*(?=\s*$)")
_UPPER_LETTER_RE = re.compile(UPPER_CLASS)


def _marker_rank(marker: str) -> int:
    m = marker.strip()
    if m.lower().startswith(("điều", "chương", "mục", "phần")):
        return RANK_ARTICLE
    if re.fullmatch(r"[IVXLC]+[.)]", m):
        return RANK_ROMAN
    if re.fullmatch(r"\d+\.\d+(?:\.\d+)*\.?\)?", m):
        return RANK_SUBNUM
    if re.fullmatch(r"\d+[.)]", m):
        return RANK_NUM
    if re.fullmatch(r"[a-zđ][.)]", m):
        return RANK_ALPHA
    if m in {"+", "*"}:
        return RANK_PLUS
    return RANK_DASH


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each physical line, end excluding the line break."""
    out = []
    pos = 0
    for m in re.finditer(r"\r\n|\r|\n", text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def paragraphs(text: str, noise: list[tuple[int, int]] | None = None) -> list[Paragraph]:
    """Join physical lines into paragraphs.

    ``text`` should already have its page furniture blanked; ``noise`` (the
    blanked spans) makes those lines and the blank lines next to them
    transparent, so a clause interrupted by a page break stays one.
    """
    pats = _patterns()
    noise = noise or []
    noise_lines: set[int] = set()
    lines = _lines(text)
    if noise:
        for i, (s, e) in enumerate(lines):
            if any(ns < max(e, s + 1) and ne > s for ns, ne in noise):
                noise_lines.add(i)
    # blank lines touching a noise block are transparent too
    transparent = set(noise_lines)
    for i in sorted(noise_lines):
        for step in (1, -1):
            j = i + step
            while 0 <= j < len(lines) and j not in transparent and not text[lines[j][0]:lines[j][1]].strip():
                transparent.add(j)
                j += step

    paras: list[Paragraph] = []
    cur: Paragraph | None = None
    prev_content = ""
    blank_seen = True
    for i, (s, e) in enumerate(lines):
        if i in transparent:
            continue
        raw = text[s:e]
        stripped = raw.strip()
        if not stripped:
            blank_seen = True
            if cur is not None:
                paras.append(cur)
                cur = None
            continue
        lstart = s + (len(raw) - len(raw.lstrip()))
        lend = s + len(raw.rstrip())
        mm = pats["marker"].match(text, lstart, lend)
        marker = mm.group("m") if mm else None
        if marker and mm.end() >= lend:  # a bare marker line ("1." alone, as PDF tables give it)
            marker = None
        joins = (
            cur is not None
            and marker is None
            and not blank_seen
            and not _hard_break(prev_content, stripped)
        )
        if joins:
            cur.end = lend
        else:
            if cur is not None:
                paras.append(cur)
            if marker:
                cstart = mm.end()
                while cstart < lend and text[cstart] in " \t":
                    cstart += 1
                cur = Paragraph(start=cstart, end=lend, line_start=lstart, marker=marker.strip(),
                                rank=_marker_rank(marker), blank_before=blank_seen)
            else:
                cur = Paragraph(start=lstart, end=lend, line_start=lstart, blank_before=blank_seen)
        prev_content = stripped
        blank_seen = False
    if cur is not None:
        paras.append(cur)
    for p in paras:
        _mark_heading(text, p)
    return paras


def _hard_break(prev: str, nxt: str) -> bool:
    """Whether a line break between two non-blank lines ends the paragraph."""
    if prev.endswith((".", ";", ":", "!", "?", "…", ".\"", ".”", "./.", "!”", "?”")):
        return True
    if is_all_caps(prev) or is_all_caps(nxt):
        return True
    return bool(len(prev) < 30 and _UPPER_LETTER_RE.match(nxt[:1]))


def _mark_heading(text: str, p: Paragraph) -> None:
    body = text[p.start:p.end]
    if is_all_caps(body):
        p.heading = True
    elif not body.endswith((".", ";", ":", "!", "?", "…", "\"", "”", ")")) and p.marker is None and len(body) < 160:
        p.heading = True  # a title, subheading or caption line: no final punctuation, no marker


def sentences(text: str, para: Paragraph) -> list[Sentence]:
    """Split a paragraph into sentences and each sentence into ';' clauses."""
    pats = _patterns()
    out: list[Sentence] = []
    start = para.start
    for m in _SENT_END_RE.finditer(text, para.start, para.end):
        before = text[start:m.start()]
        if pats["abbrev"].search(before + text[m.start()]):
            continue
        if m.group().startswith(".") and _UPPER_LETTER_RE.fullmatch(before[-1:] or "x") and len(before.split()[-1]) == 1:
            continue  # an initial ("L.N", "T. Hà")
        out.append(Sentence(start, m.start()))
        start = m.end()
        while start < para.end and text[start].isspace():
            start += 1
    if start < para.end:
        end = para.end
        out.append(Sentence(start, end))
    for sent in out:
        sent.clauses = _clauses(text, sent)
    return [s for s in out if s.end > s.start]


def _clauses(text: str, sent: Sentence) -> list[Clause]:
    out = []
    s = sent.start
    for m in re.finditer(r";", text[sent.start:sent.end]):
        e = sent.start + m.start()
        out.append(Clause(*_trim(text, s, e)))
        s = sent.start + m.end()
    out.append(Clause(*_trim(text, s, sent.end)))
    return [c for c in out if c.end > c.start]


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in ",;"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ".;,/"):
        e -= 1
    return s, e


def segment(text: str, noise: list[tuple[int, int]] | None = None) -> list[Paragraph]:
    paras = paragraphs(text, noise)
    for p in paras:
        p.sentences = sentences(text, p)
    return paras
