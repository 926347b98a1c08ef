"""Counting by body after the 2025 reorganisation: a task of a body that was merged counts for the bodies that
took it over, as a search by body finds it (``store.search`` follows successions both ways)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Body, body_successions


@dataclass(slots=True)
class Reorganisation:
    successors: dict[str, list[str]]  # a former body -> the current bodies that carry on its tasks
    ended: dict[str, str]  # a former body -> its last day (ISO)

    def current(self, name: str) -> list[str]:
        """The current bodies a task given to ``name`` belongs to (``name`` itself if it still exists)."""
        out: list[str] = []
        seen = {name}
        stack = [name]
        while stack:
            n = stack.pop()
            nxt = self.successors.get(n)
            if not nxt:
                out.append(n)
                continue
            for s in nxt:
                if s not in seen:
                    seen.add(s)
                    stack.append(s)
        return sorted(dict.fromkeys(out), key=out.index)


def reorganisation(session: Session) -> Reorganisation:
    pred = Body.__table__.alias("pred")
    succ = Body.__table__.alias("succ")
    rows = session.execute(
        select(pred.c.name, succ.c.name, pred.c.valid_to)
        .select_from(body_successions.join(pred, pred.c.id == body_successions.c.predecessor_id)
                     .join(succ, succ.c.id == body_successions.c.successor_id))
        .where(pred.c.valid_to.is_not(None))
        .order_by(pred.c.name, body_successions.c.position)).all()
    successors: dict[str, list[str]] = {}
    ended: dict[str, str] = {}
    for old, new, until in rows:
        successors.setdefault(old, []).append(new)
        ended[old] = until.isoformat()
    return Reorganisation(successors, ended)


@dataclass(slots=True)
class BodyCount:
    name: str
    count: int
    former: dict[str, int] = field(default_factory=dict)  # tasks counted here through a merged body


def count_by_current_body(pairs: Iterable[tuple[int, str]], reorg: Reorganisation) -> list[BodyCount]:
    """Distinct tasks per current body from (task id, body name) pairs, most first."""
    tasks: dict[str, set[int]] = {}
    former: dict[str, dict[str, set[int]]] = {}
    for task_id, name in pairs:
        for current in reorg.current(name):
            tasks.setdefault(current, set()).add(task_id)
            if current != name:
                former.setdefault(current, {}).setdefault(name, set()).add(task_id)
    out = [BodyCount(n, len(ids), {k: len(v) for k, v in former.get(n, {}).items()}) for n, ids in tasks.items()]
    out.sort(key=lambda c: (-c.count, c.name))
    return out
