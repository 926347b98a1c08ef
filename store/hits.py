"""Search results: a task with its provenance (``TaskHit``), built from plain rows in few statements.

A task is an active directive that heads its cluster; reports of the same directive by other sources are its
provenance (``sources``). ``via`` says why a body search found a task given to another body: the reorganisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import literal_column, select, union_all
from sqlalchemy.orm import Session, selectinload

from store.bodies import BodyFamily
from store.models import Directive, DirectiveBody, DirectiveTopic, Document, Role, Source
from store.task_query import among, connection


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


# --- building hits ------------------------------------------------------------------------------------------

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


def hits(session: Session, directives: Sequence[Directive], family: BodyFamily | None,
          roles: Sequence[str]) -> list[TaskHit]:
    """Loaded directives (``load_directives``) as tasks, in the order given."""
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


def load_directives(session: Session, stmt) -> Sequence[Directive]:  # noqa: ANN001
    return session.scalars(stmt.options(
        selectinload(Directive.bodies), selectinload(Directive.topic_links),
        selectinload(Directive.document).joinedload(Document.source))).all()


def fetch_hits(session: Session, ids: Sequence[int], family: BodyFamily | None, roles: Sequence[str]) -> list[TaskHit]:
    """The directives ``ids`` as tasks, in that order: the same as ``hits`` over ``load_directives``, in two statements of
    plain rows (the directives with their cluster copies and documents; their bodies and topics) instead of five
    and no ORM objects."""
    if not ids:
        return []
    wanted = list(ids)
    docs = (select(literal_column("0").label("copy"), *_HIT_COLUMNS, *_DOC_COLUMNS)
            .join(Document, Directive.document_id == Document.id).outerjoin(Source, Document.source_id == Source.id))
    rows = connection(session).execute(union_all(
        docs.where(among(session, wanted)),
        docs.with_only_columns(literal_column("1").label("copy"), *_HIT_COLUMNS, *_DOC_COLUMNS)
        .where(among(session, wanted, Directive.cluster_id), Directive.active.is_(True)),
    )).all()
    links = connection(session).execute(union_all(
        select(DirectiveBody.directive_id, DirectiveBody.role, DirectiveBody.body_name, DirectiveBody.position,
               DirectiveBody.id).where(among(session, wanted, DirectiveBody.directive_id)),
        select(DirectiveTopic.directive_id, literal_column("NULL"), DirectiveTopic.topic, DirectiveTopic.position,
               literal_column("0")).where(among(session, wanted, DirectiveTopic.directive_id)),
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
