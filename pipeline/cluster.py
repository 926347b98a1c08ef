"""One task from many reports: the same directive told by several sources is clustered.

The rule. An active directive of a newly processed document joins the cluster of an earlier task (a head: an
active directive heading no other) from another document when all of these hold:

1. dates: both documents have a date and they are at most ``WINDOW_DAYS`` apart (press reports of one
   conference come out within days of each other);
2. issuer: both name the same issuer person (compared folded), or at least one names none (press reports
   often leave the speaker implicit);
3. bodies: their lead bodies are the same set, or at least one has none;
4. text: their clauses say the same thing. Similarity is the overlap coefficient of the word bigrams of the
   folded clauses, ``|A ∩ B| / min(|A|, |B|)``: a shorter report of a longer quote still scores high. It
   must reach ``MIN_SIMILARITY`` with at least ``MIN_SHARED`` bigrams in common, so two short generic
   clauses ("báo cáo Thủ tướng") do not merge.

Among several candidates the most similar wins; a task takes at most one directive from each document. The
head stays the directive stored first; the others are its provenance (``TaskHit.sources``). When a head is
retired by a re-extraction, its earliest remaining copy heads the cluster instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from nlp.topics import fold
from store.models import Directive, Role

WINDOW_DAYS = 7
MIN_SIMILARITY = 0.3
MIN_SHARED = 4
_WORD_RE = re.compile(r"\w+")


def bigrams(text: str) -> set[tuple[str, str]]:
    words = _WORD_RE.findall(fold(text))
    return set(zip(words, words[1:], strict=False))


def similarity(a: str, b: str) -> float:
    """Overlap coefficient of word bigrams of the folded texts, 0 when they share fewer than ``MIN_SHARED``."""
    x, y = bigrams(a), bigrams(b)
    shared = len(x & y)
    if shared < MIN_SHARED or not x or not y:
        return 0.0
    return shared / min(len(x), len(y))


def _leads(d: Directive) -> frozenset[str]:
    return frozenset(b.body_name for b in d.bodies if b.role == Role.LEAD)


def compatible(a: Directive, b: Directive) -> bool:
    """Rules 1-3: dates within the window, no conflicting issuer, no conflicting lead bodies."""
    if a.doc_date is None or b.doc_date is None or abs((a.doc_date - b.doc_date).days) > WINDOW_DAYS:
        return False
    if a.issuer_key and b.issuer_key and a.issuer_key != b.issuer_key:
        return False
    la, lb = _leads(a), _leads(b)
    return not (la and lb and la != lb)


@dataclass(slots=True)
class ClusterResult:
    joined: int = 0
    promoted: int = 0


def _promote_orphans(session: Session, document_id: int) -> int:
    """Heads of this document that were retired hand their cluster to their earliest active copy."""
    promoted = 0
    retired = session.scalars(select(Directive).where(Directive.document_id == document_id,
                                                      Directive.active.is_(False), Directive.cluster_id.is_(None)))
    for head in retired:
        copies = session.scalars(select(Directive).where(Directive.cluster_id == head.id, Directive.active.is_(True))
                                 .order_by(Directive.id)).all()
        if not copies:
            continue
        new_head, rest = copies[0], copies[1:]
        new_head.cluster_id = None
        for c in rest:
            c.cluster_id = new_head.id
        promoted += 1
    return promoted


def cluster_document(session: Session, *, document_id: int) -> ClusterResult:
    """Attach this document's unclustered directives to matching tasks of other documents (in the caller's
    transaction)."""
    result = ClusterResult(promoted=_promote_orphans(session, document_id))
    own = session.scalars(
        select(Directive).where(Directive.document_id == document_id, Directive.active.is_(True),
                                Directive.cluster_id.is_(None), Directive.doc_date.is_not(None))
        .options(selectinload(Directive.bodies))).all()
    own = [d for d in own if not d.copies]  # a head of other reports stays a head
    if not own:
        return result
    day = own[0].doc_date
    window = timedelta(days=WINDOW_DAYS)
    candidates = session.scalars(
        select(Directive).where(Directive.document_id != document_id, Directive.active.is_(True),
                                Directive.cluster_id.is_(None), Directive.doc_date.between(day - window, day + window))
        .options(selectinload(Directive.bodies))).all()
    # Best pairs first, each head and each directive used once.
    pairs = sorted(((similarity(d.text, c.text), d.id, c.id, d, c) for d in own for c in candidates
                    if compatible(d, c)), key=lambda p: (-p[0], p[1], p[2]))
    used_own: set[int] = set()
    used_heads: set[int] = set()
    taken = {(c.cluster_id, c.document_id) for c in session.scalars(
        select(Directive).where(Directive.cluster_id.in_([c.id for c in candidates]))
    )} if candidates else set()
    for score, _, _, d, head in pairs:
        if score < MIN_SIMILARITY:
            break
        if d.id in used_own or head.id in used_heads or (head.id, document_id) in taken:
            continue
        d.cluster_id = head.id
        used_own.add(d.id)
        used_heads.add(head.id)
        result.joined += 1
    session.flush()
    return result
