"""Searching tasks: free text without diacritics, filters, keyset pagination, and the change feed.

The query and its conditions are ``store.task_query``; how a page's ids are found at a million tasks,
``store.page_ids``; the hits and their provenance, ``store.hits``. Pages are cut by id (keyset), so a page costs
the same at any depth.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.bodies import body_family
from store.hits import Provenance, TaskHit, TaskPage, Via, fetch_hits, hits, load_directives
from store.models import Directive, Role
from store.page_ids import page_ids
from store.task_query import ROLES, TaskQuery, conditions, connection, fts_terms

__all__ = ["ROLES", "Provenance", "TaskHit", "TaskPage", "TaskQuery", "Via", "changes_since", "conditions",
           "count_tasks", "fts_terms", "hits", "iter_tasks", "load_directives", "search_tasks"]


def search_tasks(session: Session, *, query: TaskQuery, limit: int = 50, cursor: str | None = None) -> TaskPage:
    """One page of tasks matching ``query``, newest first; ``cursor`` is the previous page's ``next_cursor``."""
    session.flush()  # what the ORM's autoflush would do: the statements below read through the connection
    family = body_family(session, name=query.body) if query.body else None
    below = None
    if cursor:
        try:
            below = int(cursor)
        except ValueError:
            raise ValueError(f"bad cursor {cursor!r}") from None
    limit = max(1, limit)
    roles = ROLES.get(query.role, ROLES["lead"])
    ids = page_ids(session, query, family, roles, below, limit + 1)
    more = len(ids) > limit
    ids = ids[:limit]
    items = fetch_hits(session, ids, family, roles)
    return TaskPage(items=items, next_cursor=str(ids[-1]) if more and ids else None)


def iter_tasks(session: Session, *, query: TaskQuery, batch: int = 500) -> Iterator[TaskHit]:
    """Every task matching ``query``, page by page (for exports)."""
    cursor = None
    while True:
        page = search_tasks(session, query=query, limit=batch, cursor=cursor)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def count_tasks(session: Session, *, query: TaskQuery) -> int:
    family = body_family(session, name=query.body) if query.body else None
    return session.scalar(select(func.count()).select_from(Directive).where(*conditions(session, query, family))) or 0


def changes_since(session: Session, *, seq: int, limit: int = 100) -> list[TaskHit]:
    """Directives changed after change number ``seq``, in change order: each change appears once, at its latest
    state. Inactive directives and cluster copies are included, so a tracker hears of retirements and merges."""
    session.flush()
    ids = connection(session).execute(
        select(Directive.id).where(Directive.seq > seq).order_by(Directive.seq).limit(max(1, limit))).scalars()
    return fetch_hits(session, list(ids), None, Role.ALL)
