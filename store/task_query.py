"""What a task search asks (``TaskQuery``) and the SQL conditions it becomes, on SQLite and PostgreSQL.

Free text is matched on ``directives.search_text``, a folded copy (no marks, đ → d) of the clause and its bodies'
names, so "bo noi vu" and "dau tu" find "Bộ Nội vụ" and "đầu tư": through FTS5 on SQLite and a stored
``tsvector`` (``search_vector``, migration 0003) with a GIN index on PostgreSQL. A body filter takes a canonical
name and follows the reorganisation both ways: tasks of the bodies it absorbed and, after its end, of its
successors. Also here: id lists passed to and read from the database as one value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Integer, and_, any_, bindparam, exists, func, literal_column, or_, select, text, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from nlp.topics import fold
from store.bodies import BodyFamily
from store.models import Directive, DirectiveBody, DirectiveTopic, Document, ReviewStatus, Role, Source

ROLES = {"lead": (Role.LEAD,), "coordinate": (Role.COORDINATE,), "any": Role.ALL}
_WORD_RE = re.compile(r"\w+")


@dataclass(slots=True)
class TaskQuery:
    """What to look for; every field is optional and they combine with AND.

    ``body`` is a canonical body name (resolve aliases first, e.g. with ``store.bodies.find_body`` or the
    gazetteer); ``topic`` a topic id; ``status`` review statuses; deadlines are inclusive; ``since`` is the
    earliest document date; ``overdue`` means a deadline before ``today`` on a task not rejected.
    """

    text: str | None = None
    body: str | None = None
    role: str = "lead"
    topic: str | None = None
    issuer: str | None = None
    status: Sequence[str] = ()
    deadline_before: date | None = None
    deadline_after: date | None = None
    overdue: bool = False
    source: str | None = None
    since: date | None = None
    today: date | None = None


def fts_terms(query: str) -> list[str]:
    """The folded words of a free-text query."""
    return _WORD_RE.findall(fold(query))


def fts_match(terms: Sequence[str]) -> str:
    return " ".join(f'"{t}"' for t in terms)  # every word, each quoted: no FTS5 syntax from users


def text_condition(session: Session, query: str) -> ColumnElement[bool] | None:
    terms = fts_terms(query)
    if not terms:
        return None
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        ids = select(literal_column("rowid")).select_from(text("directives_fts")).where(
            text("directives_fts MATCH :fts_query").bindparams(fts_query=fts_match(terms)))
        return Directive.id.in_(ids)
    if dialect == "postgresql":  # the stored to_tsvector('simple', search_text) of migration 0003, GIN-indexed
        vector = literal_column("directives.search_vector")
        return vector.op("@@")(func.plainto_tsquery(literal_column("'simple'::regconfig"), " ".join(terms)))
    return and_(*(Directive.search_text.contains(t) for t in terms))  # other databases: no index, still right


def _linked(conditions: list[ColumnElement[bool]], probe: bool) -> ColumnElement[bool]:
    """A row of a link table exists. ``probe``: as a subquery run per directive, which planners keep as an index
    probe (PostgreSQL turns EXISTS into a join and may hash the whole link table for a few thousand candidates)."""
    if probe:
        return select(literal_column("1")).where(*conditions).limit(1).scalar_subquery().is_not(None)
    return exists().where(*conditions)


def _has_body(names: Sequence[str], roles: Sequence[str], probe: bool) -> ColumnElement[bool]:
    return _linked([DirectiveBody.directive_id == Directive.id, DirectiveBody.body_name.in_(names),
                    DirectiveBody.role.in_(roles)], probe)


def _body_condition(family: BodyFamily, roles: Sequence[str], probe: bool = False) -> ColumnElement[bool]:
    plain = [family.name] + [k.name for k in family.kin if k.relation == "predecessor" or k.since is None]
    parts = [_has_body(plain, roles, probe)]
    for kin in family.kin:
        if kin.relation == "successor" and kin.since is not None:
            parts.append(and_(Directive.doc_date >= kin.since, _has_body([kin.name], roles, probe)))
    return or_(*parts)


def deadline_bounds(query: TaskQuery) -> list[ColumnElement[bool]]:
    """The deadline range of ``query``: its bounds, and before ``today`` when it asks for overdue tasks."""
    bounds = []
    if query.deadline_before:
        bounds.append(Directive.deadline <= query.deadline_before)
    if query.deadline_after:
        bounds.append(Directive.deadline >= query.deadline_after)
    if query.overdue:
        bounds.append(Directive.deadline < (query.today or date.today()))
    return bounds


def conditions(session: Session, query: TaskQuery, family: BodyFamily | None, *, with_text: bool = True,
                probe: bool = False) -> list[ColumnElement[bool]]:
    """The WHERE of ``query``; ``with_text=False`` leaves out the free text (when the caller reads its index),
    ``probe`` checks bodies and topics row by row (for a few candidates, see ``_linked``)."""
    where: list[ColumnElement[bool]] = [Directive.active.is_(True), Directive.cluster_id.is_(None)]
    if with_text and query.text and (cond := text_condition(session, query.text)) is not None:
        where.append(cond)
    if family is not None:
        where.append(_body_condition(family, ROLES.get(query.role, ROLES["lead"]), probe))
    if query.topic:
        where.append(_linked([DirectiveTopic.directive_id == Directive.id, DirectiveTopic.topic == query.topic], probe))
    if query.issuer:
        key = " ".join(fold(query.issuer).split())
        where.append(Directive.issuer_key.contains(key, autoescape=True))
    if query.status:
        where.append(Directive.review_status.in_(list(query.status)))
    where += deadline_bounds(query)
    if query.overdue:
        where.append(Directive.review_status != ReviewStatus.REJECTED)
    if query.source:
        where.append(Directive.document_id.in_(
            select(Document.id).join(Source, Document.source_id == Source.id)
            .where(func.lower(Source.name) == query.source.lower())))
    if query.since:
        where.append(Directive.doc_date >= query.since)
    return where



# --- statements ---------------------------------------------------------------------------------------------


def connection(session: Session) -> Connection:
    """The session's connection, for plain rows without the ORM's per-row work (callers flush first)."""
    return session.connection()


def id_list(session: Session, stmt: Any) -> list[int]:
    """The ids ``stmt`` selects, aggregated into one value by the database: thousands of ids then cost one object,
    not a row object each (which made Python's cyclic garbage collector run a full pass every few searches)."""
    ids = stmt.subquery()
    column = next(iter(ids.c))
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return json.loads(connection(session).execute(select(func.json_group_array(column))).scalar() or "[]")
    if dialect == "postgresql":
        return connection(session).execute(select(func.array_agg(column))).scalar() or []
    return list(connection(session).execute(select(column)).scalars())


def id_lists(session: Session, stmts: Sequence[Any]) -> list[list[int]]:
    """The ids each of ``stmts`` selects, as ``id_list`` gives them, in one statement (one row per statement)."""
    dialect = session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql") or len(stmts) == 1:
        return [id_list(session, stmt) for stmt in stmts]
    agg = func.json_group_array if dialect == "sqlite" else func.array_agg
    parts = []
    for k, stmt in enumerate(stmts):
        ids = stmt.subquery()
        parts.append(select(literal_column(str(k)).label("k"), agg(next(iter(ids.c))).label("ids")))
    rows = dict(connection(session).execute(union_all(*parts)).all())
    if dialect == "sqlite":
        return [json.loads(rows.get(k) or "[]") for k in range(len(stmts))]
    return [list(rows.get(k) or []) for k in range(len(stmts))]


def among(session: Session, ids: Sequence[int], column: Any = Directive.id) -> ColumnElement[bool]:
    """``column`` in ``ids``, as one parameter where the database allows it: thousands of ids, and one statement
    text whatever their number (the driver and SQLAlchemy then reuse their parsed and compiled forms)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    if dialect == "sqlite":
        values = func.json_each(json.dumps(list(ids))).table_valued("value")
        return column.in_(select(values.c.value))
    return column.in_(list(ids))
