"""Citations of numbered legal and administrative documents (EXTRACTION.md sections 6 and 9.5).

A citation is a document number ("933/QĐ-TTg", "08/2012/NĐ-CP", "27-KL/TW"),
or a short number after a type word ("Nghị quyết 36a", "Nghị định số 157"),
with the type named before it (or read from the number's code) and the date
given right after it. The document's own number (its "Số:" line, or the
caption of its annex) is never a citation. Spans cover the date too, so the
deadline extractor can ignore cited dates.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from nlp.data import load_yaml
from nlp.records import Reference
from nlp.text import match_form


def phrase_alt(phrases: list[str]) -> str:
    """One regex alternation, longest first, any whitespace run between words."""
    parts = [r"\s+".join(re.escape(w) for w in p.split()) for p in sorted(set(phrases), key=len, reverse=True)]
    return "(?:" + "|".join(parts) + ")"


# A full document number on the original text: digits, optional year, then a
# code of letters ("QĐ-TTg", "TTr-CAT-PC06", "KL/TW", "QH14"). "Ð" (U+00D0)
# is a common look-alike of "Đ". A space may follow the first separator
# ("3374/ BKHCN-CNCNTT").
_CODE_PART = r"[^\W\d_][\w&]*"
NUMBER_RE = re.compile(
    r"(?<![\w/.\-])(?P<n>\d{1,5}[a-zA-Z]?)"
    r"(?:/[ \t]?(?P<y>(?:19|20)\d{2}))?"
    r"(?P<sep>[/\-])[ \t]?(?P<code>" + _CODE_PART + r"(?:[\-/]" + r"[\w&]+" + r")*)"
)
_DAY_MONTH_YEAR = (
    r"(?P<d>\d{1,2})\s*(?:tháng\s*(?P<m>\d{1,2})\s*(?:năm|,)\s*(?P<y>\d{4})"
    r"|[/.\-]\s*(?P<m2>\d{1,2})(?:\s*[/.\-]\s*(?P<y2>\d{2,4}))?)"
)
_DATE_AFTER_RE = re.compile(r"\s*,?\s*(?:(?:do\s+\S+\s+)?ban\s+hành\s+|ký\s+)?ngày\s+" + _DAY_MONTH_YEAR)
_OWN_LINE_RE = re.compile(r"^[ \t]*số\s*[:.]?\s*(?=\d)", re.M)
_UPPER_RE = re.compile(r"[A-ZĐÐ]")


@dataclass(slots=True)
class _Patterns:
    type_before: re.Pattern[str]
    type_words: dict[str, str]
    type_codes: dict[str, str]
    short: re.Pattern[str]
    annex: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    data = load_yaml("references.yml")
    type_words = {" ".join(k.split()): v for k, v in data["type_words"].items()}
    types = phrase_alt(list(type_words))
    # The type word right before the number, "số" / "số hiệu" optional.
    type_before = re.compile(r"(?<!\w)(?P<t>" + types + r")\s+(?:số(?:\s+hiệu)?\s*:?\s*)?$")
    stops = phrase_alt([s for s in data["short_number_stops"] if s != "%"])
    short = re.compile(
        r"(?<!\w)(?P<t>"
        + phrase_alt(data["short_types"])
        + r")\s+(?P<so>số\s+)?(?P<n>\d{1,4}[a-z]?(?:/(?:19|20)\d{2})?)"
        r"(?![\w/\-.,]\d|[\w/\-%]|\s*%|\s+" + stops + r"(?!\w))"
    )
    annex = re.compile(r"^[ \t]*\(\s*(?:" + phrase_alt(data["annex_caption_openers"]) + r")(?!\w)", re.M)
    codes = {k.upper(): v for k, v in data["type_codes"].items()}
    return _Patterns(type_before, type_words, codes, short, annex)


def normalise_number(number: str) -> str:
    """The comparison form: no spaces, "Ð" (U+00D0) read as "Đ"."""
    return re.sub(r"\s+", "", number).replace("Ð", "Đ")


def type_from_code(number: str) -> str | None:
    """The document type its code names: QĐ → Quyết định; a body's abbreviation → Công văn."""
    m = NUMBER_RE.fullmatch(normalise_number(number))
    if not m:
        return None
    first = re.split(r"[\-/]", m.group("code"))[0]
    key = re.sub(r"\d+$", "", first).upper().replace("Ð", "Đ")
    codes = _patterns().type_codes
    if key in codes:
        return codes[key]
    # "27-KL/TW": the code follows a hyphen, the body a slash.
    return "Công văn"


def _valid_code(code: str) -> bool:
    """A code part opens with an abbreviation: at least two capitals ("QĐ", "TTg"), or a law's "L"."""
    first = re.split(r"[\-/]", code)[0]
    return len(_UPPER_RE.findall(first)) >= 2 or first in {"L"}


def _date_after(m_text: str, pos: int, year_hint: str | None) -> tuple[str | None, int]:
    """The ISO date that a citation gives right after its number, and where it ends."""
    m = _DATE_AFTER_RE.match(m_text, pos)
    if not m:
        return None, pos
    d = int(m.group("d"))
    mo = int(m.group("m") or m.group("m2"))
    y_s = m.group("y") or m.group("y2") or year_hint
    if not y_s:
        return None, pos
    y = int(y_s)
    if y < 100:
        y += 2000
    try:
        return date(y, mo, d).isoformat(), m.end()
    except ValueError:
        return None, pos


def _annex_spans(m_text: str) -> list[tuple[int, int]]:
    """Parenthesised annex captions: the number they give is the document's own."""
    spans = []
    for m in _patterns().annex.finditer(m_text):
        close = m_text.find(")", m.end())
        if close != -1 and close - m.end() < 600:
            spans.append((m.start(), close))
    return spans


def own_numbers(text: str) -> set[str]:
    """Numbers of the document itself: its "Số:" line(s) near the top."""
    m_text = match_form(text[:4000])
    out = set()
    for m in _OWN_LINE_RE.finditer(m_text):
        n = NUMBER_RE.match(text, m.end())
        if n and _valid_code(n.group("code")):
            out.add(normalise_number(n.group(0)).upper())
    return out


def _type_before(m_text: str, start: int) -> str | None:
    """The type word just before a number ("Quyết định số", "Văn bản số", "Luật Đầu tư công số")."""
    p = _patterns()
    window = m_text[max(0, start - 40) : start]
    m = p.type_before.search(window)
    if m:
        return p.type_words[" ".join(m.group("t").split())]
    # A named law or code: "Luật Trật tự, an toàn giao thông đường bộ số 36/2024/QH15".
    wide = m_text[max(0, start - 120) : start]
    if re.search(r"(?<!\w)số\s*$", wide):
        cut = max(wide.rfind(";"), wide.rfind("."), wide.rfind("\n\n"))
        hits = list(re.finditer(r"(?<!\w)(?:bộ\s+)?luật(?!\w)", wide[cut + 1 :]))
        if hits:
            return "Luật"
    return None


class SpanSet:
    """Sorted, merged spans with a bisect membership test (no scan per lookup)."""

    def __init__(self, spans: list[tuple[int, int]] | None = None) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for s, e in sorted(spans or []):
            self.add(s, e)

    def add(self, start: int, end: int) -> None:
        """Add a span; spans must come in order of start (as a left-to-right scan gives them)."""
        if self.starts and start <= self.ends[-1]:
            self.ends[-1] = max(self.ends[-1], end)
        else:
            self.starts.append(start)
            self.ends.append(end)

    def __contains__(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]


def find_references(text: str, *, own_number: str | None = None) -> list[Reference]:
    """Every cited numbered document, first occurrence first, de-duplicated by normalised number."""
    return references_in(text, match_form(text), own_number=own_number)


def references_in(text: str, m_text: str, *, own_number: str | None = None) -> list[Reference]:
    """``find_references`` on text whose ``match_form`` is already at hand."""
    p = _patterns()
    own = own_numbers(text)
    if own_number:
        own.add(normalise_number(own_number).upper())
    annex = SpanSet(_annex_spans(m_text))
    own_lines = SpanSet([(m.start(), _line_end(m_text, m.end())) for m in _OWN_LINE_RE.finditer(m_text)])
    found: list[Reference] = []
    taken = SpanSet()

    for m in NUMBER_RE.finditer(text):
        if not _valid_code(m.group("code")):
            continue
        number = normalise_number(m.group(0))
        if m.start() in own_lines:
            continue
        taken.add(m.start(), m.end())
        if number.upper() in own or m.start() in annex:
            continue
        rtype = _type_before(m_text, m.start()) or type_from_code(number)
        iso, end = _date_after(m_text, m.end(), m.group("y"))
        start = _citation_start(m_text, m.start())
        found.append(Reference(number=number, type=rtype, date=iso, start=start, end=end, text=text[start:end]))

    for m in p.short.finditer(m_text):
        n_start = m.start("n")
        if n_start in taken or n_start in annex:
            continue
        # A short number needs "số" or a capitalised type word ("Nghị định 157", not "quyết định 2").
        if not m.group("so") and not text[m.start()].isupper():
            continue
        number = text[n_start : m.end("n")]
        if number.isdigit() and len(number) == 4 and 1900 <= int(number) <= 2100 and not m.group("so"):
            continue  # "Luật Đất đai 2013"-style years
        if number.upper() in own:
            continue
        rtype = p.type_words[" ".join(m.group("t").split())]
        iso, end = _date_after(m_text, m.end("n"), None)
        found.append(
            Reference(number=number, type=rtype, date=iso, start=m.start(), end=end, text=text[m.start() : end])
        )

    found.sort(key=lambda r: r.start)
    return _dedupe(found)


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def _citation_start(m_text: str, start: int) -> int:
    """Extend a citation back over its type word and "số"."""
    window = m_text[max(0, start - 40) : start]
    m = _patterns().type_before.search(window)
    return start - len(window) + m.start() if m else start


def _dedupe(refs: list[Reference]) -> list[Reference]:
    """Keep the first citation of each number; a later one may supply the missing date."""
    by_key: dict[str, Reference] = {}
    for r in refs:
        key = r.number.upper()
        first = by_key.get(key)
        if first is None:
            by_key[key] = r
        else:
            if first.date is None and r.date:
                first.date = r.date
            if first.type is None and r.type:
                first.type = r.type
    return list(by_key.values())
