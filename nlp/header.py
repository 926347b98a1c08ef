"""The header and signature block of an official document, and a press article's date.

An official document opens with its issuer facing the national motto, then
"Số: …" and "Place, ngày … tháng … năm …" (the signing date, which relative
times are resolved against: EXTRACTION.md section 7), then the capitalised
type line (CHỈ THỊ, QUYẾT ĐỊNH …) and its title. It ends with the signer's
title lines ("KT. THỦ TƯỚNG" / "PHÓ THỦ TƯỚNG") and name, which may sit before
an annex. PDF text may flatten the two header columns onto one line or put
the number and the date on the same line; both layouts are read.

A press article has no header: only its date line is read ("02/08/2019
06:50", "Thứ Tư, 03/08/2022 - 18:35"). ``conclusion_leader`` names the leader
whose conclusions a Thông báo kết luận conveys (the issuer of its directives,
EXTRACTION.md section 9.3), who is not its signer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from nlp.data import load_yaml
from nlp.records import DocumentHeader
from nlp.references import NUMBER_RE, normalise_number, phrase_alt, type_from_code
from nlp.text import match_form

_SEPARATOR_RE = re.compile(r"^[\s\-_=*.~—–]*$")
_SO_RE = re.compile(r"^\s*số\s*[:.]?\s*", re.M)
_DATE_RE = re.compile(r"ngày\s*(?P<d>\d{1,2})\s*tháng\s*(?P<m>\d{1,2})\s*năm\s*(?P<y>\d{4})")
_VV_RE = re.compile(r"^\s*v/v\s*[:.]?\s*", re.M)
_NAME_RE = re.compile(r"^[^\W\d_][^\W\d_'’.]*(?:[ \t]+[^\W\d_][^\W\d_'’.]*){1,4}$")
_ZONE = r"\(?\s*(?:gmt|utc)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?\s*\)?"
_TIME = r"\d{1,2}\s*[:h]\s*\d{2}(?::\d{2})?(?:\s*" + _ZONE + r")?"
_DMY = r"(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})"


@dataclass(slots=True)
class _Lex:
    motto: re.Pattern[str]
    doc_type: re.Pattern[str]
    doc_types: dict[str, str]
    title_stop: re.Pattern[str]
    signer_title: re.Pattern[str]
    fillers: set[str]
    conclusion: re.Pattern[str]
    name_stop: re.Pattern[str]
    press_date: re.Pattern[str]
    search_lines: int
    press_lines: int


def _norm(s: str) -> str:
    return " ".join(s.split())


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    d = load_yaml("header.yml")
    types = {_norm(k): v for k, v in d["doc_types"].items()}
    prefixes = r"(?:" + "|".join(re.escape(p) for p in sorted(d["signer_prefixes"], key=len, reverse=True)) + r")"
    return _Lex(
        motto=re.compile(phrase_alt(d["mottos"])),
        doc_type=re.compile(r"^\s*(?P<t>" + phrase_alt(list(types)) + r")(?![\w])\s*(?P<rest>.*)$"),
        doc_types=types,
        title_stop=re.compile(r"^\s*" + phrase_alt(d["title_stops"]) + r"(?![\w])"),
        signer_title=re.compile(
            r"^\s*(?:" + prefixes + r"\s*)?" + phrase_alt(d["signer_offices"]) + r"(?![\w])[^\n]{0,80}$"
        ),
        fillers={_norm(f) for f in d["signature_fillers"]},
        conclusion=re.compile(
            r"(?<![\w])" + phrase_alt(d["conclusion_openers"]) + r"\s+(?P<t>" + phrase_alt(d["leader_titles"]) + r")"
            r"(?![\w])"
        ),
        name_stop=re.compile(r"^(?:" + phrase_alt(d["name_stops"]) + r")$"),
        press_date=re.compile(
            r"^\s*(?:(?:" + phrase_alt(d["press_date_prefixes"]) + r")\s*[,:\-]?\s*)*"
            r"(?:" + _TIME + r"\s*[,|\-–]?\s*)?(?:" + _DMY + r")"
            r"(?:\s*[,|\-–]?\s*(?:lúc\s*)?" + _TIME + r")?(?:\s*" + _ZONE + r")?\s*$"
        ),
        search_lines=int(d["header_search_lines"]),
        press_lines=int(d["press_date_lines"]),
    )


@dataclass(slots=True)
class _Line:
    start: int
    text: str  # original
    low: str  # match_form

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def separator(self) -> bool:
        return bool(_SEPARATOR_RE.match(self.text))


def _lines(text: str, limit: int | None = None) -> list[_Line]:
    """Lines with their offsets (``limit`` lines at most)."""
    out: list[_Line] = []
    pos = 0
    end = -1
    for _ in range(limit or 0):  # only the first ``limit`` lines are read: fold just those
        end = text.find("\n", end + 1)
        if end == -1:
            break
    m_text = match_form(text if end == -1 else text[:end])
    while pos <= len(text) and (limit is None or len(out) < limit):
        nl = text.find("\n", pos)
        end = len(text) if nl == -1 else nl
        out.append(_Line(pos, text[pos:end], m_text[pos:end]))
        if nl == -1:
            break
        pos = nl + 1
    return out


def _is_upper(s: str) -> bool:
    return s.strip() != "" and s.isupper()


def _to_date(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def parse_header(text: str) -> DocumentHeader:
    """What an official document's header and signature say; for a press article only its date."""
    lex = _lex()
    lines = _lines(text, lex.search_lines)
    motto_i = next((i for i, ln in enumerate(lines) if lex.motto.search(ln.low)), None)
    so_i = next((i for i, ln in enumerate(lines) if _SO_RE.match(ln.low) and _number_on(ln) is not None), None)
    if motto_i is None and so_i is None:
        head = DocumentHeader(date=press_date(text))
        _signature(lex, text, 0, head)  # an excerpt of an official document still ends with its signer
        return head
    head = DocumentHeader()
    first = min(i for i in (motto_i, so_i) if i is not None)
    head.issuer = _issuer(lex, lines, first, so_i)
    if so_i is not None:
        head.number = _number_on(lines[so_i])
    date_i = _header_date(lex, lines, head, so_i if so_i is not None else first)
    after = max(i for i in (date_i, so_i, motto_i) if i is not None) + 1
    title_end = _type_and_title(lex, lines, after, head)
    if head.doc_type is None and head.number:
        head.doc_type = type_from_code(head.number)
    if head.title is None and so_i is not None:
        _vv_title(lines, so_i, head)
    if head.date is None:
        head.date = press_date(text)
    _signature(lex, text, title_end, head)
    return head


def _number_on(line: _Line) -> str | None:
    """The document number on a "Số: …" line."""
    m = _SO_RE.match(line.low)
    if not m:
        return None
    n = NUMBER_RE.match(line.text, m.end())
    return normalise_number(n.group(0)) if n else None


def _strip_motto(lex: _Lex, line: _Line) -> str:
    """The line without the motto column (flattened two-column header)."""
    m = lex.motto.search(line.low)
    return line.text[: m.start()] if m else line.text


def _issuer(lex: _Lex, lines: list[_Line], first: int, so_i: int | None) -> str | None:
    """The issuer's capitalised lines above (or beside) the motto, joined."""
    parts: list[str] = []
    i = first - 1
    while i >= 0 and len(parts) < 4:
        ln = lines[i]
        if ln.blank and parts:
            break
        if not ln.separator:
            if not _is_upper(ln.text):
                break
            parts.insert(0, ln.text.strip())
        i -= 1
    # Flattened columns: "ỦY BAN NHÂN DÂN   CỘNG HÒA …", "TỈNH NINH THUẬN   Độc lập - …".
    stop = so_i if so_i is not None else min(first + 4, len(lines))
    for ln in lines[first:stop]:
        left = _strip_motto(lex, ln).strip(" \t-_|")
        if left and _is_upper(left) and not lex.motto.search(match_form(left)):
            parts.append(left)
    issuer = _norm(" ".join(parts))
    return issuer or None


def _header_date(lex: _Lex, lines: list[_Line], head: DocumentHeader, from_i: int) -> int | None:
    """Read "Place, ngày … tháng … năm …" next to the number; return its line index."""
    for i in range(from_i, min(from_i + 6, len(lines))):
        ln = lines[i]
        # A date split over two lines in PDF text.
        low = ln.low + (" " + lines[i + 1].low if i + 1 < len(lines) else "")
        m = _DATE_RE.search(low)
        if not m or m.start() > len(ln.low):
            continue
        before = low[: m.start()].rstrip()
        if before and not before.endswith(","):
            continue  # "Căn cứ … ngày …": a cited date, not the place-and-date line
        head.date = _to_date(m.group("y"), m.group("m"), m.group("d"))
        place_start = 0
        so = _SO_RE.match(ln.low)
        if so:
            n = NUMBER_RE.match(ln.text, so.end())
            place_start = n.end() if n else so.end()
        place = ln.text[place_start : m.start()].strip(" \t,|")
        if 0 < len(place) <= 40 and place[0].isupper():
            head.place = _norm(place)
        return i
    return None


def _type_and_title(lex: _Lex, lines: list[_Line], after: int, head: DocumentHeader) -> int:
    """The type line and the title under it; return the offset where the title block ends."""
    i = after
    while i < len(lines) and (lines[i].blank or lines[i].separator):
        i += 1
    if i >= len(lines):
        return lines[-1].start if lines else 0
    ln = lines[i]
    m = lex.doc_type.match(ln.low)
    if not (m and _is_upper(ln.text) and not ln.text.rstrip().endswith(":")):
        return ln.start
    head.doc_type = lex.doc_types[_norm(m.group("t"))]
    title: list[str] = []
    rest = ln.text[m.start("rest") :].strip()
    if rest:
        title.append(rest)
    upper_title = None
    j = i + 1
    while j < len(lines) and len(title) < 5:
        nxt = lines[j]
        if nxt.blank or nxt.separator or lex.title_stop.match(nxt.low):
            break
        up = _is_upper(nxt.text)
        if upper_title is None:
            upper_title = up
        elif up != upper_title:
            break
        title.append(nxt.text.strip())
        j += 1
    if title:
        head.title = _norm(" ".join(title))
    return lines[j].start if j < len(lines) else lines[-1].start + len(lines[-1].text)


def _vv_title(lines: list[_Line], so_i: int, head: DocumentHeader) -> None:
    """A Công văn's subject line ("V/v …") stands for its title."""
    for ln in lines[so_i : so_i + 4]:
        m = _VV_RE.match(ln.low)
        if m:
            head.title = _norm(ln.text[m.end() :]) or None
            return


def _signature(lex: _Lex, text: str, start: int, head: DocumentHeader) -> None:
    """The first signature block after the header: title lines, then the signer's name."""
    lines = _lines(text)
    idx = next((k for k, ln in enumerate(lines) if ln.start >= start), len(lines))
    i = idx
    while i < len(lines):
        ln = lines[i]
        if not (_is_upper(ln.text) and lex.signer_title.match(ln.low)):
            i += 1
            continue
        j = i
        titles = []
        while j < len(lines) and _is_upper(lines[j].text) and lex.signer_title.match(lines[j].low):
            titles.append(lines[j].text.strip())
            j += 1
        name = _name_after(lex, lines, j)
        if name:
            head.signer = name
            head.signer_title = titles[-1]
            return
        i = j + 1


def _name_after(lex: _Lex, lines: list[_Line], j: int) -> str | None:
    """The signer's name within a few lines below the title (blank lines and "(Đã ký)" skipped)."""
    seen = 0
    while j < len(lines) and seen < 6:
        s = lines[j].text.strip()
        low = _norm(lines[j].low)
        if not s or lines[j].separator or low in lex.fillers:
            j += 1
            seen += 1
            continue
        if _NAME_RE.match(s) and all(w[0].isupper() for w in s.split()) and not lex.signer_title.match(low):
            return s.title() if s.isupper() else _norm(s)
        return None
    return None


def press_date(text: str) -> date | None:
    """The date line near the top of a press article ("16/03/2021 08:30"); None without a year."""
    lex = _lex()
    for ln in _lines(text, lex.press_lines):
        m = lex.press_date.match(ln.low)
        if not m:
            continue
        if m.group("iy"):
            return _to_date(m.group("iy"), m.group("im"), m.group("id"))
        return _to_date(m.group("y"), m.group("m"), m.group("d"))
    return None


def conclusion_leader(text: str) -> str | None:
    """The leader whose conclusions a Thông báo kết luận (or a report of them) conveys.

    Read from "kết luận của <title> <Name>" in the title and opening lines:
    "KẾT LUẬN CỦA PHÓ THỦ TƯỚNG TRẦN HỒNG HÀ TẠI …" → "Trần Hồng Hà". None
    when only a title is given ("Kết luận của Thủ tướng: …").
    """
    lex = _lex()
    window = text[:3000]
    m_text = match_form(window)
    for m in lex.conclusion.finditer(m_text):
        name = _leader_name(lex, window, m_text, m.end())
        if name:
            return name
    return None


_TOKEN_RE = re.compile(r"[^\W\d_][^\W\d_'’]*|[^\w\s]")


def _leader_name(lex: _Lex, text: str, m_text: str, pos: int) -> str | None:
    """The person's name right after a leader's title (skipping an office's body, as in "Bộ Y tế")."""
    tokens = []
    for t in _TOKEN_RE.finditer(text, pos, min(len(text), pos + 120)):
        w = t.group(0)
        if not w[0].isalpha() or lex.name_stop.match(m_text[t.start() : t.end()]):
            break
        tokens.append(w)
    if not tokens:
        return None
    if all(w.isupper() for w in tokens):
        words = tokens[-4:] if len(tokens) > 4 else tokens
        return " ".join(w.title() for w in words) if len(words) >= 2 else None
    runs: list[list[str]] = [[]]
    for w in tokens:
        if w[0].isupper():
            runs[-1].append(w)
        else:
            runs.append([])
    best = [r for r in runs if len(r) >= 2]
    return " ".join(best[-1][-4:]) if best else None
