"""Searching tasks: free text without diacritics, filters, keyset pagination, and the change feed.

A task is an active directive that heads its cluster (reports of the same directive by other sources are its
provenance). Free text is matched on ``directives.search_text``, a folded copy (no marks, đ → d) of the clause
and its bodies' names, so "bo noi vu" and "dau tu" find "Bộ Nội vụ" and "đầu tư": through FTS5 on SQLite and a
``tsvector`` GIN index on PostgreSQL. A body filter takes a canonical name and follows the reorganisation both
ways: tasks of the bodies it absorbed (marked ``via`` their old name) and, after its end, of its successors.
Pages are cut by id (keyset), so a page costs the same at any depth.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, literal_column, or_, select, text
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from nlp.topics import fold
from store.bodies import BodyFamily, body_family
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


@dataclass(slots=True)
class Provenance:
    """One report of a task: the document that states it."""

    directive_id: int
    document_id: int
    url: str | None
    title: str | None
    source: str | None
    date: str | None
    number: str | None


@dataclass(slots=True)
class Via:
    """Why a body search found a task given to another body: the reorganisation."""

    body: str
    relation: str  # predecessor | successor
    note: str


@dataclass(slots=True)
class TaskHit:
    id: int
    seq: int
    text: str
    responsible: list[str]
    coordinate: list[str]
    deadline: str | None
    deadline_text: str | None
    topics: list[str]
    issuer_person: str | None
    review_status: str
    confidence: float
    active: bool
    cluster_id: int | None
    document: Provenance
    sources: list[Provenance] = field(default_factory=list)
    via: list[Via] = field(default_factory=list)
    start: int = 0
    end: int = 0
    verb: str | None = None
    deadline_granularity: str | None = None
    extractor: str | None = None
    extractor_version: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class TaskPage:
    items: list[TaskHit]
    next_cursor: str | None  # pass back as ``cursor`` for the next page; None on the last page


# --- conditions -----------------------------------------------------------------------------------------------


def fts_terms(query: str) -> list[str]:
    """The folded words of a free-text query."""
    return _WORD_RE.findall(fold(query))


def _text_condition(session: Session, query: str) -> ColumnElement[bool] | None:
    terms = fts_terms(query)
    if not terms:
        return None
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        match = " ".join(f'"{t}"' for t in terms)  # every word, each quoted: no FTS5 syntax from users
        ids = select(literal_column("rowid")).select_from(text("directives_fts")).where(
            text("directives_fts MATCH :fts_query").bindparams(fts_query=match))
        return Directive.id.in_(ids)
    if dialect == "postgresql":
        vector = func.to_tsvector(literal_column("'simple'::regconfig"), Directive.search_text)
        return vector.op("@@")(func.plainto_tsquery(literal_column("'simple'::regconfig"), " ".join(terms)))
    return and_(*(Directive.search_text.contains(t) for t in terms))  # other databases: no index, still right


def _has_body(names: Sequence[str], roles: Sequence[str]) -> ColumnElement[bool]:
    return exists().where(DirectiveBody.directive_id == Directive.id, DirectiveBody.body_name.in_(names),
                          DirectiveBody.role.in_(roles))


def _body_condition(family: BodyFamily, roles: Sequence[str]) -> ColumnElement[bool]:
    plain = [family.name] + [k.name for k in family.kin if k.relation == "predecessor" or k.since is None]
    parts = [_has_body(plain, roles)]
    for kin in family.kin:
        if kin.relation == "successor" and kin.since is not None:
            parts.append(and_(Directive.doc_date >= kin.since, _has_body([kin.name], roles)))
    return or_(*parts)


def _conditions(session: Session, query: TaskQuery, family: BodyFamily | None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Directive.active.is_(True), Directive.cluster_id.is_(None)]
    if query.text and (cond := _text_condition(session, query.text)) is not None:
        where.append(cond)
    if family is not None:
        where.append(_body_condition(family, ROLES.get(query.role, ROLES["lead"])))
    if query.topic:
        where.append(exists().where(DirectiveTopic.directive_id == Directive.id, DirectiveTopic.topic == query.topic))
    if query.issuer:
        key = " ".join(fold(query.issuer).split())
        where.append(Directive.issuer_key.contains(key, autoescape=True))
    if query.status:
        where.append(Directive.review_status.in_(list(query.status)))
    if query.deadline_before:
        where.append(Directive.deadline <= query.deadline_before)
    if query.deadline_after:
        where.append(Directive.deadline >= query.deadline_after)
    if query.overdue:
        where.append(Directive.deadline < (query.today or date.today()))
        where.append(Directive.review_status != ReviewStatus.REJECTED)
    if query.source:
        where.append(Directive.document_id.in_(
            select(Document.id).join(Source, Document.source_id == Source.id)
            .where(func.lower(Source.name) == query.source.lower())))
    if query.since:
        where.append(Directive.doc_date >= query.since)
    return where


# --- results ------------------------------------------------------------------------------------------------------


def _provenance(d: Directive) -> Provenance:
    doc = d.document
    day = doc.issued or doc.published or d.doc_date
    return Provenance(directive_id=d.id, document_id=doc.id, url=doc.url, title=doc.title,
                      source=doc.source.name if doc.source else None, date=day.isoformat() if day else None,
                      number=doc.number)


def _via(d: Directive, family: BodyFamily | None, roles: Sequence[str]) -> list[Via]:
    if family is None:
        return []
    names = {b.body_name for b in d.bodies if b.role in roles}
    if family.name in names:
        return []
    out = []
    for kin in family.kin:
        if kin.name in names:
            if kin.relation == "predecessor":
                until = f" until {kin.until.isoformat()}" if kin.until else ""
                note = f"given to {kin.name}{until}, before its merger into {family.name}"
            else:
                note = f"given to {kin.name}, which took over from {family.name}"
            out.append(Via(body=kin.name, relation=kin.relation, note=note))
    return out


def _hits(session: Session, directives: Sequence[Directive], family: BodyFamily | None,
          roles: Sequence[str]) -> list[TaskHit]:
    heads = [d.id for d in directives]
    copies: dict[int, list[Directive]] = {}
    if heads:
        stmt = (select(Directive).where(Directive.cluster_id.in_(heads), Directive.active.is_(True))
                .options(selectinload(Directive.document).joinedload(Document.source)).order_by(Directive.id))
        for c in session.scalars(stmt):
            copies.setdefault(c.cluster_id, []).append(c)  # type: ignore[arg-type]
    out = []
    for d in directives:
        own = _provenance(d)
        out.append(TaskHit(
            id=d.id, seq=d.seq, text=d.text, responsible=d.responsible, coordinate=d.coordinate,
            deadline=d.deadline.isoformat() if d.deadline else None, deadline_text=d.deadline_text,
            topics=d.topics, issuer_person=d.issuer_person, review_status=d.review_status,
            confidence=d.confidence, active=d.active, cluster_id=d.cluster_id, document=own,
            sources=[own, *(_provenance(c) for c in copies.get(d.id, []))], via=_via(d, family, roles),
            start=d.start, end=d.end, verb=d.verb, deadline_granularity=d.deadline_granularity,
            extractor=d.extractor, extractor_version=d.extractor_version,
        ))
    return out


def _load(session: Session, stmt) -> Sequence[Directive]:  # noqa: ANN001
    return session.scalars(stmt.options(
        selectinload(Directive.bodies), selectinload(Directive.topic_links),
        selectinload(Directive.document).joinedload(Document.source))).all()


def search_tasks(session: Session, *, query: TaskQuery, limit: int = 50, cursor: str | None = None) -> TaskPage:
    """One page of tasks matching ``query``, newest first; ``cursor`` is the previous page's ``next_cursor``."""
    family = body_family(session, name=query.body) if query.body else None
    where = _conditions(session, query, family)
    if cursor:
        try:
            where.append(Directive.id < int(cursor))
        except ValueError:
            raise ValueError(f"bad cursor {cursor!r}") from None
    limit = max(1, limit)
    rows = _load(session, select(Directive).where(*where).order_by(Directive.id.desc()).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    items = _hits(session, rows, family, ROLES.get(query.role, ROLES["lead"]))
    return TaskPage(items=items, next_cursor=str(rows[-1].id) if more and rows else None)


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
    return session.scalar(select(func.count()).select_from(Directive).where(*_conditions(session, query, family))) or 0


def changes_since(session: Session, *, seq: int, limit: int = 100) -> list[TaskHit]:
    """Directives changed after change number ``seq``, in change order: each change appears once, at its latest
    state. Inactive directives and cluster copies are included, so a tracker hears of retirements and merges."""
    rows = _load(session, select(Directive).where(Directive.seq > seq).order_by(Directive.seq).limit(max(1, limit)))
    return _hits(session, rows, None, Role.ALL)
