"""The ids of one page of a task search, newest first, fast at a million tasks on SQLite and PostgreSQL.

"Newest first, 50 at a time" with a selective filter is where planners go wrong: walking the primary key
backwards probes every row until enough match, and reading the filter's index first collects every match before
sorting. When the query names a body, a topic, or (on SQLite) free text, the page is instead read from that
filter's index in id order, a chunk of candidates at a time (growing), each chunk checked against the whole
query in one statement. The work is then bounded by the filter's own entries, whatever the planner thinks.
On SQLite a narrow deadline range is read whole from its index the same way (``_deadline_ids``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.util import ClauseAdapter

from store.bodies import BodyFamily
from store.models import Directive, DirectiveBody, DirectiveTopic
from store.task_query import (
    TaskQuery,
    among,
    conditions,
    connection,
    deadline_bounds,
    fts_match,
    fts_terms,
    id_list,
    id_lists,
)

_FIRST_CHUNK = 256
_MAX_CHUNK = 8192
_LISTED = 10000
_PG_WINDOW = 4096
_CONDITION_COLUMNS = (Directive.id, Directive.active, Directive.cluster_id, Directive.deadline, Directive.review_status,
                      Directive.issuer_key, Directive.document_id, Directive.doc_date)  # what ``conditions`` reads
_PG_WALK = 30000


@dataclass(slots=True)
class _Stream:
    """Ids of a superset of the matches, readable newest first from one index."""

    id: ColumnElement[int]
    where: list[ColumnElement[bool]]
    source: Any = None  # FROM, when the column does not name it


def _streams(session: Session, query: TaskQuery, family: BodyFamily | None,
             roles: Sequence[str]) -> tuple[list[_Stream], bool] | None:
    """The index streams to read the page from and whether they are exact for the free text; None: no driver."""
    if family is not None:  # ix_directive_bodies_name_role: (body_name, role, directive_id)
        topic = []  # checked on the link tables alone, before any directive row is read
        if query.topic:
            topic = [exists().where(DirectiveTopic.directive_id == DirectiveBody.directive_id,
                                    DirectiveTopic.topic == query.topic)]
        return [_Stream(DirectiveBody.directive_id,
                        [DirectiveBody.body_name == name, DirectiveBody.role == role, *topic])
                for name in family.names for role in roles], False
    if query.topic:  # ix_directive_topics_topic: (topic, directive_id)
        return [_Stream(DirectiveTopic.directive_id, [DirectiveTopic.topic == query.topic])], False
    terms = fts_terms(query.text) if query.text else []
    if terms and session.get_bind().dialect.name == "sqlite":  # FTS5 reads its doclists in rowid order
        match = text("directives_fts MATCH :fts_query").bindparams(fts_query=fts_match(terms))
        return [_Stream(literal_column("directives_fts.rowid"), [match], text("directives_fts"))], True
    return None


def _candidates(session: Session, streams: list[_Stream], below: int | None, size: int) -> tuple[list[int], bool]:
    """The newest ids below ``below`` over all ``streams``, newest first, and whether the streams are exhausted.

    Each stream gives its ``size`` newest; every id down to the highest of the full streams' last ids is then
    known, so all of those are candidates (a merged ministry's three streams give up to three chunks at once)."""
    arms = []
    for stream in streams:
        arm = select(stream.id.label("id")).where(*stream.where)
        if stream.source is not None:
            arm = arm.select_from(stream.source)
        if below is not None:
            arm = arm.where(stream.id < below)
        arms.append(arm.order_by(stream.id.desc()).limit(size))
    lists = id_lists(session, arms)
    full = [min(ids) for ids in lists if len(ids) >= size]
    bound = max(full) if full else None
    ids = sorted({i for ids in lists for i in ids if bound is None or i >= bound}, reverse=True)
    return ids, bound is None


def _deadline_ids(session: Session, query: TaskQuery) -> list[int] | None:
    """On SQLite, every id in the query's deadline range, newest first, if there are fewer than ``_LISTED``;
    else None. SQLite keeps no histograms, so its planner cannot tell a month of deadlines from years of them and
    walks the heads in id order through a sparse range; a capped read of the deadline index tells it exactly."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    bounds = deadline_bounds(query)
    if not bounds:
        return None
    ids = id_list(session, select(Directive.id).where(*bounds).limit(_LISTED))
    return sorted(ids, reverse=True) if len(ids) < _LISTED else None


def page_ids(session: Session, query: TaskQuery, family: BodyFamily | None, roles: Sequence[str],
              below: int | None, count: int) -> list[int]:
    """The ids of the first ``count`` matches of ``query`` below id ``below``, newest first."""
    driver = _streams(session, query, family, roles)
    listed = _deadline_ids(session, query) if driver is None else None
    where = conditions(session, query, family, with_text=not (driver and driver[1]),
                        probe=driver is not None or listed is not None)
    if below is not None:
        where.append(Directive.id < below)
    newest = select(Directive.id).order_by(Directive.id.desc())
    if driver is None and listed is None:
        terms = fts_terms(query.text) if query.text else []
        if terms and session.get_bind().dialect.name == "postgresql":
            return _pg_text_ids(session, query, family, terms, below, count)
        return list(connection(session).execute(newest.where(*where).limit(count)).scalars())
    if listed is not None and below is not None:
        listed = [i for i in listed if i < below]
    found: list[int] = []
    size = max(_FIRST_CHUNK, 4 * count)
    done = 0  # of ``listed``
    while True:
        if listed is not None:
            candidates = listed[done:done + size]
            done += len(candidates)
            exhausted = len(candidates) < size
        else:
            candidates, exhausted = _candidates(session, driver[0], below, size)  # type: ignore[index]
        if not candidates:
            return found
        hits = list(connection(session).execute(newest.where(*where, among(session, candidates))
                                           .limit(count - len(found))).scalars())
        found += hits
        if len(found) >= count or exhausted:
            return found
        below = candidates[-1]
        # The next chunk: what this one's rate of matches says is left to find, with a margin; 4x without a match.
        wanted = count - len(found)
        size = min(_MAX_CHUNK, max(wanted, wanted * 3 * len(candidates) // (2 * len(hits)) + 1 if hits else 4 * size))


def _pg_text_ids(session: Session, query: TaskQuery, family: BodyFamily | None, terms: list[str],
                 below: int | None, count: int) -> list[int]:
    """PostgreSQL, free text without a body or topic: the newest rows are read first, and on while the rate of
    matches among them promises the page within ``_PG_WALK`` rows; else the GIN index finds every match.

    The planner estimates the words as independent, but a query is usually a phrase ("du thao nghi dinh": each word
    common, together in one task of ten), so it takes 100,000 matches for a thousand and sorts them all; and the
    GIN index reads the whole posting list of each common word ("so", "co", "hoi") whatever the matches."""
    where = conditions(session, query, family, with_text=False, probe=True)
    tsquery = func.plainto_tsquery(literal_column("'simple'::regconfig"), " ".join(terms))

    def window(size: int, under: int | None, *, ids_only: bool = False) -> tuple[Any, ColumnElement[bool]]:
        """The ``size`` newest rows below ``under`` (forced: a LIMIT subquery), with what ``conditions`` reads."""
        columns = [Directive.id] if ids_only else [*_CONDITION_COLUMNS, literal_column("directives.search_vector")
                                                   .label("search_vector")]
        rows = select(*columns)
        if under is not None:
            rows = rows.where(Directive.id < under)
        w = rows.order_by(Directive.id.desc()).limit(size).subquery("text_window")
        if ids_only:
            return w, w.c.id.is_not(None)
        return w, and_(w.c.search_vector.op("@@")(tsquery), *(ClauseAdapter(w).traverse(c) for c in where))

    w, matching = window(_PG_WINDOW, below)
    rows, lowest, ids = connection(session).execute(select(
        func.count(), func.min(w.c.id), func.array_agg(aggregate_order_by(w.c.id, w.c.id.desc())).filter(matching),
    ).select_from(w)).one()
    found = list(ids or [])[:count]
    if len(found) >= count or rows < _PG_WINDOW or lowest is None:
        return found
    below = lowest
    wanted = count - len(found)
    if found and wanted * rows <= _PG_WALK * len(found):  # common enough: read on, stopping at the page's end
        size = min(_PG_WALK, 2 * wanted * rows // len(found) + 1)
        w, matching = window(size, below)
        found += connection(session).execute(select(w.c.id).where(matching).order_by(w.c.id.desc()).limit(wanted)).scalars()
        if len(found) >= count:
            return found
        w, _ = window(size, below, ids_only=True)
        below = connection(session).execute(select(func.min(w.c.id))).scalar()
        if below is None:
            return found
    more = select(Directive.id).where(*conditions(session, query, family), Directive.id < below)
    return found + list(connection(session).execute(more.order_by(Directive.id.desc()).limit(count - len(found)))
                        .scalars())
