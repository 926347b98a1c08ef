"""The change sequence: every insert or update of a directive takes the next number of one counter.

A tracker polls ``updated_since=SEQ`` and must see each change exactly once. Timestamps cannot promise that
(two changes in one instant, clocks, commit order). The numbers are taken from a counter row in the same
transaction as the change, so the row stays locked until commit: transactions that write directives commit in
the order of their numbers, and a reader never sees number N+1 before N. The search text of a changed
directive is refreshed in the same step, so every writer (pipeline, web app) keeps it right.
"""

from __future__ import annotations

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from nlp.topics import fold
from store.models import Counter, Directive, DirectiveBody, DirectiveTopic
from store.terms import expansions

CHANGES = "changes"


def search_text(directive: Directive) -> str:
    """What free-text search reads, folded (no marks, đ → d): the clause, its bodies' names, and the other form
    of the abbreviations it uses ("TTHC" ↔ "thủ tục hành chính")."""
    names = " ; ".join(b.body_name.lstrip("*") for b in directive.bodies)
    folded = fold(f"{directive.text}\n{names}")
    extra = expansions(folded)
    return folded + ("\n" + " ; ".join(extra) if extra else "")


def next_numbers(session: Session, count: int) -> range:
    """``count`` consecutive change numbers; locks the counter row until the transaction ends."""
    stmt = update(Counter).where(Counter.name == CHANGES).values(value=Counter.value + count).returning(Counter.value)
    last = session.execute(stmt).scalar_one_or_none()
    if last is None:  # a store made without the migration's seed row
        start = session.execute(select(Counter.value).where(Counter.name == CHANGES)).scalar_one_or_none()
        if start is None:
            session.execute(insert(Counter).values(name=CHANGES, value=count))
            last = count
        else:  # pragma: no cover - the row appeared between the two statements
            return next_numbers(session, count)
    return range(last - count + 1, last + 1)


def _changed_directives(session: Session) -> list[Directive]:
    changed: dict[int, Directive] = {}
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        target = None
        if isinstance(obj, Directive):
            if obj in session.deleted:
                continue
            if obj in session.new or session.is_modified(obj, include_collections=True):
                target = obj
        elif isinstance(obj, DirectiveBody | DirectiveTopic):
            target = obj.directive
        if target is not None and target not in session.deleted:
            changed[id(target)] = target
    return list(changed.values())


@event.listens_for(Session, "before_flush")
def _number_changes(session: Session, flush_context, instances) -> None:  # noqa: ANN001 - SQLAlchemy's signature
    changed = _changed_directives(session)
    if not changed:
        return
    changed.sort(key=lambda d: (d.id is None, d.id or 0))
    for directive, number in zip(changed, next_numbers(session, len(changed)), strict=True):
        directive.search_text = search_text(directive)
        directive.seq = number
