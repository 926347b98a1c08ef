"""The few store helpers the web app needs that ``store.search`` keeps private, in one place.

``conditions`` (the WHERE of a task query, for facet counts and the review queue) and ``hits`` (tasks as
``TaskHit`` for given directives) wrap ``store.search``'s own functions so both faces read tasks the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from store import search as _search
from store.bodies import body_family
from store.models import Directive, Role
from store.search import TaskHit, TaskQuery


def conditions(session: Session, query: TaskQuery) -> list[ColumnElement[bool]]:
    """The conditions a task must meet to match ``query`` (active cluster heads only)."""
    family = body_family(session, name=query.body) if query.body else None
    return _search.conditions(session, query, family)


def hits(session: Session, directives: Sequence[Directive]) -> list[TaskHit]:
    """``directives`` (loaded with their bodies, topics and document) as tasks, in the order given."""
    return _search.hits(session, directives, None, Role.ALL)


def load(session: Session, ids: Sequence[int]) -> list[Directive]:
    """Directives by id with what ``hits`` reads, in the order of ``ids``."""
    from sqlalchemy import select

    rows = {d.id: d for d in _search.load_directives(session, select(Directive).where(Directive.id.in_(list(ids))))}
    return [rows[i] for i in ids if i in rows]
