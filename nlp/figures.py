"""Figures: numbers written in digits with what they count or measure (EXTRACTION.md sections 5 and 9.5).

A figure is a number (a single value, a range "43-45", a ratio "55/56" or
"1 trong 3") with a percent sign, a currency, a measure unit or a counted
noun phrase after it, and an optional qualifier before it ("hơn", "khoảng").
Vietnamese numbers group thousands with "." and mark decimals with ",";
a "." not followed by exactly three digits is a decimal point.

Numbers that are dates, times, years, periods, labels (document numbers,
ordinals, article and road numbers) or parts of names have no such head, or
a time word or label word before them, and are left out. All matching runs
on ``match_form`` text; offsets point into the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from nlp.data import load_yaml
from nlp.records import Figure
from nlp.references import SpanSet, phrase_alt, references_in
from nlp.text import match_form

_NUM = r"\d+(?:[.,]\d+)*"
# A number, or a range, a ratio or an "X trong (số) Y" ratio. Not glued to a
# word, a slash, a dot, a colon or a plus sign on its left ("QH14", "/2021",
# "8:30", "GMT+7", "Covid-19").
_CORE_RE = re.compile(
    r"(?<![\w/.,:+\-])(?P<a>" + _NUM + r")"
    r"(?:(?P<rng>[ \t]*-[ \t]*)(?P<b>" + _NUM + r")(?![\w])|/(?P<c>" + _NUM + r")"
    r"|\s+trong\s+(?:số\s+)?(?P<d>" + _NUM + r"))?"
)
_WORD_RE = re.compile(r"\s+(?P<w>[^\W\d_][\w'’]*(?:-[^\W\d_][\w]*)?)")
_BARE_WORD_RE = re.compile(r"(?P<w>[^\W\d_][\w'’]*)")
_GLUED_RE = re.compile(r"[^\W\d_]+\d?")
_PREV_WORDS_RE = re.compile(r"(?P<ws>(?:[^\W\d_][\w\-]*\s+){1,4})$")
_PREV_WORD_RE = re.compile(r"(?<![\w\-])(?P<w>[^\W\d_][\w\-]*)[ \t]+$")
_BLANK_LINE_RE = re.compile(r"\n[ \t\r]*\n")
_LETTER_RE = re.compile(r"[^\W\d_]")
_SENTENCE_OPEN_RE = re.compile(r"(?:^|[.!?:;\n\"“(\-–•+*])\s*$")


@dataclass(slots=True)
class _Lex:
    qualifier: re.Pattern[str]
    percent: re.Pattern[str]
    multiplier: re.Pattern[str]
    factors: dict[str, float]
    currency: re.Pattern[str]
    currencies: dict[str, str]
    per_suffix: re.Pattern[str]
    glued: set[str]
    time_head: re.Pattern[str]
    time_exception: re.Pattern[str]
    furniture: re.Pattern[str]
    boundary: re.Pattern[str]
    coordinated: re.Pattern[str]
    capitalised: set[str]
    time_before: set[str]
    date_before: set[str]
    label_before: set[str]
    label_exceptions: dict[str, set[str]]
    name_head: re.Pattern[str]
    named_terms: re.Pattern[str]
    max_unit_words: int


def _at(phrases: list[str]) -> re.Pattern[str]:
    """Match one of the phrases at a position, after optional whitespace, as whole words."""
    return re.compile(r"\s*(?P<p>" + phrase_alt(phrases) + r")(?![\w])")


def _norm(phrase: str) -> str:
    return " ".join(phrase.split())


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    d = load_yaml("figures.yml")
    mult = {_norm(k): float(v) for k, v in d["multipliers"].items()}
    cur = {_norm(k): v for k, v in d["currencies"].items()}
    blockers = phrase_alt(d["multiplier_blockers"])
    dong_block = phrase_alt(d["dong_compounds"])
    percent_words = [w for w in d["percent_words"] if w != "%"]
    return _Lex(
        qualifier=re.compile(
            r"(?<![\w])(?:" + phrase_alt(d["qualifiers"]) + r")(?:\s+(?:" + phrase_alt(d["qualifiers"]) + r"))?\s+$"
        ),
        percent=re.compile(r"[ \t]*%|\s*(?:" + phrase_alt(percent_words) + r")(?![\w])"),
        multiplier=re.compile(r"\s+(?P<p>" + phrase_alt(list(mult)) + r")(?![\w])(?!\s+" + blockers + r"(?![\w]))"),
        factors=mult,
        currency=re.compile(r"[ \t]*(?P<p>" + phrase_alt(list(cur)) + r")(?![\w$])(?!\s+" + dong_block + r"(?![\w]))"),
        currencies=cur,
        per_suffix=re.compile(r"(?:[ \t]*/[ \t]*[^\W\d_][\w]*){1,3}"),
        glued={u.lower() for u in d["glued_units"]},
        time_head=_at(d["time_heads"]),
        time_exception=_at(d["time_head_exceptions"]),
        furniture=_at(d["furniture_heads"]),
        boundary=_at(d["boundaries"]),
        coordinated=re.compile(r",\s*(?=" + phrase_alt(d["coordinated_heads"]) + r"(?![\w]))"),
        capitalised={_norm(w) for w in d["capitalised_heads"]},
        time_before={_norm(w) for w in d["time_words_before"]},
        date_before={_norm(w) for w in d["date_words_before"]},
        label_before={_norm(w) for w in d["label_words_before"]},
        label_exceptions={k: set(v) for k, v in d["label_exceptions"].items()},
        name_head=re.compile(r"(?<![\w])(?P<h>" + phrase_alt(d["name_heads"]) + r")(?:\s+[^\W\d_][\w\-]*){0,3}\s+$"),
        named_terms=re.compile(r"(?<![\w.,])" + phrase_alt([str(t) for t in d["named_terms"]]) + r"(?![\w])"),
        max_unit_words=int(d["max_unit_words"]),
    )


def parse_number(s: str) -> float | None:
    """Vietnamese digits to a number: "." groups thousands, "," is the decimal mark.

    A "." not followed by exactly three digits is a decimal point ("24.52");
    anything else (two commas, "16.6.2022") is not a number.
    """
    try:
        if "," in s:
            parts = s.split(",")
            if len(parts) != 2:
                return None
            whole = parts[0].split(".")
            if any(len(g) != 3 for g in whole[1:]):
                return None
            return float(Decimal("".join(whole) + "." + parts[1]))
        if "." in s:
            groups = s.split(".")
            if all(len(g) == 3 for g in groups[1:]):
                return float(Decimal("".join(groups)))
            if len(groups) == 2:
                return float(Decimal(s))
            return None
        return float(Decimal(s))
    except InvalidOperation:
        return None


def _prev_words(m_text: str, pos: int) -> list[str]:
    """Up to four words right before pos, with only whitespace between them and pos."""
    m = _PREV_WORDS_RE.search(m_text[max(0, pos - 60) : pos])
    return m.group("ws").split() if m else []


def _ends_with(words: list[str], phrases: set[str]) -> str | None:
    """The phrase of the set that the word list ends with (longest first)."""
    for k in (3, 2, 1):
        if len(words) >= k:
            tail = " ".join(words[-k:])
            if tail in phrases:
                return tail
    return None


def _is_label(lex: _Lex, words: list[str]) -> str | None:
    """The label word before a number ("số", "Điều", "Quốc lộ"), unless an exception word precedes it."""
    label = _ends_with(words, lex.label_before)
    if label is None:
        return None
    n = len(label.split())
    before = words[-n - 1] if len(words) > n else None
    if before is not None and before in lex.label_exceptions.get(label, set()):
        return None
    return label


def _in_name(lex: _Lex, text: str, m_text: str, pos: int) -> bool:
    """A capitalised name head a few words back, mid-sentence ("… Chương trình phát triển 1.000 …")."""
    start = max(0, pos - 70)
    m = lex.name_head.search(m_text[start:pos])
    if not m:
        return False
    h = start + m.start("h")
    if not text[h].isupper():
        return False
    return not _SENTENCE_OPEN_RE.search(m_text[max(0, h - 3) : h]) and h > 0


def _after_proper_name(lex: _Lex, text: str, m_text: str, pos: int, unit: str) -> bool:
    """A count right after a capitalised word mid-sentence belongs to a name ("VSIP 2", "Vũng Áng 1")."""
    if unit in ("%", "") or unit in lex.currencies.values() or unit.lower() in lex.glued:
        return False
    m = _PREV_WORD_RE.search(text, max(0, pos - 40), pos)
    if not m or not m.group("w")[0].isupper() or _upper_line(text, pos):
        return False
    return m.start() > 0 and not _SENTENCE_OPEN_RE.search(m_text[max(0, m.start() - 3) : m.start()])


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, (len(text) if e == -1 else e)


def _upper_line(text: str, pos: int) -> bool:
    """The number sits in an all-capitals line (a title): capitals there are ordinary words."""
    s, e = _line_bounds(text, pos)
    line = text[s:e]
    return line.isupper()


@dataclass(slots=True)
class _Head:
    end: int
    unit: str
    factor: float = 1.0


def _head(lex: _Lex, text: str, m_text: str, pos: int, at_line_start: bool) -> _Head | None:
    """What the number counts or measures, from pos (right after the digits); None when nothing."""
    factor = 1.0
    # A unit glued to the digits: "15m", "100ha", "km2", "500.000đ"; "4h10" is a time.
    if pos < len(m_text) and _LETTER_RE.match(m_text[pos]):
        g = _GLUED_RE.match(m_text, pos)
        tok = g.group(0) if g else ""
        if tok in lex.currencies:
            return _Head(_per(lex, m_text, g.end()), lex.currencies[tok])
        if tok in lex.glued and not (g.end() < len(m_text) and m_text[g.end()].isdigit()):
            return _Head(_per(lex, m_text, g.end()), text[pos : g.end()])
        return None
    p = lex.percent.match(m_text, pos)
    if p:
        return _Head(p.end(), "%")
    mm = lex.multiplier.match(m_text, pos)
    if mm:
        factor = lex.factors[_norm(mm.group("p"))]
        pos = mm.end()
    c = lex.currency.match(m_text, pos)
    if c:
        return _Head(_per(lex, m_text, c.end()), lex.currencies[_norm(c.group("p"))], factor)
    noun = _noun_phrase(lex, text, m_text, pos, at_line_start)
    if noun is None:
        return _Head(pos, "", factor) if mm else None
    end, unit = noun
    return _Head(end, unit, factor)


def _per(lex: _Lex, m_text: str, pos: int) -> int:
    """Extend over a per-unit suffix: "tỉ đồng/năm", "triệu đồng/người/năm", "km/h"."""
    m = lex.per_suffix.match(m_text, pos)
    return m.end() if m else pos


def _noun_phrase(lex: _Lex, text: str, m_text: str, pos: int, at_line_start: bool) -> tuple[int, str] | None:
    """The counted noun phrase after a number, as written; None when the next word cannot start one."""
    exception = lex.time_exception.match(m_text, pos)
    if not exception and (lex.time_head.match(m_text, pos) or lex.boundary.match(m_text, pos)):
        return None
    if lex.furniture.match(m_text, pos):
        return None
    first = _WORD_RE.match(m_text, pos)
    if not first or _BLANK_LINE_RE.search(m_text, pos, first.start("w")):
        return None
    w0 = text[first.start("w") : first.end("w")]
    upper_line = _upper_line(text, first.start("w"))
    if w0[0].isupper() and not upper_line:
        glued_unit = w0.lower() in lex.glued or w0.lower() in lex.currencies
        two = " ".join(m_text[first.start("w") : first.start("w") + 40].split()[:2])
        if at_line_start or not (glued_unit or w0.lower() in lex.capitalised or two in lex.capitalised):
            return None
    if w0.lower() in lex.glued:
        end = _per(lex, m_text, first.end("w"))
        return end, " ".join(text[first.start("w") : end].split())
    start, end, words = first.start("w"), first.end("w"), 1
    while words < lex.max_unit_words:
        co = lex.coordinated.match(m_text, end)
        if co:
            nxt = _BARE_WORD_RE.match(m_text, co.end())
        elif lex.boundary.match(m_text, end) or lex.time_head.match(m_text, end):
            break
        else:
            nxt = _WORD_RE.match(m_text, end)
        if not nxt or _BLANK_LINE_RE.search(m_text, end, nxt.start("w")):
            break
        w = text[nxt.start("w") : nxt.end("w")]
        if w[0].isupper() and not upper_line and not (w.isupper() and len(w) > 1):
            break
        end = nxt.end("w")
        words += 1
    return end, " ".join(text[start:end].split())


def _ratio_ok(lex: _Lex, a: float, c: float, words: list[str]) -> bool:
    """A ratio has numerator <= denominator and is not a date ("trước 30/9", "7/2019")."""
    if a > c or a != int(a) or c != int(c):
        return False
    if a <= 12 and 1900 <= c <= 2100:
        return False
    dated = bool(words) and (words[-1] in lex.date_before or _ends_with(words, lex.time_before) is not None)
    return not (a <= 31 and c <= 12 and dated)


def find_figures(text: str) -> list[Figure]:
    """Every figure in the text, in order (titles and captions included; page furniture not)."""
    lex = _lex()
    m_text = match_form(text)
    spans = [(r.start, r.end) for r in references_in(text, m_text)]
    spans += [m.span() for m in lex.named_terms.finditer(m_text)]
    skip = SpanSet(spans)
    out: list[Figure] = []
    for m in _CORE_RE.finditer(m_text):
        if m.start() in skip:
            continue
        fig = _figure(lex, text, m_text, m)
        if fig is not None:
            out.append(fig)
    return out


def _figure(lex: _Lex, text: str, m_text: str, m: re.Match[str]) -> Figure | None:
    """Judge one number candidate: its left context, its value and its head."""
    s, e = m.start(), m.end()
    # Dates and versions run on: "16/3/2021", "12-6-2025", "1.2.3".
    if e + 1 < len(m_text) and m_text[e] in "/-." and m_text[e + 1].isdigit():
        return None
    a_txt = m.group("a")
    if len(a_txt) >= 4 and a_txt.startswith("0"):
        return None  # phone numbers, codes
    a = parse_number(a_txt)
    if a is None:
        return None
    words = _prev_words(m_text, s)
    qual = lex.qualifier.search(m_text[max(0, s - 24) : s])
    start = s - (len(m_text[max(0, s - 24) : s]) - qual.start()) if qual else s
    # A qualifier stands between the number and any time or label word before it.
    left_words = [] if qual else words

    value, total = a, None
    if m.group("c") is not None:
        c = parse_number(m.group("c"))
        if c is None or not _ratio_ok(lex, a, c, left_words):
            return None
        total = c
    elif m.group("d") is not None:
        d = parse_number(m.group("d"))
        if d is None or d < a:
            return None
        total = d
    elif m.group("b") is not None:
        b = parse_number(m.group("b"))
        if b is None or b < a:
            return None
        value = b

    if _ends_with(left_words, lex.time_before):
        return None
    label = _is_label(lex, left_words)
    if label is not None and not (label == "thứ" and total is not None):
        return None
    if _in_name(lex, text, m_text, s):
        return None

    line_start = not qual and not m_text[text.rfind("\n", 0, s) + 1 : s].strip(" \t-+•*")
    head = _head(lex, text, m_text, e, line_start)
    if head is None:
        return None
    if not qual and head.factor == 1.0 and _after_proper_name(lex, text, m_text, s, head.unit):
        return None
    end = head.end
    value = float(Decimal(str(value)) * Decimal(str(head.factor))) if head.factor != 1.0 else value
    return Figure(text=text[start:end], start=start, end=end, value=value, unit=head.unit, total=total)
