"""The deadline grammar (EXTRACTION.md sections 4 and 9.4).

``find_times`` reads every time expression of a clause. A time is a *core*
(a date, month, quarter, part of a year, year, span of years, duration,
relative week or month, Tết, or a recurring or immediate word), the words
right before it that decide its kind ("trước", "trong", "đến", "từ", "từ nay
đến", "giai đoạn" …) and, when those say nothing, the nearest marker earlier
in the clause ("phấn đấu", "kế hoạch", "so với", a cited document's name …).
Each time carries the LAST day it names, resolved against the document's
date when the year or day is implicit.

``pick_deadline`` applies the precedence of sections 4 and 9.4 to one
directive clause: recurring → none; an explicit due time wins; else the
latest period, target or range; a plan's period only when nothing else is
named; start times, past times and cited documents' dates never count.

Matching runs on ``match_form`` (same length as the text), so offsets point
into the original; ``\\s+`` between words lets PDF line breaks through. Every
core regex opens with a literal (the word-boundary check comes after it) so
the regex engine can skip ahead: a 10 kB text reads in about 3 ms.
Vocabulary lives in ``nlp/data/deadlines.yml``.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from nlp.data import load_yaml
from nlp.records import TimeExpr
from nlp.text import match_form

_YEAR = r"(?:19|20)\d{2}"
_MNUM = r"(?:1[0-2]|0?[1-9])(?!\d)"
_UNITS = {"năm": "year", "tháng": "month", "quý": "quarter", "tuần": "week"}
_REL_STEP = {"này": 0, "nay": 0, "tới": 1, "sau": 1, "kế tiếp": 1, "tiếp theo": 1,
             "qua": -1, "vừa qua": -1, "trước": -1, "ngoái": -1}
_END_KINDS = ("period", "target", "range")


# --- vocabulary -----------------------------------------------------------------------------------------------------


def _key(words: Any) -> str:
    return " ".join(str(words).split())


def _phrase(entry: str) -> str:
    """A phrase as a regex: its words, any whitespace run between them."""
    return r"\s+".join(re.escape(w) for w in entry.split())


def _alt(entries: Iterable[Any]) -> str:
    """One alternation of phrases, the longest first."""
    return "(?:" + "|".join(_phrase(e) for e in sorted({_key(e) for e in entries}, key=len, reverse=True)) + ")"


def _lead(word: str) -> str:
    """A literal word that starts a word. The boundary check follows the literal so the engine can scan for it."""
    w = re.escape(word)
    return f"{w}(?<!\\w{w})"


def _anchored(entries: Iterable[Any], after: str = "") -> list[str]:
    """Phrases grouped by their first word: one literal-led regex per group ("hằng (tháng|năm)", "định kỳ")."""
    groups: dict[str, set[str]] = {}
    for e in entries:
        first, _, rest = _key(e).partition(" ")
        groups.setdefault(first, set()).add(rest)
    out = []
    for first, rests in groups.items():
        tails = sorted((r for r in rests if r), key=len, reverse=True)
        tail = ""
        if tails:
            tail = r"(?:\s+(?:" + "|".join(_phrase(r) for r in tails) + "))" + ("?" if "" in rests else "")
        out.append(_lead(first) + tail + after)
    return out


@dataclass(slots=True)
class _Grammar:
    cores: list[tuple[str, re.Pattern[str]]]
    prefixes: dict[str, str]  # phrase → category
    prefix_len: int
    prefix_lasts: frozenset[str]  # words a prefix can end with
    modifiers: dict[str, str]  # word → "end" | "none"
    markers: dict[str, str]  # phrase → family
    marker_len: int
    marker_firsts: frozenset[str]
    cited_words: frozenset[str]  # document types and "ban hành", "ký": a date right after them is the document's
    numbers: dict[str, int]
    months: dict[str, int]
    roman: dict[str, int]
    count_before: re.Pattern[str]
    until_now: re.Pattern[str]
    recurring_not_after: re.Pattern[str]
    lookback: int


def _phrase_map(groups: dict[str, list[Any]]) -> tuple[dict[str, str], int]:
    out = {_key(e): name for name, entries in groups.items() for e in entries}
    return out, max(len(k.split()) for k in out)


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    data = load_yaml("deadlines.yml")
    numbers = {_key(k): int(v) for k, v in data["number_words"].items()}
    months = {_key(k): int(v) for k, v in data["month_words"].items()}
    roman = {str(k): int(v) for k, v in data["roman_numerals"].items()}
    qnum = r"(?:" + "|".join(sorted(roman, key=len, reverse=True)) + r"|[1-4])(?!\w)"
    count = r"(?:\d{1,3}|" + _alt(numbers) + r")"
    year_tail = r"(?:\s*[/.\-]\s*(?P<y>" + _YEAR + r")|\s+năm\s+(?P<y2>" + _YEAR + r"|nay|tới|sau)(?!\w))?(?!\d)"
    more = r"\s*(?:,|và|-|hoặc)\s*"
    rel = _alt(_REL_STEP)
    tet = data["tet"]
    cores: list[tuple[str, str]] = [
        # 30/6/2024, 30-6-2024, 30.6.2024, 20.4, 30 tháng 6 năm 2024 ("ngày" before is read in the code);
        # 2021-2030, a span of years ("giai đoạn" before it is a prefix). One digit-led regex: one scan.
        ("num", r"\d(?<![\w/.\-]\d)(?:(?<=[12])(?P<span>(?:(?<=1)9|(?<=2)0)\d\d\s*-\s*(?P<ye>" + _YEAR + r")(?!\d)"
                r"(?![.,]\d))|\d?(?:\s*(?P<sep>[/.\-])\s*(?P<m>\d{1,2})(?:\s*(?P=sep)\s*(?P<y>" + _YEAR + r"))?"
                r"(?![\w/]|[.,\-]\d)|\s+tháng\s+(?P<m2>" + _MNUM + r")(?:\s*,?\s*(?:năm\s+|[/.\-]\s*)(?P<y2>"
                + _YEAR + r"))?(?!\d)))"),
        # ngày 20 (kept only with a due prefix or a recurring word next to it)
        ("day", _lead("ngày") + r"\s+(?P<d>\d{1,2})(?!\d)(?!\s*[/.\-]\s*\d)(?!\s+tháng)"),
        # tháng 5/2023, tháng 5-2023, tháng 12.2022, tháng 11, tháng 12 năm 2025, tháng Mười
        ("month", _lead("tháng") + r"\s+(?P<m>" + _MNUM + r"|" + _alt(months) + r"(?!\w))"
                  r"(?P<more>(?:" + more + r"(?:tháng\s+)?" + _MNUM + r"(?![/.\-]\d{1,2}(?!\d)))*)" + year_tail),
        # quý II/2024, quý II năm 2024, quý 2/2024, quý I, II/2025
        ("quarter", _lead("quý") + r"\s+(?P<q>" + qnum + r")(?P<more>(?:" + more + r"(?:quý\s+)?" + qnum + r")*)"
                    + year_tail),
        # (6) tháng đầu năm 2024, (6) tháng cuối năm, (9) tháng năm 2024 — the count is read in the code
        ("half", _lead("tháng") + r"\s+(?:(?P<part>đầu|cuối)\s+)?năm(?:\s+(?P<y>" + _YEAR + r"|nay))?(?!\w)"),
        ("half", _lead("nửa") + r"\s+(?P<part>đầu|cuối)\s+năm(?:\s+(?P<y>" + _YEAR + r"|nay))?(?!\w)"),
        # năm 2024, năm 2024 - 2025, năm 2021 đến năm 2025
        ("year", _lead("năm") + r"\s+(?P<y>" + _YEAR + r")(?P<more>(?:\s*(?:,|và|-|đến|tới)\s*(?:năm\s+)?"
                 + _YEAR + r"(?!\d))*)(?!\d)(?![.,]\d)"),
        # trong 30 ngày (kể từ ngày ký), trong 10 ngày làm việc, không quá 15 ngày
        *[("dur", rx) for rx in _anchored(
            ["trong", "trong vòng", "trong thời hạn", "trong khoảng", "nội trong", "không quá", "chậm nhất",
             "chậm nhất là", "chậm nhất trong", "chậm nhất là trong", "chậm nhất sau"],
            r"\s+(?P<n>" + count + r")\s+(?P<unit>ngày(?:\s+làm\s+việc)?|tuần|tháng|năm)(?!\w)(?!\s*\d)"
            r"(?!\s+(?:đầu|cuối)\s+năm)(?!\s+(?:qua|vừa\s+qua|trước|gần\s+đây|đã)(?!\w))"
            r"(?:\s+(?:tới|sắp\s+tới|tiếp\s+theo)(?!\w)|\s*,?\s*(?:kể\s+)?từ\s+ngày\s+(?:"
            r"(?P<bd>\d{1,2})\s*(?P<bs>[/.\-])\s*(?P<bm>\d{1,2})\s*(?P=bs)\s*(?P<by>" + _YEAR + r")(?!\d)"
            r"|(?:ký|ban\s+hành|nhận\s+được|có\s+hiệu\s+lực)(?!\w)))?")],
        # tuần này, tuần tới, tháng tới, quý này, năm nay, năm qua
        *[("rel", _lead(u) + r"\s+(?P<rel>" + rel + r")(?!\w)(?!\s+(?:ngày|tháng|quý|năm|\d))") for u in _UNITS],
        # cuối năm, hết tháng, trong tháng (the document's own period)
        *[("bare", _lead(w) + r"\s+(?P<unit>năm|tháng|quý|tuần)(?!\w)(?!\s*\d)"
                   r"(?!\s+(?:[ivx]+|nay|này|tới|sau|qua|trước|học|ngoái|kế|tiếp|vừa|đầu|cuối|tài)(?!\w))")
          for w in ("cuối", "hết")],
        ("bare", _lead("trong") + r"\s+(?P<unit>tháng|tuần|quý)(?=\s*(?:[,;.)]|$))"),
        # Tết Nguyên đán (Giáp Thìn) (2024)
        ("tet", _lead("tết") + r"(?:\s+nguyên\s+đán)?(?:\s+" + _alt(tet["can"]) + r"\s+" + _alt(tet["chi"]) + r")?"
                r"(?:\s+(?:năm\s+)?" + _YEAR + r")?(?!\w)"),
        # định kỳ 6 tháng, hằng tháng, thường xuyên
        ("rec", _lead("định") + r"\s+kỳ\s+" + count + r"\s+(?:ngày|tuần|tháng|quý|năm)(?!\w)"),
        *[("rec", rx) for rx in _anchored(data["recurring"], r"(?!\w)")],
        # ngay, khẩn trương, kịp thời ("ngay cả" is not a time)
        *[("imm", rx) for rx in _anchored(data["immediate"], r"(?!\w)(?!\s+" + _alt(data["immediate_not_before"])
                                                                 + r"(?!\w))")],
    ]
    prefixes, prefix_len = _phrase_map(data["prefixes"])
    markers, marker_len = _phrase_map(data["clause_markers"])
    mods = {_key(w): k for k, ws in data["modifiers"].items() for w in ws}
    return _Grammar(
        cores=[(name, re.compile(rx)) for name, rx in cores],
        prefixes=prefixes,
        prefix_len=prefix_len,
        prefix_lasts=frozenset([k.split()[-1] for k in prefixes] + list(mods) + ["ngay"]),
        modifiers=mods,
        markers=markers,
        marker_len=marker_len,
        marker_firsts=frozenset(k.split()[0] for k in markers),
        cited_words=frozenset(_key(w) for w in data["cited_date_verbs"] + data["clause_markers"]["cited"]),
        numbers=numbers,
        months=months,
        roman=roman,
        count_before=re.compile(r"(?<!\w)(?P<n>\d{1,2}|" + _alt(numbers) + r")\s+\Z"),
        until_now=re.compile(r"\s+" + _alt(data["until_now"]) + r"(?!\w)"),
        recurring_not_after=re.compile(r"(?<!\w)" + _alt(data["recurring_not_after"]) + r"\s+\Z"),
        lookback=int(data["implicit_year_lookback_days"]),
    )


# --- matching form --------------------------------------------------------------------------------------------------


# --- calendar arithmetic --------------------------------------------------------------------------------------------


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _quarter_end(y: int, q: int) -> date:
    return _month_end(y, 3 * q)


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _add_workdays(d: date, n: int) -> date:
    """``n`` working days after ``d`` (Saturdays and Sundays skipped)."""
    while n > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


def _sunday(d: date) -> date:
    return d + timedelta(days=6 - d.weekday())


def _period_start(end: date, gran: str | None) -> date:
    """The first day of the period that ends on ``end``."""
    if gran == "year":
        return date(end.year, 1, 1)
    if gran == "half":
        return date(end.year, 1 if end.month <= 6 else 7, 1)
    if gran == "quarter":
        return date(end.year, end.month - 2, 1)
    if gran == "month":
        return end.replace(day=1)
    if gran == "week":
        return end - timedelta(days=6)
    return end


# --- reading --------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Time:
    """A time being read: where it is, what it names, and what the words around it say."""

    start: int
    end: int
    ctype: str
    date: date | None = None
    gran: str | None = None
    explicit: bool = True  # the year is written out
    weak: bool = False  # a bare "20/4" or "ngày 20": a time only with a prefix
    listed: bool = False  # "tháng 3 - 5/2024": several periods in one core
    cat: str | None = None
    mod: str | None = None
    kind: str = "period"
    cited: bool = False  # the date right after a cited document's number
    before: bool = False  # "trước" right before a month, quarter or year: the period has not begun


_WORDS = re.compile(r"\w+")
_LAST_BOUNDARY = re.compile(r".*(?:[;:!?()\[\]]|[.,](?=\s|$))", re.S)
_LAST_WORDS = [re.compile(r"(?:\S+\s+){" + str(k) + r"}\Z") for k in range(12)]
_NGAY_BEFORE = re.compile(r"(?<!\w)ngày\s+\Z")
_TOD = re.compile(r"\d{1,2}\s*(?:giờ|h)(?:\s*\d{1,2}(?:\s*phút)?)?,?")
_DOC_NUMBER = re.compile(r"\S*\d\S*[/\-]\S*[^\W\d_]\S*")
_PAST_AFTER = re.compile(r"[\s,]*(?:[^\s,;.:]+\s+){0,6}?đã(?!\w)")


class _Reader:
    """Reads the times of one text against one reference date."""

    def __init__(self, text: str, ref: date | None) -> None:
        self.text = text
        self.m = match_form(text)
        self.ref = ref
        self.g = _grammar()

    # resolution ------------------------------------------------------------------------------------------------

    def _implicit(self, y: int | None, make: Callable[[int], date]) -> tuple[date | None, bool]:
        """The date for a written year, or for the document's year (the next one when that is long past)."""
        if y is not None:
            return make(y), True
        if self.ref is None:
            return None, False
        d = make(self.ref.year)
        if (self.ref - d).days > self.g.lookback:
            d = make(self.ref.year + 1)
        return d, False

    def _year_word(self, y: str | None) -> tuple[int | None, bool]:
        """A written year; "nay"/"tới"/"sau" relative to the document (flag True); None when there is none."""
        if not y:
            return None, False
        if y.isdigit():
            return int(y), False
        if self.ref is None:
            raise ValueError("relative year without a reference date")
        return self.ref.year + (0 if y == "nay" else 1), True

    def _count(self, s: str) -> int:
        s = _key(s)
        return int(s) if s.isdigit() else self.g.numbers[s]

    def _month(self, s: str) -> int:
        s = _key(s)
        return int(s) if s.isdigit() else self.g.months[s]

    def _quarter(self, s: str) -> int:
        return int(s) if s.isdigit() else self.g.roman[s]

    def _resolve(self, t: _Time, mt: re.Match[str]) -> None:
        """Fill in the date; move the start over a "ngày" or a count read before the core. ValueError: not a time."""
        ct, gd = t.ctype, mt.groupdict()
        if ct == "num":
            t.ctype = ct = "yrange" if gd["span"] else "date"
        if ct == "date":
            self._date(t, mt, gd)
        elif ct == "day":
            self._day(t, int(gd["d"]))
        elif ct == "month":
            months = [self._month(gd["m"])] + [int(x) for x in re.findall(r"\d{1,2}", gd["more"] or "")]
            self._named(t, gd.get("y") or gd.get("y2"), lambda yy: _month_end(yy, months[-1]), "month")
            t.listed = len(months) > 1
        elif ct == "quarter":
            qs = [self._quarter(gd["q"])] + [self._quarter(x) for x in re.findall(r"iv|iii|ii|i|[1-4]", gd["more"] or "")]
            self._named(t, gd.get("y") or gd.get("y2"), lambda yy: _quarter_end(yy, qs[-1]), "quarter")
            t.listed = len(qs) > 1
        elif ct == "half":
            self._half(t, gd)
        elif ct == "year":
            years = [int(gd["y"])] + [int(x) for x in re.findall(r"\d{4}", gd["more"] or "")]
            t.listed = len(years) > 1
            t.date, t.gran = date(max(years), 12, 31), "year"
        elif ct == "yrange":
            y1, y2 = int(self.m[t.start:t.start + 4]), int(gd["ye"])
            if not 0 < y2 - y1 <= 50:
                raise ValueError("not a span of years")
            t.date, t.gran = date(y2, 12, 31), "year"
        elif ct == "rel":
            self._relative(t, self.m[t.start:t.end].split()[0], _key(gd["rel"]))
        elif ct == "bare":
            self._bare(t, gd["unit"])
        elif ct == "dur":
            self._duration(t, gd)
        elif ct == "tet":
            t.gran, t.explicit = "day", False
        else:  # rec, imm
            t.explicit = False
            t.kind = "recurring" if ct == "rec" else "immediate"
            if ct == "rec" and self.g.recurring_not_after.search(self.m, max(0, t.start - 20), t.start):
                raise ValueError("đời sống hằng ngày")

    def _date(self, t: _Time, mt: re.Match[str], gd: dict[str, Any]) -> None:
        d = int(self.m[t.start:mt.start("sep") if gd["sep"] else t.start + 2].strip())
        mo, ys = (int(gd["m"]), gd["y"]) if gd["sep"] else (int(gd["m2"]), gd["y2"])
        ng = _NGAY_BEFORE.search(self.m, max(0, t.start - 12), t.start)
        if ng:
            t.start = ng.start()
        t.weak = ys is None and ng is None
        if gd["sep"] == "-" and t.weak:
            raise ValueError("a bare d-m is a span of numbers")
        date(2000, mo, d)  # a valid day of that month
        t.date, t.explicit = self._implicit(int(ys) if ys else None, lambda yy: date(yy, mo, d))
        t.gran = "day"

    def _day(self, t: _Time, d: int) -> None:
        """"trước ngày 20": the 20th of the document's month, or of the next one when it is past."""
        t.weak, t.gran, t.explicit = True, "day", False
        if not 1 <= d <= 31:
            raise ValueError("day")
        ref = self.ref
        if ref is not None:
            y, mo = ref.year, ref.month
            if d < ref.day:
                y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
            t.date = date(y, mo, min(d, calendar.monthrange(y, mo)[1]))

    def _named(self, t: _Time, ys: str | None, make: Callable[[int], date], gran: str) -> None:
        y, rel = self._year_word(ys)
        t.date, t.explicit = self._implicit(y, make)
        t.explicit = t.explicit and not rel
        t.gran = gran

    def _half(self, t: _Time, gd: dict[str, Any]) -> None:
        """"6 tháng đầu năm 2024" → 06-30, "6 tháng cuối năm" → 12-31, "nửa đầu năm", "9 tháng năm 2024" → 09-30."""
        part = gd.get("part")
        if self.m.startswith("nửa", t.start):
            n = 6
        else:
            cm = self.g.count_before.search(self.m, max(0, t.start - 16), t.start)
            if cm is None or (part is None and not gd.get("y")):
                raise ValueError("not a part of a year")
            n, t.start = self._count(cm.group("n")), cm.start()
        if not 1 <= n <= 12:
            raise ValueError("not a part of a year")
        mo = 12 if part == "cuối" else n
        self._named(t, gd.get("y"), lambda yy: _month_end(yy, mo), {6: "half", 3: "quarter", 9: "quarter",
                                                                     12: "year"}.get(n, "month"))

    def _relative(self, t: _Time, unit: str, rel: str) -> None:
        """"tuần tới", "tháng này", "năm nay", "năm qua": the document's period, the next or the last."""
        if re.search(r"(?:\d|những|các|nhiều|mấy|vài|mọi|hai|ba|hằng|hàng|mỗi)\s+\Z",
                     self.m[max(0, t.start - 12):t.start]):
            raise ValueError("a count of periods, not a named one")  # "5 năm tới", "các năm sau", "hằng năm"
        if rel in ("nay", "ngoái") and unit != "năm":
            raise ValueError("only years take nay / ngoái")
        step = _REL_STEP[rel]
        t.explicit, t.gran = False, _UNITS[unit]
        t.kind = "past" if step < 0 else ("due" if unit == "tuần" else "period")
        ref = self.ref
        if ref is None:
            return
        if unit == "tuần":
            t.date = _sunday(ref) + timedelta(days=7 * step)
        elif unit == "tháng":
            y, m = divmod(ref.year * 12 + ref.month - 1 + step, 12)
            t.date = _month_end(y, m + 1)
        elif unit == "quý":
            q = ref.year * 4 + (ref.month - 1) // 3 + step
            t.date = _quarter_end(q // 4, q % 4 + 1)
        else:
            t.date = date(ref.year + step, 12, 31)

    def _bare(self, t: _Time, unit: str) -> None:
        """"cuối năm", "hết tháng", "trong tháng": the end of the document's own period."""
        t.explicit, t.gran, ref = False, _UNITS[unit], self.ref
        if ref is not None:
            t.date = {"năm": date(ref.year, 12, 31), "tháng": _month_end(ref.year, ref.month),
                      "quý": _quarter_end(ref.year, (ref.month - 1) // 3 + 1), "tuần": _sunday(ref)}[unit]

    def _duration(self, t: _Time, gd: dict[str, Any]) -> None:
        """"trong 30 ngày": the written base date, or the document's, plus the span."""
        n, unit = self._count(gd["n"]), _key(gd["unit"])
        t.gran, t.kind = "day", "due"
        base: date | None
        if gd.get("by"):
            base, t.explicit = date(int(gd["by"]), int(gd["bm"]), int(gd["bd"])), True
        else:
            base, t.explicit = self.ref, False
        if base is None:
            return
        if unit == "ngày làm việc":
            t.date = _add_workdays(base, n)
        elif unit == "ngày":
            t.date = base + timedelta(days=n)
        elif unit == "tuần":
            t.date = base + timedelta(days=7 * n)
        else:
            t.date = _add_months(base, n * (12 if unit == "năm" else 1))

    # cores, prefixes, kinds ------------------------------------------------------------------------------------

    def cores(self) -> list[_Time]:
        """Every core that names a time, the longest where two overlap, in text order."""
        found: list[_Time] = []
        for ctype, rx in self.g.cores:
            for mt in rx.finditer(self.m):
                t = _Time(mt.start(), mt.end(), ctype)
                try:
                    self._resolve(t, mt)
                except (ValueError, KeyError):
                    continue
                found.append(t)
        found.sort(key=lambda x: (x.start - x.end, x.start))
        starts: list[int] = []
        chosen: list[_Time] = []  # kept sorted by start
        for t in found:
            i = bisect_left(starts, t.start)
            if (i < len(chosen) and chosen[i].start < t.end) or (i > 0 and chosen[i - 1].end > t.start):
                continue
            starts.insert(i, t.start)
            chosen.insert(i, t)
        return chosen

    def read(self) -> list[_Time]:
        times: list[_Time] = []
        floor = 0
        for t in self.cores():
            if t.ctype not in ("rec", "imm"):
                self._prefix(t, floor, times)
                self._classify(t)
                floor = t.end
            times.append(t)
        times = self._merge_ranges(times)
        times = self._merge_recurring(times)
        return [t for t in times if not (t.weak and t.cat is None)]

    def _prefix(self, t: _Time, floor: int, times: list[_Time]) -> None:
        """Take in the words right before the core that decide its kind ("ngay trong", "đến hết", "trước 15 giờ")."""
        lo = max(floor, t.start - 48)
        seg = self.m[lo:t.start]
        last = seg.rsplit(None, 1)[-1:]
        if not last or not (last[0] in self.g.prefix_lasts or last[0][:1].isdigit() or last[0] in ("giờ", "phút")):
            return
        toks = seg.split()
        if toks and lo > floor and not seg[0].isspace() and not self.m[lo - 1].isspace():
            toks = toks[1:]  # a word cut by the window
        i = len(toks)
        if i and toks[i - 1] in self.g.modifiers:
            t.mod, i = toks[i - 1], i - 1
        j = self._tod(toks, i)
        cat = None
        for n in range(min(self.g.prefix_len, j), 0, -1):
            cat = self.g.prefixes.get(" ".join(toks[j - n:j]))
            if cat:
                i = j - n
                t.before = cat == "due" and toks[j - 1] == "trước" and t.mod is None and j == len(toks)
                break
        if i and toks[i - 1] == "ngay":
            i -= 1
        k = len(toks) - i  # words taken in
        if k:
            pm = _LAST_WORDS[k].search(seg) if k < len(_LAST_WORDS) else None
            if pm is not None:
                t.cat, t.start = cat, lo + pm.start()
                # "ngay" in the prefix is not a separate immediate word
                times[:] = [x for x in times if not (x.kind == "immediate" and x.start >= t.start)]
        if t.mod is not None and self.g.modifiers[t.mod] == "none":
            t.date = None  # "đầu năm 2025" names no last day
        if t.before and t.date is not None and t.ctype != "bare" and t.gran in ("month", "quarter", "half", "year"):
            t.date = _period_start(t.date, t.gran) - timedelta(days=1)  # "trước tháng 10/2024" → 09-30

    @staticmethod
    def _tod(toks: list[str], i: int) -> int:
        """Skip a time of day ("15 giờ", "15h30") between a due word and the date."""
        if not i or not (toks[i - 1][:1].isdigit() or toks[i - 1].rstrip(",") in ("giờ", "phút")):
            return i
        for n in (4, 3, 2, 1):
            if n <= i - 1 and _TOD.fullmatch(" ".join(toks[i - n:i])):
                return i - n
        return i

    def _window(self, at: int) -> str:
        """The clause before ``at``, back to the previous comma, semicolon or full stop (160 chars at most)."""
        seg = self.m[max(0, at - 160):at]
        bm = _LAST_BOUNDARY.match(seg)
        return seg[bm.end():] if bm else seg

    def _markers(self, window: str) -> list[str]:
        """The families of the clause markers in ``window``, in order (the longest phrase wins)."""
        words = _WORDS.findall(window)
        out, i, k, firsts = [], 0, self.g.marker_len, self.g.marker_firsts
        while i < len(words):
            if words[i] not in firsts:
                i += 1
                continue
            for n in range(min(k, len(words) - i), 0, -1):
                fam = self.g.markers.get(" ".join(words[i:i + n]))
                if fam:
                    if fam != "neutral":
                        out.append(fam)
                    i += n
                    break
            else:
                i += 1
        return out

    def _cited_date(self, t: _Time) -> bool:
        """A date right after a cited document: "Nghị định số 52/2013/NĐ-CP ngày 16 tháng 5 năm 2013"."""
        words = self.m[max(0, t.start - 60):t.start].split()
        if not words:
            return False
        last = words[-1].rstrip(",")
        if _DOC_NUMBER.fullmatch(last):
            return True
        tail = [w for w in words[-4:] if w != "số"]
        return any(" ".join(tail[-n:]) in self.g.cited_words for n in (1, 2, 3) if n <= len(tail))

    def _classify(self, t: _Time) -> None:
        ct, cat = t.ctype, t.cat
        if ct == "dur" or (ct == "rel" and t.kind in ("due", "past")):
            pass
        elif ct == "tet":
            t.kind = cat if cat in ("due", "past") else "period"
        elif cat in ("due", "past", "start", "plan"):
            t.kind = cat
        elif cat == "from_now":
            t.kind = "period"
        elif cat == "vision":
            t.kind = "plan"
        else:
            self._by_clause(t)
        ref = self.ref
        if (t.kind == "past" and not t.cited and ref is not None and t.date is not None
                and _period_start(t.date, t.gran) > ref):
            t.kind = "period"  # a time still ahead dates no data, no result and no cited document
        until = self.g.until_now.match(self.m, t.end)
        if until and t.kind in ("start", "period", "target"):
            t.kind, t.end = "past", until.end()  # "từ năm 1999 đến nay"
        if t.kind == "start" and t.listed:
            t.kind = "range"  # "từ tháng 3 - 5/2024"
        if ref is not None and t.date is not None and t.kind in ("period", "target", "plan", "range") and t.date < ref:
            t.kind = "past"  # a named period over before the document was written ("hết tháng 7", "năm 2022")

    def _by_clause(self, t: _Time) -> None:
        """A time whose prefix says nothing decisive: the clause's markers decide."""
        cat = t.cat
        window = self._window(t.start)
        fams = self._markers(window)
        if cat == "in":
            # "báo cáo … trong tháng 4" is due; "phấn đấu … trong năm" a target; a plan noun does not reach past "trong"
            near = [f for f in fams if f in ("target", "past")]
            t.kind = "due" if "due_verbs" in fams else (near[-1] if near else "period")
        elif cat == "target":
            t.kind = "plan" if fams and fams[-1] == "plan" else "target"  # "Chiến lược … đến năm 2030" is a name
        elif t.gran == "day" and self._cited_date(t):
            t.kind, t.cited = "past", True
        else:
            near = [f for f in fams if f != "due_verbs"]
            t.kind = {"plan": "plan", "target": "target", "past": "past", "data": "past",
                      "cited": "past"}.get(near[-1] if near else "", "period")
            if t.kind == "period" and not window.strip() and _PAST_AFTER.match(self.m, t.end):
                t.kind = "past"  # "Ngày 15/3/2024, Bộ đã ban hành …"

    def _merge_ranges(self, times: list[_Time]) -> list[_Time]:
        """"từ ngày 25/01 đến ngày 05/02/2025": one range, dated by its end."""
        out: list[_Time] = []
        for t in times:
            a = out[-1] if out else None
            if (a is not None and a.kind == "start" and t.cat == "target" and not self.m[a.end:t.start].strip()
                    and t.kind in ("target", "period", "past")):
                end = t.date
                if end is not None and a.date is not None and end < a.date and not t.explicit:
                    try:
                        end = end.replace(year=end.year + 1)
                    except ValueError:
                        end = None
                past = t.kind == "past" or (end is not None and self.ref is not None and end < self.ref)
                out[-1] = _Time(a.start, t.end, "range", end, t.gran, t.explicit, cat="start",
                                kind="past" if past else "range")
                continue
            out.append(t)
        return out

    def _merge_recurring(self, times: list[_Time]) -> list[_Time]:
        """"Hằng tháng, trước ngày 20", "trước ngày 25 tháng 12 hằng năm": one recurring time."""
        out: list[_Time] = []
        for t in times:
            a = out[-1] if out else None
            if (a is not None and "recurring" in (a.kind, t.kind)
                    and (a.kind == "recurring" or not a.explicit) and (t.kind == "recurring" or not t.explicit)
                    and re.fullmatch(r"[\s,]*(?:(?:và|vào)\s+)?", self.m[a.end:t.start])):
                out[-1] = _Time(a.start, t.end, "rec", None, None, False, kind="recurring")
                continue
            out.append(t)
        return out


# --- public API -----------------------------------------------------------------------------------------------------


def find_times(text: str, ref: date | None) -> list[TimeExpr]:
    """Every time expression in ``text``, non-overlapping and sorted, each with the last day it names.

    ``ref`` (the document's date) resolves implicit years, days and relative
    times; without it those get date None.
    """
    if not text:
        return []
    return [TimeExpr(t.start, t.end, text[t.start:t.end], t.kind, t.date, t.gran) for t in _Reader(text, ref).read()]


def is_recurring(text: str) -> bool:
    """Whether the clause names a recurring time (hằng tháng, định kỳ, thường xuyên …): it then has no deadline."""
    return any(t.kind == "recurring" for t in find_times(text, None))


def _latest(times: list[TimeExpr]) -> TimeExpr | None:
    dated = [t for t in times if t.date is not None]
    return max(dated, key=lambda t: (t.date, t.start)) if dated else None


def pick_deadline(text: str, ref: date | None, *, exclude: Sequence[tuple[int, int]] = ()) -> TimeExpr | None:
    """The deadline of one directive clause (sections 4 and 9.4), or None.

    Times inside ``exclude`` (cited documents' spans) never count. A recurring
    time anywhere gives None; an explicit due time wins (the latest, when
    several); else the latest period, target or range; a plan's period only
    when the clause names none of those (its horizon, "tầm nhìn đến …", last).
    Start times, past times, immediate words and undated times never give one.
    """
    times = [t for t in find_times(text, ref) if not any(t.start < e and s < t.end for s, e in exclude)]
    if any(t.kind == "recurring" for t in times):
        return None
    due = [t for t in times if t.kind == "due"]
    if due:
        return _latest(due)
    ends = [t for t in times if t.kind in _END_KINDS]
    if ends:
        return _latest(ends)
    plans = [t for t in times if t.kind == "plan"]
    own = [t for t in plans if not t.text.lower().startswith("tầm")]
    return _latest(own) or _latest(plans)
