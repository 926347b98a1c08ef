"""The review queue: pending tasks, the ones the extractors are least sure of first.

With the directive model's ``uncertainty`` (``nlp.components.directive_model``) the most uncertain come first,
as active learning wants; without it, the lowest confidence first.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.web.storeapi import conditions, load
from store.models import Directive, ReviewStatus
from store.search import TaskQuery


@cache
def uncertainty_function() -> Callable[[Any], float] | None:
    """``uncertainty(directive)`` of the directive model, when that module is installed."""
    if importlib.util.find_spec("nlp.components.directive_model") is None:
        return None
    try:
        from nlp.components.directive_model import uncertainty
    except ImportError:  # pragma: no cover - a half-installed model module
        return None
    return uncertainty


@dataclass(slots=True)
class Queue:
    directives: list[Directive]
    total: int
    order: str  # "uncertainty" or "confidence"
    uncertainty: dict[int, float]


def review_queue(session: Session, *, body: str | None = None, source: str | None = None, limit: int = 20) -> Queue:
    """The first ``limit`` pending tasks (cluster heads), most uncertain or least confident first."""
    where = conditions(session, TaskQuery(status=[ReviewStatus.PENDING], body=body, source=source))
    rows = session.execute(select(Directive.id, Directive.confidence).where(*where)).all()
    score = uncertainty_function()
    if score is not None:
        scored = {r.id: float(score(r)) for r in rows}
        rows.sort(key=lambda r: (-scored[r.id], r.id))
        order = "uncertainty"
    else:
        scored = {}
        rows.sort(key=lambda r: (r.confidence, r.id))
        order = "confidence"
    ids = [r.id for r in rows[:max(1, limit)]]
    return Queue(directives=load(session, ids), total=len(rows), order=order,
                 uncertainty={i: scored[i] for i in ids if i in scored})
