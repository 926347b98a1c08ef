"""Task tables: rows of (task, lead body, coordinating bodies, time).

Plans and decisions list their tasks in tables (EXTRACTION.md section 9.2):
the task cell is the directive's span and the other columns give its
responsible, coordinate and deadline. Tables arrive two ways:

- tab-separated lines (HTML or DOCX converted to text): cells are split on
  tabs and named by the header row;
- PDF text: every cell broken over several lines and the cells of a row run
  together. Rows are found by their sequential numbers; the task cell runs to
  the first line that opens with a body, the body cells follow (a new cell
  starts where two bodies meet without a comma, "và" or ";"), and the time
  cell is the last time expression of the row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from nlp.data import load_yaml
from nlp.lexicon import phrase_alternation
from nlp.records import BodyMention
from nlp.text import UPPER_CLASS, is_all_caps

Span = tuple[int, int]


@dataclass(slots=True)
class TableRow:
    task: Span
    lead: list[BodyMention] = field(default_factory=list)
    coordinate: list[BodyMention] = field(default_factory=list)
    time: Span | None = None


@dataclass(slots=True)
class Table:
    start: int
    end: int
    rows: list[TableRow] = field(default_factory=list)


@dataclass(slots=True)
class _Vocab:
    column: dict[str, re.Pattern[str]]
    time_start: re.Pattern[str]


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    data = load_yaml("tables.yml")
    cols = {k: re.compile(r"(?<!\w)" + phrase_alternation(v) + r"(?!\w)") for k, v in data["columns"].items()}
    return _Vocab(cols, re.compile(r"(?<!\w)" + phrase_alternation(data["time_cell_openers"]) + r"(?!\w)"))


def _lines(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    end = len(text) if end is None else end
    out = []
    pos = start
    for m in re.finditer(r"\n", text[start:end]):
        out.append((pos, start + m.start()))
        pos = start + m.end()
    out.append((pos, end))
    return out


def _strip(text: str, s: int, e: int) -> Span:
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ".;,"):
        e -= 1
    return s, e


def find_tables(text: str, mtext: str, mentions: list[BodyMention]) -> list[Table]:
    """Task tables in ``text`` (page furniture already blanked); ``mtext`` is its match form."""
    voc = _vocab()
    lines = _lines(text)
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        header_end = _header_at(mtext, lines, i, voc)
        if header_end is None:
            i += 1
            continue
        tabbed = [k for k in range(i, header_end + 1) if "\t" in text[lines[k][0]:lines[k][1]]]
        if tabbed:
            i = tabbed[0]
        hs = lines[i][0]
        if tabbed:
            table, i = _tab_table(text, mtext, lines, i, mentions, voc)
        else:
            table, i = _pdf_table(text, mtext, lines, header_end, mentions, voc)
            table.start = hs
        if table.rows:
            tables.append(table)
    return tables


def _header_at(mtext: str, lines: list[Span], i: int, voc: _Vocab) -> int | None:
    """Index of the last header line when a table header starts at line ``i``."""
    s = lines[i][0]
    first = mtext[s:lines[i][1]]
    if not (voc.column["task"].search(first) or voc.column["number"].match(first.strip())):
        return None
    for j in range(i, min(len(lines), i + 14)):
        window = mtext[s:lines[j][1]]
        if len(mtext[lines[j][0]:lines[j][1]]) > 90:
            return None
        if all(voc.column[name].search(window) for name in ("task", "lead", "time")):
            # the header runs on over the broken words of its last cell ("hoàn \nthành")
            k = j
            while k + 1 < len(lines) and re.fullmatch(r"\s*(?:[^\W\d]{1,12}\s*){1,3}", mtext[lines[k + 1][0]:lines[k + 1][1]]):
                k += 1
            return k
    return None


def _tab_table(text, mtext, lines, i, mentions, voc) -> tuple[Table, int]:
    hs, he = lines[i]
    header = _cells(text, hs, he)
    roles: dict[str, int] = {}
    for ci, (s, e) in enumerate(header):
        cell = mtext[s:e]
        for name in ("lead", "coordinate", "time", "task"):
            if name not in roles and voc.column[name].search(cell):
                roles[name] = ci
                break
    table = Table(start=hs, end=he)
    j = i + 1
    while j < len(lines) and "\t" in text[lines[j][0]:lines[j][1]]:
        cells = _cells(text, *lines[j])
        if "task" in roles and roles["task"] < len(cells):
            row = TableRow(task=_strip(text, *cells[roles["task"]]))
            for name, attr in (("lead", "lead"), ("coordinate", "coordinate")):
                if name in roles and roles[name] < len(cells):
                    s, e = cells[roles[name]]
                    setattr(row, attr, [m for m in mentions if s <= m.start and m.end <= e])
            if "time" in roles and roles["time"] < len(cells):
                row.time = _strip(text, *cells[roles["time"]])
            if row.task[1] > row.task[0]:
                table.rows.append(row)
        table.end = lines[j][1]
        j += 1
    return table, j


def _cells(text: str, s: int, e: int) -> list[Span]:
    out = []
    pos = s
    for m in re.finditer(r"\t", text[s:e]):
        out.append((pos, s + m.start()))
        pos = s + m.end()
    out.append((pos, e))
    return out


_ROW_NUM_RE = re.compile(r"[ \t]*(\d{1,3})[.)]?(?=[ \t\n]|$)")
_GROUP_RE = re.compile(r"[ \t]*[IVXLC]{1,5}[.)][ \t]")


def _pdf_table(text, mtext, lines, header_end, mentions, voc) -> tuple[Table, int]:
    table = Table(start=lines[header_end][0], end=lines[header_end][1])
    expected = 1
    rows: list[list[int]] = []  # line indexes per row
    j = header_end + 1
    while j < len(lines):
        s, e = lines[j]
        seg = text[s:e]
        if not seg.strip():
            j += 1
            continue
        repeat = _header_at(mtext, lines, j, voc)
        if repeat is not None:  # the header again after a page break
            j = repeat + 1
            continue
        if is_all_caps(seg) or re.match(r"\s*(?:nơi nhận|kính gửi)\s*:", mtext[s:e]):
            break
        nm = _ROW_NUM_RE.match(seg)
        if nm and int(nm.group(1)) == expected:
            rows.append([j])
            expected += 1
        elif _GROUP_RE.match(seg) and rows:
            rows.append([])  # a group heading row ends the row before it
        elif rows and rows[-1]:
            rows[-1].append(j)
        elif not rows and j > header_end + 4:
            break
        table.end = e
        j += 1
    for idx in rows:
        if idx:
            row = _pdf_row(text, mtext, [lines[k] for k in idx], mentions, voc)
            if row is not None:
                table.rows.append(row)
    return table, j


def _pdf_row(text, mtext, lines: list[Span], mentions, voc) -> TableRow | None:
    num = _ROW_NUM_RE.match(text, lines[0][0])
    s0 = num.end() if num else lines[0][0]
    row_end = lines[-1][1]
    in_row = [m for m in mentions if s0 <= m.start and m.end <= row_end]
    # the task cell ends at the first line that opens with a body
    body_start = None
    for ls, le in lines[1:] if text[s0:lines[0][1]].strip() else lines[2:]:
        first = ls + len(text[ls:le]) - len(text[ls:le].lstrip())
        if any(m.start == first for m in in_row) and re.match(UPPER_CLASS, text[first:first + 1]):
            body_start = first
            break
    task_end = body_start if body_start is not None else row_end
    # the time cell: the last line that opens with a time word, or a time word after the bodies
    time = None
    search_from = body_start if body_start is not None else s0
    for tm in voc.time_start.finditer(mtext, search_from, row_end):
        if re.match(UPPER_CLASS + "|[0-9]", text[tm.start():tm.start() + 1]):
            blank = re.search(r"\n[ \t]*\n", text[tm.start():row_end])
            time = (tm.start(), tm.start() + blank.start() if blank else row_end)
            break
    cells_end = time[0] if time else row_end
    groups: list[list[BodyMention]] = []
    prev_end = None
    for m in in_row:
        if m.start < task_end or m.start >= cells_end:
            continue
        gap = mtext[prev_end:m.start] if prev_end is not None else ""
        if prev_end is None or not re.search(r"[,;]|(?<!\w)(?:và|cùng)(?!\w)", gap):
            groups.append([])
        groups[-1].append(m)
        prev_end = m.end
    task = _strip(text, s0, task_end)
    if task[1] <= task[0]:
        return None
    return TableRow(task=task, lead=groups[0] if groups else [],
                    coordinate=[m for g in groups[1:2] for m in g], time=_strip(text, *time) if time else None)
