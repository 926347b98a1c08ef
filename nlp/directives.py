"""Directive rules: which clauses ask for an action, whose, and by when.

Works on the paragraphs of ``nlp.segment`` and the mentions of the other
extractors (bodies, times, references). The decisions follow EXTRACTION.md:
one directive per clause; a reporting frame ("Thủ tướng yêu cầu") is cut off
the span; lead-ins and section headings carry their addressees, issuer and
deadline over to the items under them; semicolon clauses keep their
sentence's subject; past reports, praise, problem statements and document
boilerplate are not directives.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date

from nlp.deadlines import is_recurring, pick_deadline
from nlp.lexicon import Lexicon, lexicon
from nlp.postag import pos_tags
from nlp.records import BodyMention, Directive, TimeExpr
from nlp.segment import RANK_ARTICLE, RANK_PLAIN, RANK_SUBNUM, Clause, Paragraph, Sentence
from nlp.tables import Table, find_tables
from nlp.text import LOWER_CLASS, UPPER_CLASS, match_form

_CAP_WORD = UPPER_CLASS + LOWER_CLASS + "*"
_NAME_RE = re.compile(r"(?:[ \t]+(?:" + _CAP_WORD + r"|" + UPPER_CLASS + r"\.))(?:[ \t]+" + _CAP_WORD + r"){1,3}")
_NAME_END_RE = re.compile(r"((?:" + _CAP_WORD + r"[ \t]+){1,3}" + _CAP_WORD + r")$")
_PAREN_RE = re.compile(r"\s*\(\s*")
_COMMA_PART_RE = re.compile(r"[^,;:\n]{1,40},\s*")
_NEXT_CAP_RE = re.compile(r"[ \t]+" + UPPER_CLASS)
_WORD_RE = re.compile(r"[\wà-ỹ]+")


@dataclass(slots=True)
class Context:
    """What a lead-in or heading passes to the items under it."""

    responsible: list[str] = field(default_factory=list)
    coordinate: list[str] = field(default_factory=list)
    deadline: TimeExpr | None = None
    issuer: str | None = None
    scope: bool = False  # items under it are tasks
    negative: bool = False  # items under it are objectives, results …


@dataclass(slots=True)
class _Level:
    """An open heading or lead-in and the rank of the first item under it."""

    rank: int
    ctx: Context
    kind: str  # section | leadin
    child: int | None = None


@dataclass(slots=True)
class _Subject:
    run: list[BodyMention]
    end: int  # end of the subject (the clause start when there is none)
    start: int  # where the subject was looked for, after "Giao …" or an adverbial phrase
    span_start: int  # where the directive's span starts


@dataclass(slots=True)
class _Frame:
    end: int  # where the directive text may start
    issuer: str | None
    directive: bool  # a directive verb (yêu cầu, giao …) rather than a reporting one
    colon: bool
    addressees: list[str] = field(default_factory=list)  # "Đối với các địa phương, Thủ tướng yêu cầu …"
    office: str | None = None  # the issuer's title or body as written ("Thủ tướng", "Công điện")


class DirectiveFinder:
    """Finds the directives of one document."""

    def __init__(self, text: str, masked: str, mtext: str, paragraphs: list[Paragraph], mentions: list[BodyMention],
                 ref: date | None, exclude: list[tuple[int, int]], *, official: bool,
                 default_issuer: str | None, lex: Lexicon | None = None,
                 words: tuple[set[int], set[int]] | None = None, places: list[BodyMention] | None = None,
                 keep_candidates: bool = False) -> None:
        self.text = text
        self.masked = masked
        self.m = mtext
        self.paras = paragraphs
        self.mentions = mentions
        self.starts = [x.start for x in mentions]
        self.ref = ref
        self.exclude = exclude
        self.official = official
        self.default_issuer = default_issuer
        self.lex = lex or lexicon()
        self.places = {p.start: p for p in places or []}
        # with a model in the pipeline, clauses the rules turn down are kept as candidates
        self.keep_candidates = keep_candidates
        self.candidates: list[Directive] = []
        # word boundaries from the word segmenter: a trigger must be whole words
        # ("trình" is not a verb inside "chương trình")
        self.word_starts, self.word_ends = words or (set(), set())
        # a report of a meeting: once a leader's instructions are reported, a body
        # named as the subject of an action verb is being given a task
        self.seen_frame = False

    def _aligned(self, m: re.Match[str] | None) -> bool:
        if m is None:
            return False
        if not self.word_starts:
            return True
        start = m.start() + len(m.group()) - len(m.group().lstrip())
        if start not in self.word_starts:
            return False
        # the segmenter often glues a word to a following proper noun ("giao Phó"): accept that
        return m.end() in self.word_ends or bool(_NEXT_CAP_RE.match(self.text, m.end()))

    def _search(self, rx: re.Pattern[str], s: int, e: int) -> re.Match[str] | None:
        for m in rx.finditer(self.m, s, e):
            if self._aligned(m):
                return m
        return None

    def _starts(self, rx: re.Pattern[str], s: int, e: int) -> re.Match[str] | None:
        m = rx.match(self.m, s, e)
        return m if self._aligned(m) else None

    # --- mentions -------------------------------------------------------------------------------------------------
    def _mentions_in(self, s: int, e: int) -> list[BodyMention]:
        i = bisect.bisect_left(self.starts, s)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < e:
            if self.mentions[i].end <= e:
                out.append(self.mentions[i])
            i += 1
        return out

    def _mention_at(self, pos: int) -> BodyMention | None:
        i = bisect.bisect_left(self.starts, pos)
        if i < len(self.mentions) and self.mentions[i].start == pos:
            return self.mentions[i]
        return None

    def _run(self, pos: int, end: int, places: bool = False) -> tuple[list[BodyMention], int]:
        """The bodies named one after another from ``pos`` (a subject or an object list).

        With ``places``, a province or city named as the subject stands for its
        people's committee ("Thái Bình cần …", "Hà Nội, Thành phố Hồ Chí Minh phải …").
        """
        found: list[BodyMention] = []
        last_end = pos
        while pos < end:
            mention = self._mention_at(pos)
            if mention is None and places:
                mention = self.places.get(pos)
            if mention is not None:
                found.append(mention)
                pos = last_end = mention.end
                pm = _PAREN_RE.match(self.m, pos, end)
                inner = self._mention_at(pm.end()) if pm else None
                if inner is not None and self.m.startswith(")", inner.end):
                    pos = inner.end + 1  # "Cục Cảnh sát giao thông (Bộ Công an)": the parent qualifies, it does not act
                if mention.kind == "office":
                    nm = _NAME_RE.match(self.text, pos, end)
                    if nm:
                        pos = last_end = nm.end()
                continue
            cm = self.lex.connector.match(self.m, pos, end)
            if cm and cm.end() > pos:
                pos = cm.end()
                continue
            break
        return found, last_end

    @staticmethod
    def _names(mentions: list[BodyMention]) -> list[str]:
        out: list[str] = []
        for x in mentions:
            if x.name not in out:
                out.append(x.name)
        return out

    # --- frames ---------------------------------------------------------------------------------------------------
    def _frame(self, s: int, e: int) -> _Frame | None:
        """A reporting frame at the start of a sentence: issuer + verb (+ ':')."""
        limit = min(e, s + 260)
        for rx, directive in ((self.lex.directive_verb, True), (self.lex.reporting_verb, False)):
            for vm in rx.finditer(self.m, s, limit):
                if not self._aligned(vm) or self.lex.not_frame_before.search(self.m, max(s, vm.start() - 12), vm.start()):
                    continue
                issuer, ok = self._issuer_before(s, vm.start())
                if not ok:
                    continue
                if ok == "body" and not (directive and self.lex.body_frame_verb.fullmatch(vm.group())):
                    continue  # "Bộ Y tế chỉ đạo …" is the body's own task, not a frame
                end = vm.end()
                colon = False
                after = re.match(r"\s*:", self.m[end:e])
                if after:
                    end += after.end()
                    colon = True
                frame = _Frame(end=end, issuer=issuer, directive=directive, colon=colon,
                               office=self._office_before(s, vm.start(), issuer))
                am = re.match(r"\s*(?:đối với|với|riêng)\s+", self.m[s:vm.start()])
                if am:
                    run, _ = self._run(s + am.end(), vm.start())
                    while run and run[-1].kind == "office":  # the issuer itself
                        run.pop()
                    frame.addressees = self._names(run)
                return frame
        return None

    def _issuer_before(self, s: int, v: int) -> tuple[str | None, bool | str]:
        """Whether the words right before a frame verb name an issuer; its person's name if given.

        The issuer must open the clause, perhaps after an adverbial phrase ending in
        a comma ("Sáng 5/7, Thủ tướng … yêu cầu"); "Giúp Thủ tướng chỉ đạo …" is no frame.
        """
        pre = self.m[s:v].rstrip()
        pre = re.sub(r"(?:\s+(?:đã|cũng|còn|tiếp tục|đặc biệt|một lần nữa|nhiều lần))+$", "", pre)
        if re.match(r"\s*(?:giao|yêu cầu|đề nghị)(?!\w)", self.m[s:v]):
            return None, False  # "Giao Phó Thủ tướng … chỉ đạo": the person is the addressee
        stop = s + len(pre)
        if self.lex.issuer_document.search(pre) or any(b in (stop, stop - 1) for _, b in self.exclude):
            return None, "body"  # "Công điện giao …", "Chỉ thị số 09/CT-TTg yêu cầu …"
        # a person's name before the verb: "Thủ tướng Phạm Minh Chính yêu cầu"
        nm = _NAME_END_RE.search(self.text[s:stop])
        if nm:
            start = self._title_start(s + nm.start())
            if start is not None:
                return (nm.group(1), True) if self._opens_clause(s, start) else (None, False)
        start = self._title_start(stop)
        if start is not None:
            return (None, True) if self._opens_clause(s, start) else (None, False)
        i = bisect.bisect_right(self.starts, stop) - 1
        if (i >= 0 and self.mentions[i].end >= stop - 1 and self.mentions[i].start >= s
                and not self.mentions[i].name.startswith("*") and self._opens_clause(s, self._run_start(s, i))):
            return None, "body" if self.mentions[i].kind != "office" else True
        return None, False

    def _title_start(self, end: int) -> int | None:
        """Start of an issuer title ending right before ``end`` (spaces allowed)."""
        pre = self.m[max(0, end - 60):end].rstrip()
        base = max(0, end - 60)
        for m in self.lex.issuer_title.finditer(pre):
            if m.end() == len(pre):
                return base + m.start()
        return None

    def _run_start(self, s: int, i: int) -> int:
        """Where the run of bodies that ends with mention ``i`` begins (for "Bộ X, Bộ Y yêu cầu")."""
        start = self.mentions[i].start
        while i > 0 and self.mentions[i - 1].start >= s and \
                self.m[self.mentions[i - 1].end:start].strip(" ,\n") in ("", "và"):
            i -= 1
            start = self.mentions[i].start
        return start

    def _opens_clause(self, s: int, start: int) -> bool:
        """Whether an issuer starting at ``start`` opens its clause (after an adverbial phrase at most).

        An issuer that ends a list of bodies ("… được Chính phủ, Thủ tướng Chính phủ giao") or a
        trailing attribution ("… ” - Thủ tướng lưu ý") opens nothing.
        """
        i = bisect.bisect_left(self.starts, start) - 1
        if i >= 0 and self.mentions[i].start >= s and self.m[self.mentions[i].end:start].strip(" ,\n") in ("", "và"):
            # a list of bodies before the issuer: only an addressee phrase ("Với Bộ Công an, Thủ tướng giao …")
            before = self.m[s:self._run_start(s, i)].strip()
            return bool(re.fullmatch(r"(?:.*\s)?(?:đối với|với|riêng)", before, re.S))
        gap = self.m[s:start].strip()
        return not gap or gap.endswith((",", ":")) or bool(self.lex.opener.fullmatch(self.m[s:start] + ", "))

    def _office_before(self, s: int, v: int, person: str | None) -> str | None:
        """The issuer's title (or body) as written before the frame verb, for ``Directive.issuer_office``."""
        pre = self.text[s:v]
        if person and person in pre:
            pre = pre[:pre.rindex(person)]
        mpre = match_form(pre).rstrip()
        found = None
        for m in self.lex.issuer_title.finditer(mpre):
            found = m
        if found is not None and found.end() >= len(mpre) - 25:
            return pre[found.start():found.end()]
        i = bisect.bisect_right(self.starts, v) - 1
        if i >= 0 and self.mentions[i].start >= s:
            return self.mentions[i].name
        dm = self.lex.issuer_document.search(mpre)
        return pre[dm.start():dm.end()] if dm else None

    # --- clause tests ---------------------------------------------------------------------------------------------
    def _skip_openers(self, s: int, e: int) -> int:
        for rx in (self.lex.task_label, self.lex.topic_label, self.lex.citing_opener):
            lm = rx.match(self.m, s, e)
            if lm:
                s = lm.end()
        while True:
            om = self.lex.opener.match(self.m, s, e)
            if not om or om.end() == s:
                return s
            s = om.end()

    def _negative(self, s: int, e: int, subject_end: int, item: bool = False) -> bool:
        seg = self.m[s:e]
        bm = self.lex.boilerplate.match(self.m, s, e)
        if bm and not (item and self.m.startswith("căn cứ", bm.end() - 6)):
            return True
        if self.lex.closing_pattern.search(self.m, s, e):
            return True
        head = max(subject_end, s)
        ev = self.lex.event.search(self.m, head, min(e, head + 30))
        if ev and not self._has_modal(head, ev.start()):
            return True  # "chủ trì hội nghị", "làm việc với" — but "chủ động làm việc với …" asks for it
        if self.lex.evaluation_start.match(self.m, head, e) or self.lex.accountability_past.search(self.m, s, e):
            return True
        if self.lex.past_opener.match(self.m, s, e) or self.lex.copula_opener.match(self.m, s, e):
            return True
        if self.lex.request.search(self.m[s:min(e, s + 60)]):
            return True
        # "đã" before the clause's first action word: a report of what was done
        am = self._search(self.lex.action, max(subject_end, s), e)
        stop = am.start() if am else min(e, s + 80)
        pm = self.lex.past.search(self.m, s, max(stop, s))
        if pm and not self.lex.past_exempt.search(self.m, pm.start(), min(e, pm.end() + 30)):
            return True
        if self.lex.speaker_quote.match(self.text, s, e):
            return True
        st = self.lex.statistic.search(self.m, s, e)
        if st and not self._has_modal(s, st.start()) and not self._starts(self.lex.imperative_start, max(s, subject_end), e):
            return True
        if self.lex.evaluation.search(seg) and not self._search(self.lex.modal, s, e):
            return True
        if item or self._starts(self.lex.imperative_start, max(subject_end, s), e):
            return False
        return bool(self.lex.problem.search(seg[:80]) and not re.search(r"(?<!\w)(?:cần|phải|yêu cầu)(?!\w)", seg))

    def _has_modal(self, s: int, e: int) -> bool:
        for mm in self.lex.modal.finditer(self.m, s, e):
            if self.m.startswith("cần thiết", mm.start()) or not self._aligned(mm):
                continue
            return True
        return False

    def _is_closing_formula(self, s: int, e: int, subject_end: int) -> bool:
        """The only action is to carry out the present document (section 9.1)."""
        cm = self.lex.closing.search(self.m, s, e)
        if not cm:
            return False
        if re.search(r"(?<!\w)(?:chủ trì|phối hợp|theo dõi|đôn đốc|báo cáo|trong \d+ ngày)(?!\w)", self.m[s:e]):
            return False
        before = self.m[max(s, subject_end):cm.start()]
        before = re.sub(r"(?<!\w)(?:chịu trách nhiệm|có trách nhiệm|tổ chức|nghiêm túc|khẩn trương)(?!\w)", " ", before)
        if self.lex.action.search(before):
            return False
        return len(_WORD_RE.findall(self.m[cm.end():e])) <= 3

    # --- the walk -------------------------------------------------------------------------------------------------
    def find(self) -> list[Directive]:
        out: list[Directive] = []
        # (rank, context, kind): "section" contexts (headings) hold until a heading of
        # the same or a higher level; "leadin" contexts (a sentence ending in ':') end
        # with the list under them.
        stack: list[_Level] = []
        skip_recipients = False
        tables = find_tables(self.masked, self.m, self.mentions)
        # a report of instructions anywhere makes body-plus-action sentences tasks
        self.seen_frame = any(self._frame(st.start, st.end) is not None
                              for p in self.paras if not p.heading for st in p.sentences)
        for table in tables:
            out.extend(self._table_rows(table))
        for pi, p in enumerate(self.paras):
            if any(t.start <= p.start < t.end for t in tables):
                continue
            if self.lex.comments_heading.match(self.m, p.start, p.end):
                break  # reader comments: the article has ended
            body = self.m[p.start:p.end]
            if self.lex.recipients.match(body) or self.lex.chrome_leadin.match(body):
                skip_recipients = True
                continue
            if skip_recipients:
                if p.marker in {"-", "+", "•", "*"} or p.heading:
                    continue
                skip_recipients = False
            rank = p.rank if p.marker else RANK_PLAIN
            nxt = self.paras[pi + 1] if pi + 1 < len(self.paras) else None
            heading = p.heading or self._is_section_heading(p) or self._titles_a_list(p, nxt)
            if p.marker:
                # a level ends at an item of its own rank or higher, and a lead-in
                # also at an item above the level of its first item
                while stack and (stack[-1].rank >= rank or (stack[-1].child is not None and rank < stack[-1].child)
                                 or (heading and stack[-1].kind == "leadin" and (rank <= RANK_ARTICLE or p.heading))):
                    stack.pop()
                if stack and stack[-1].child is None:
                    stack[-1].child = rank
            elif heading:
                stack = []
            else:
                while stack and stack[-1].kind == "leadin":
                    stack.pop()
            if heading:
                new = self._heading_context(p)
                if new is not None:
                    stack.append(_Level(rank, new, "section"))
                continue
            ctx = _merge([lv.ctx for lv in stack])
            leadin = self._paragraph(p, ctx, out)
            if leadin is not None:
                stack.append(_Level(rank, leadin, "leadin"))
        return out

    def _table_rows(self, table: Table) -> list[Directive]:
        """One directive per row: the task cell is the span, the other cells say who and when."""
        out = []
        for row in table.rows:
            s, e = row.task
            d = Directive(text=self.text[s:e], start=s, end=e, responsible=self._names(row.lead),
                          coordinate=self._names(row.coordinate), issuer_person=self.default_issuer,
                          confidence=0.85)
            vm = self._starts(self.lex.imperative_start, s, e)
            d.verb = self.m[vm.start():vm.end()].strip() if vm else None
            dl = None
            if row.time is not None:
                ts, te = row.time
                if not is_recurring(self.masked[ts:te]):
                    dl = _shift(pick_deadline(self.masked[ts:te], self.ref), ts)
            if dl is None and row.time is None:
                dl = _shift(pick_deadline(self.masked[s:e], self.ref, exclude=self._excl(s, e)), s)
            _set_deadline(d, dl)
            out.append(d)
        return out

    def _titles_a_list(self, p: Paragraph, nxt: Paragraph | None) -> bool:
        """A numbered line without final punctuation right above deeper items is their heading."""
        if not p.marker or p.rank > RANK_SUBNUM or nxt is None or not nxt.marker or nxt.rank <= p.rank:
            return False
        body = self.m[p.start:p.end].rstrip()
        return (len(body) < 160 and not body.endswith((".", ";", ",", ":"))
                and not self._starts(self.lex.imperative_start, p.start, p.end))

    def _is_section_heading(self, p: Paragraph) -> bool:
        """A numbered heading: "1. Mục đích", "II. NHIỆM VỤ CỤ THỂ", "3. Bộ Y tế:", "2. Bộ Khoa học và Công nghệ"."""
        if not p.marker or p.rank > RANK_SUBNUM:
            return False
        s, e = p.start, p.end
        seg = self.m[s:e]
        if len(seg) < 80 and not seg.rstrip().endswith((".", ";")) and (
                self.lex.objective_heading.match(seg) or self.lex.task_heading.fullmatch(seg.strip(" :\n"))):
            return True
        run, end = self._run(s, e)
        rest = self.m[end:e].strip(" :.\n")
        return bool(run) and not rest

    def _heading_context(self, p: Paragraph) -> Context | None:
        """What a heading passes on: objectives (not tasks), a task section, a body, a period.

        A plain heading (no number) is a title or a news subheading and passes
        nothing on, unless it names a task or objective section.
        """
        s, e = p.start, p.end
        seg = self.m[s:e]
        if self.lex.objective_heading.match(seg):
            return Context(negative=True)
        task = bool(self.lex.task_heading.match(seg))
        if not p.marker:
            return Context(scope=True) if task and len(seg) < 80 else None
        run, _ = self._run(s, e)
        if not run and task:  # "Điều 2. Nhiệm vụ của Ban Chỉ đạo"
            run = [m for m in self._mentions_in(s, e) if m.kind != "office"]
        dl = pick_deadline(self.masked[s:e], self.ref)
        return Context(responsible=self._names(run), deadline=_shift(dl, s), scope=True)

    def _paragraph(self, p: Paragraph, ctx: Context, out: list[Directive]) -> Context | None:
        """Emit the paragraph's directives; return a context when it is a lead-in."""
        if self.lex.objective_label.match(self.m, p.start, p.end):
            return None  # "1. Mục đích: …", "Mục tiêu là …"
        if self.lex.task_label.match(self.m, p.start, p.end):
            ctx = Context(responsible=ctx.responsible, coordinate=ctx.coordinate, deadline=ctx.deadline,
                          issuer=ctx.issuer, scope=True)
        in_item = p.marker is not None and ctx.scope and not ctx.negative
        if ctx.negative:
            return None
        frame_scope = False
        item_resp: list[str] | None = None
        leadin: Context | None = None
        for si, sent in enumerate(p.sentences):
            last = si == len(p.sentences) - 1
            frame = self._frame(sent.start, sent.end)
            is_leadin = last and self.text[sent.start:p.end].rstrip().endswith(":")
            if is_leadin:
                leadin = self._leadin(sent, frame, ctx)
                if leadin is not None:
                    break
            made = self._sentence(sent, frame, ctx, in_item or frame_scope or ctx.scope, item_resp, out,
                                  si == 0 and p.marker is not None, item=in_item)
            if made and si == 0 and p.marker is not None:
                item_resp = made
            if frame is not None and frame.colon:
                frame_scope = True
        return leadin

    def _leadin(self, sent: Sentence, frame: _Frame | None, ctx: Context) -> Context | None:
        s, e = sent.start, sent.end
        start = frame.end if frame else self._skip_openers(s, e)
        sm = self.lex.subject_skip.match(self.m, start, e)
        if sm:
            start = sm.end()
        run, run_end = self._run(start, e)
        own = self._names(run)
        coord = self._coordinate(run_end, e)
        dl = pick_deadline(self.masked[s:e], self.ref)
        return Context(
            responsible=own or list(ctx.responsible),
            coordinate=coord or ([] if own else list(ctx.coordinate)),
            deadline=_shift(dl, s) if dl else ctx.deadline,
            issuer=(frame.issuer if frame and frame.issuer else ctx.issuer),
            scope=True,
        )

    def _coordinate(self, s: int, e: int) -> list[str]:
        out: list[str] = []
        for cm in re.finditer(r"(?<!\w)phối hợp(?:\s+chặt chẽ)?(?:\s+với)?\s+", self.m[s:e]):
            run, _ = self._run(s + cm.end(), e, places=True)
            for x in self._names(run):
                if x not in out:
                    out.append(x)
        return out

    def _co_leads(self, s: int, e: int) -> list[str]:
        out: list[str] = []
        for cm in re.finditer(r"(?<!\w)(?:đồng chủ trì với|giao cho|giao)\s+", self.m[s:e]):
            run, _ = self._run(s + cm.end(), e)
            out.extend(x for x in self._names(run) if x not in out)
        return out

    def _sentence(self, sent: Sentence, frame: _Frame | None, ctx: Context, in_scope: bool,
                  item_resp: list[str] | None, out: list[Directive], item_first: bool, *,
                  item: bool = False) -> list[str] | None:
        """Emit a sentence's directives; return the first directive's responsible list."""
        if self.lex.objective_label.match(self.m, sent.start, sent.end) or \
                self.lex.objective_phrase.search(self.m[sent.start:sent.end]):
            return None  # "Mục tiêu là …": a plan's objective, with all its clauses
        first_resp: list[str] | None = None
        sent_resp: list[str] | None = None
        sent_coord: list[str] = []
        prev: Directive | None = None
        for ci, cl in enumerate(self._verb_clauses(sent)):
            s, e = cl.start, cl.end
            if ci == 0 and frame is not None:
                s = max(s, frame.end)
            if self.lex.past_opener.match(self.m, s, e):
                continue
            s = self._skip_openers(s, e)
            while s < e and self.m[s] in " \n,:":
                s += 1
            if s >= e:
                continue
            subj = self._subject(s, e)
            run, run_end, subj_from, span_start = subj.run, subj.end, subj.start, subj.span_start
            own = self._names(run)
            subject_end = run_end if run else s
            # only a later clause of a sentence that already gave a directive asks whether it has an action of
            # its own; the POS tagger, the last resort, is slow, so it runs only then
            seg_has_verb = ci > 0 and (prev is not None or sent_resp is not None) and (
                bool(self._starts(self.lex.imperative_start, subject_end, e)) or self._has_modal(subject_end, e)
                or (not run and _pos_verb(self.text[s:e])))
            if ci > 0 and prev is not None and (not seg_has_verb or _only_time(self.m[s:e])):
                # a segment without its own action stays in its clause
                prev.end = e
                prev.text = self.text[prev.start:e]
                if prev.deadline is None:
                    dl = pick_deadline(self.masked[s:e], self.ref, exclude=self._excl(s, e))
                    if dl:
                        _set_deadline(prev, _shift(dl, s))
                continue
            negative = self._negative(s, e, subject_end, item)
            if negative and not self.keep_candidates:
                continue
            if not negative and self._is_closing_formula(s, e, subject_end):
                if ci == 0 and own:
                    # "X chịu trách nhiệm tổ chức thực hiện Chỉ thị này; định kỳ … báo cáo …":
                    # the formula is no task, but its subject acts in the clauses after it
                    sent_resp, sent_coord = list(own), self._coordinate(run_end, e)
                continue
            directive_frame = frame is not None and frame.directive and ci == 0
            starts_imperative = bool(self._starts(self.lex.imperative_start, subject_end, e))
            assigned = bool(run and re.match(r"\s*(?:giao|yêu cầu|đề nghị)(?!\w)", self.m[s:subj_from]))
            positive = (
                directive_frame
                or assigned  # "Giao Bộ X …", "Đề nghị các bộ …": an order without a named issuer
                or (frame is not None and self._has_modal(subject_end, e))
                or (self._has_modal(subject_end, min(e, subject_end + 25)) if own else self._has_modal(s, min(e, s + 60)))
                or (item and ci == 0)
                or (in_scope and (starts_imperative or bool(own)))
                or (ci > 0 and prev is not None and seg_has_verb)
                or ((self.official or self.seen_frame) and bool(own) and starts_imperative)
                or (ci > 0 and sent_resp is not None and seg_has_verb)
            )
            if (negative or not positive) and not self.keep_candidates:
                continue
            # who
            if own:
                resp = own + [x for x in self._co_leads(run_end, e) if x not in own]
                coord = self._coordinate(run_end, e)
            else:
                extra = self._co_leads(s, e)
                if ci > 0 and sent_resp is not None:
                    resp, coord = list(sent_resp), list(sent_coord)
                elif item_resp is not None and not item_first:
                    resp, coord = list(item_resp), []
                elif frame is not None and frame.addressees:
                    resp, coord = list(frame.addressees), []
                elif in_scope:
                    resp, coord = list(ctx.responsible), list(ctx.coordinate)
                else:
                    resp, coord = [], []
                own_coord = self._coordinate(s, e)
                if own_coord:
                    coord = own_coord
                for x in extra:
                    if x not in resp:
                        resp.append(x)
            # when
            d = Directive(text=self.text[span_start:e], start=span_start, end=e, responsible=resp,
                          coordinate=coord, issuer_person=(frame.issuer if frame and frame.issuer else
                                                           ctx.issuer or self.default_issuer),
                          issuer_office=frame.office if frame else None)
            vm = self._starts(self.lex.imperative_start, subject_end, e)
            d.verb = self.m[vm.start():vm.end()].strip() if vm else None
            dl = pick_deadline(self.masked[s:e], self.ref, exclude=self._excl(s, e))
            if dl is not None:
                _set_deadline(d, _shift(dl, s))
            elif ctx.deadline is not None and (in_scope or item_first) and not is_recurring(self.masked[s:e]):
                _set_deadline(d, ctx.deadline)
            d.confidence = 0.9 if (directive_frame or in_scope) else 0.75
            if negative or not positive:
                # a clause the rules turned down, kept for a trained model to reconsider
                d.confidence = 0.2 if negative else 0.35
                d.extractors = []
                self.candidates.append(d)
                continue
            out.append(d)
            prev = d
            if ci == 0 or sent_resp is None:
                sent_resp, sent_coord = list(resp), list(coord)
            if first_resp is None:
                first_resp = resp
        return first_resp

    def _subject(self, s: int, e: int) -> _Subject:
        """The clause's subject: a run of bodies at its start.

        It may follow "Giao"/"Đề nghị" (then the span starts at the bodies), an
        adverbial phrase ("Về đầu tư công, Sở … chủ trì"), or be a generic unit
        ("Tổ công tác tại các bộ …" → the collectives) or a place acting
        ("Thái Bình cần …" → its people's committee).
        """
        sm = self.lex.subject_skip.match(self.m, s, e)
        start = sm.end() if sm else s
        run, end = self._run(start, e)
        if not run:
            pos = start
            for k in range(4):  # "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan …"
                am = self.lex.adverbial.match(self.m, pos, e) or (_COMMA_PART_RE.match(self.m, pos, e) if k else None)
                if not am:
                    break
                pos = am.end()
                arun, aend = self._run(pos, e)
                if arun:
                    run, end, start = arun, aend, pos
                    sm = sm or am
                    break
        if not run:
            gm = self.lex.generic_unit.match(self.m, start, e)
            if gm:
                grun, gend = self._run(gm.end(), e)
                if grun and all(x.is_collective for x in grun):
                    run, end = grun, gend
        if not run and self.places:
            prun, pend = self._run(start, e, places=True)
            if prun and (self._starts(self.lex.imperative_start, pend, e) or self._has_modal(pend, pend + 12)):
                run, end = prun, pend
        span_start = s
        if sm and run:
            span_start = start
            while span_start < e and self.m[span_start] in " \n,":
                span_start += 1
        return _Subject(run, end if run else s, start, span_start)

    def _verb_clauses(self, sent: Sentence) -> list[Clause]:
        """Semicolon clauses, a clause without a verb of its own joined to the next ("A, B; C làm …")."""
        out: list[Clause] = []
        pending: int | None = None
        for i, cl in enumerate(sent.clauses):
            start = cl.start if pending is None else pending
            if i < len(sent.clauses) - 1 and not self._search(self.lex.action, cl.start, cl.end):
                pending = start
                continue
            out.append(Clause(start, cl.end))
            pending = None
        return out

    def _excl(self, s: int, e: int) -> list[tuple[int, int]]:
        return [(max(a, s) - s, min(b, e) - s) for a, b in self.exclude if a < e and b > s]


def _pos_verb(segment: str) -> bool:
    """Whether underthesea's POS tagger finds a verb in a clause the word lists do not know.

    Used only for the few semicolon segments the lexicon leaves undecided; a
    segment opening with a number is a list of counts, not an action.
    """
    words = segment.split()
    if re.match(r"\s*\d", segment) or len(words) < 2:
        return False
    return any(tag == "V" for _, tag in pos_tags(" ".join(words[:60])))


def _merge(contexts: list[Context]) -> Context:
    out = Context()
    for c in contexts:
        if c.responsible:
            out.responsible = list(c.responsible)
            out.coordinate = list(c.coordinate)
        elif c.coordinate:
            out.coordinate = list(c.coordinate)
        if c.deadline is not None:
            out.deadline = c.deadline
        if c.issuer:
            out.issuer = c.issuer
        out.scope = out.scope or c.scope
        out.negative = c.negative or (out.negative and not c.scope)
    return out


def _shift(t: TimeExpr | None, offset: int) -> TimeExpr | None:
    if t is None:
        return None
    return TimeExpr(t.start + offset, t.end + offset, t.text, t.kind, t.date, t.granularity)


def _set_deadline(d: Directive, t: TimeExpr | None) -> None:
    if t is None or t.date is None:
        return
    d.deadline = t.date.isoformat()
    d.deadline_text = t.text
    d.deadline_granularity = t.granularity


_ONLY_TIME_RE = re.compile(r"\s*(?:hoàn thành|xong|thực hiện xong|kết thúc)?\s*(?:trước|chậm nhất|trong|vào)\b.{0,40}$", re.S)


def _only_time(seg: str) -> bool:
    return bool(_ONLY_TIME_RE.fullmatch(seg)) and len(seg) < 60
