"""Searching tasks: free text without diacritics, filters, keyset pagination, and the change feed.

A task is an active directive that heads its cluster (reports of the same directive by other sources are its
provenance). Free text is matched on ``directives.search_text``, a folded copy (no marks, đ → d) of the clause
and its bodies' names, so "bo noi vu" and "dau tu" find "Bộ Nội vụ" and "đầu tư": through FTS5 on SQLite and a
stored ``tsvector`` (``search_vector``, migration 0003) with a GIN index on PostgreSQL. A body filter takes a
canonical name and follows the reorganisation both ways: tasks of the bodies it absorbed (marked ``via`` their old
name) and, after its end, of its successors. Pages are cut by id (keyset), so a page costs the same at any depth;
how a page's ids are found at a million tasks is explained above ``_page_ids``. Hits are built from plain rows in
three statements (``_fetch``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Integer, and_, any_, bindparam, exists, func, literal_column, or_, select, text, union_all
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.util import ClauseAdapter

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


def _fts_match(terms: Sequence[str]) -> str:
    return " ".join(f'"{t}"' for t in terms)  # every word, each quoted: no FTS5 syntax from users


def _text_condition(session: Session, query: str) -> ColumnElement[bool] | None:
    terms = fts_terms(query)
    if not terms:
        return None
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        ids = select(literal_column("rowid")).select_from(text("directives_fts")).where(
            text("directives_fts MATCH :fts_query").bindparams(fts_query=_fts_match(terms)))
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


def _conditions(session: Session, query: TaskQuery, family: BodyFamily | None, *, with_text: bool = True,
                probe: bool = False) -> list[ColumnElement[bool]]:
    """The WHERE of ``query``; ``with_text=False`` leaves out the free text (when the caller reads its index),
    ``probe`` checks bodies and topics row by row (for a few candidates, see ``_linked``)."""
    where: list[ColumnElement[bool]] = [Directive.active.is_(True), Directive.cluster_id.is_(None)]
    if with_text and query.text and (cond := _text_condition(session, query.text)) is not None:
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

_DOC_COLUMNS = (Document.id.label("doc_id"), Document.url.label("doc_url"), Document.title.label("doc_title"),
                Document.issued.label("doc_issued"), Document.published.label("doc_published"),
                Document.number.label("doc_number"), Source.name.label("source_name"))
_HIT_COLUMNS = (Directive.id, Directive.seq, Directive.text, Directive.deadline, Directive.deadline_text,
                Directive.issuer_person, Directive.review_status, Directive.confidence, Directive.active,
                Directive.cluster_id, Directive.start, Directive.end, Directive.verb, Directive.deadline_granularity,
                Directive.extractor, Directive.extractor_version, Directive.doc_date)


def _provenance_of(directive_id: int, doc_id: int, url: str | None, title: str | None, issued: date | None,
                   published: date | None, number: str | None, source: str | None,
                   doc_date: date | None) -> Provenance:
    day = issued or published or doc_date
    return Provenance(directive_id=directive_id, document_id=doc_id, url=url, title=title, source=source,
                      date=day.isoformat() if day else None, number=number)


def _provenance(d: Directive) -> Provenance:
    doc = d.document
    return _provenance_of(d.id, doc.id, doc.url, doc.title, doc.issued, doc.published, doc.number,
                          doc.source.name if doc.source else None, d.doc_date)


def _via_names(names: set[str], family: BodyFamily | None) -> list[Via]:
    if family is None or family.name in names:
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


def _via(d: Directive, family: BodyFamily | None, roles: Sequence[str]) -> list[Via]:
    if family is None:
        return []
    return _via_names({b.body_name for b in d.bodies if b.role in roles}, family)


def _hits(session: Session, directives: Sequence[Directive], family: BodyFamily | None,
          roles: Sequence[str]) -> list[TaskHit]:
    """Loaded directives (``_load``) as tasks, in the order given."""
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


def _core(session: Session) -> Connection:
    """The session's connection, for plain rows without the ORM's per-row work (callers flush first)."""
    return session.connection()


def _fetch(session: Session, ids: Sequence[int], family: BodyFamily | None, roles: Sequence[str]) -> list[TaskHit]:
    """The directives ``ids`` as tasks, in that order: the same as ``_hits`` over ``_load``, in two statements of
    plain rows (the directives with their cluster copies and documents; their bodies and topics) instead of five
    and no ORM objects."""
    if not ids:
        return []
    wanted = list(ids)
    docs = (select(literal_column("0").label("copy"), *_HIT_COLUMNS, *_DOC_COLUMNS)
            .join(Document, Directive.document_id == Document.id).outerjoin(Source, Document.source_id == Source.id))
    rows = _core(session).execute(union_all(
        docs.where(_among(session, wanted)),
        docs.with_only_columns(literal_column("1").label("copy"), *_HIT_COLUMNS, *_DOC_COLUMNS)
        .where(_among(session, wanted, Directive.cluster_id), Directive.active.is_(True)),
    )).all()
    links = _core(session).execute(union_all(
        select(DirectiveBody.directive_id, DirectiveBody.role, DirectiveBody.body_name, DirectiveBody.position,
               DirectiveBody.id).where(_among(session, wanted, DirectiveBody.directive_id)),
        select(DirectiveTopic.directive_id, literal_column("NULL"), DirectiveTopic.topic, DirectiveTopic.position,
               literal_column("0")).where(_among(session, wanted, DirectiveTopic.directive_id)),
    )).all()
    bodies: dict[int, list[tuple[int, int, str, str]]] = {}
    topics: dict[int, list[tuple[int, str]]] = {}
    for directive_id, role, name, position, key in links:
        if role is None:
            topics.setdefault(directive_id, []).append((position, name))
        else:
            bodies.setdefault(directive_id, []).append((position, key, role, name))
    own: dict[int, Any] = {}
    copies: dict[int, list[Any]] = {}
    for r in rows:
        if r.copy:
            copies.setdefault(r.cluster_id, []).append(r)
        else:
            own[r.id] = r
    out = []
    for i in wanted:
        r = own.get(i)
        if r is None:
            continue
        named = sorted(bodies.get(i, ()))
        doc = _row_provenance(r)
        out.append(TaskHit(
            id=r.id, seq=r.seq, text=r.text, responsible=[n for _, _, role, n in named if role == Role.LEAD],
            coordinate=[n for _, _, role, n in named if role == Role.COORDINATE],
            deadline=r.deadline.isoformat() if r.deadline else None, deadline_text=r.deadline_text,
            topics=[t for _, t in sorted(topics.get(i, ()))], issuer_person=r.issuer_person,
            review_status=r.review_status, confidence=r.confidence, active=r.active, cluster_id=r.cluster_id,
            document=doc, sources=[doc, *(_row_provenance(c) for c in sorted(copies.get(i, ()), key=_by_id))],
            via=_via_names({n for _, _, role, n in named if role in roles}, family), start=r.start, end=r.end,
            verb=r.verb, deadline_granularity=r.deadline_granularity, extractor=r.extractor,
            extractor_version=r.extractor_version,
        ))
    return out


def _by_id(row: Any) -> int:
    return row.id


def _row_provenance(r: Any) -> Provenance:
    return _provenance_of(r.id, r.doc_id, r.doc_url, r.doc_title, r.doc_issued, r.doc_published, r.doc_number,
                          r.source_name, r.doc_date)


# --- the page's ids -------------------------------------------------------------------------------------------
#
# "Newest first, 50 at a time" with a selective filter is where planners go wrong: walking the primary key
# backwards probes every row until enough match, and reading the filter's index first collects every match before
# sorting. When the query names a body, a topic, or (on SQLite) free text, the page is instead read from that
# filter's index in id order, a chunk of candidates at a time (growing), each chunk checked against the whole
# query in one statement. The work is then bounded by the filter's own entries, whatever the planner thinks.
# On SQLite a narrow deadline range is read whole from its index the same way (``_deadline_ids``).

_FIRST_CHUNK = 256
_MAX_CHUNK = 8192
_LISTED = 10000
_PG_WINDOW = 4096
_CONDITION_COLUMNS = (Directive.id, Directive.active, Directive.cluster_id, Directive.deadline, Directive.review_status,
                      Directive.issuer_key, Directive.document_id, Directive.doc_date)  # what ``_conditions`` reads
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
        match = text("directives_fts MATCH :fts_query").bindparams(fts_query=_fts_match(terms))
        return [_Stream(literal_column("directives_fts.rowid"), [match], text("directives_fts"))], True
    return None


def _candidates(session: Session, streams: list[_Stream], below: int | None, size: int) -> list[int]:
    """The ``size`` newest ids below ``below`` over all ``streams``, newest first."""
    arms = []
    for stream in streams:
        arm = select(stream.id.label("id")).where(*stream.where)
        if stream.source is not None:
            arm = arm.select_from(stream.source)
        if below is not None:
            arm = arm.where(stream.id < below)
        arms.append(arm.order_by(stream.id.desc()).limit(size).subquery())
    stmt = union_all(*(select(a.c.id) for a in arms)) if len(arms) > 1 else select(arms[0].c.id)
    return sorted(set(_id_list(session, stmt)), reverse=True)[:size]


def _id_list(session: Session, stmt: Any) -> list[int]:
    """The ids ``stmt`` selects, aggregated into one value by the database: thousands of ids then cost one object,
    not a row object each (which made Python's cyclic garbage collector run a full pass every few searches)."""
    ids = stmt.subquery()
    column = next(iter(ids.c))
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return json.loads(_core(session).execute(select(func.json_group_array(column))).scalar() or "[]")
    if dialect == "postgresql":
        return _core(session).execute(select(func.array_agg(column))).scalar() or []
    return list(_core(session).execute(select(column)).scalars())


def _among(session: Session, ids: Sequence[int], column: Any = Directive.id) -> ColumnElement[bool]:
    """``column`` in ``ids``, as one parameter where the database allows it: thousands of ids, and one statement
    text whatever their number (the driver and SQLAlchemy then reuse their parsed and compiled forms)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    if dialect == "sqlite":
        values = func.json_each(json.dumps(list(ids))).table_valued("value")
        return column.in_(select(values.c.value))
    return column.in_(list(ids))


def _deadline_ids(session: Session, query: TaskQuery) -> list[int] | None:
    """On SQLite, every id in the query's deadline range, newest first, if there are fewer than ``_LISTED``;
    else None. SQLite keeps no histograms, so its planner cannot tell a month of deadlines from years of them and
    walks the heads in id order through a sparse range; a capped read of the deadline index tells it exactly."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    bounds = []
    if query.deadline_before:
        bounds.append(Directive.deadline <= query.deadline_before)
    if query.deadline_after:
        bounds.append(Directive.deadline >= query.deadline_after)
    if query.overdue:
        bounds.append(Directive.deadline < (query.today or date.today()))
    if not bounds:
        return None
    ids = _id_list(session, select(Directive.id).where(*bounds).limit(_LISTED))
    return sorted(ids, reverse=True) if len(ids) < _LISTED else None


def _page_ids(session: Session, query: TaskQuery, family: BodyFamily | None, roles: Sequence[str],
              below: int | None, count: int) -> list[int]:
    """The ids of the first ``count`` matches of ``query`` below id ``below``, newest first."""
    driver = _streams(session, query, family, roles)
    listed = _deadline_ids(session, query) if driver is None else None
    where = _conditions(session, query, family, with_text=not (driver and driver[1]),
                        probe=driver is not None or listed is not None)
    if below is not None:
        where.append(Directive.id < below)
    newest = select(Directive.id).order_by(Directive.id.desc())
    if driver is None and listed is None:
        terms = fts_terms(query.text) if query.text else []
        if terms and session.get_bind().dialect.name == "postgresql":
            return _pg_text_ids(session, query, family, terms, below, count)
        return list(_core(session).execute(newest.where(*where).limit(count)).scalars())
    if listed is not None and below is not None:
        listed = [i for i in listed if i < below]
    found: list[int] = []
    size = max(_FIRST_CHUNK, 4 * count)
    done = 0  # of ``listed``
    while True:
        if listed is not None:
            candidates = listed[done:done + size]
            done += len(candidates)
        else:
            candidates = _candidates(session, driver[0], below, size)  # type: ignore[index]
        if not candidates:
            return found
        hits = list(_core(session).execute(newest.where(*where, _among(session, candidates))
                                           .limit(count - len(found))).scalars())
        found += hits
        if len(found) >= count or len(candidates) < size:
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
    where = _conditions(session, query, family, with_text=False, probe=True)
    tsquery = func.plainto_tsquery(literal_column("'simple'::regconfig"), " ".join(terms))

    def window(size: int, under: int | None, *, ids_only: bool = False) -> tuple[Any, ColumnElement[bool]]:
        """The ``size`` newest rows below ``under`` (forced: a LIMIT subquery), with what ``_conditions`` reads."""
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
    rows, lowest, ids = _core(session).execute(select(
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
        found += _core(session).execute(select(w.c.id).where(matching).order_by(w.c.id.desc()).limit(wanted)).scalars()
        if len(found) >= count:
            return found
        w, _ = window(size, below, ids_only=True)
        below = _core(session).execute(select(func.min(w.c.id))).scalar()
        if below is None:
            return found
    more = select(Directive.id).where(*_conditions(session, query, family), Directive.id < below)
    return found + list(_core(session).execute(more.order_by(Directive.id.desc()).limit(count - len(found)))
                        .scalars())


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
    ids = _page_ids(session, query, family, roles, below, limit + 1)
    more = len(ids) > limit
    ids = ids[:limit]
    items = _fetch(session, ids, family, roles)
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
    return session.scalar(select(func.count()).select_from(Directive).where(*_conditions(session, query, family))) or 0


def changes_since(session: Session, *, seq: int, limit: int = 100) -> list[TaskHit]:
    """Directives changed after change number ``seq``, in change order: each change appears once, at its latest
    state. Inactive directives and cluster copies are included, so a tracker hears of retirements and merges."""
    session.flush()
    ids = _core(session).execute(
        select(Directive.id).where(Directive.seq > seq).order_by(Directive.seq).limit(max(1, limit))).scalars()
    return _fetch(session, list(ids), None, Role.ALL)
