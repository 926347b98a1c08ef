"""What a store holds, in three short lists: documents per source, tasks per body, the next deadlines.

A task is what search shows: an active directive heading its cluster (a directive reported by several sources
counts once). ``chidao demo`` prints this after its crawl; it reads any store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from store.models import Directive, DirectiveBody, Document, DocumentStatus, Role, Source


@dataclass(slots=True)
class SourceCount:
    source: str
    documents: int
    done: int
    failed: int
    tasks: int


@dataclass(slots=True)
class Deadline:
    deadline: date
    responsible: list[str]
    text: str
    source: str | None


@dataclass(slots=True)
class Summary:
    sources: list[SourceCount] = field(default_factory=list)
    bodies: list[tuple[str, int]] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    upcoming: bool = True  # False: no deadline is still ahead, ``deadlines`` are the latest past ones
    tasks: int = 0


def _task() -> list:
    return [Directive.active.is_(True), Directive.cluster_id.is_(None)]


def store_summary(session: Session, *, today: date | None = None, top: int = 10) -> Summary:
    today = today or date.today()
    summary = Summary()
    tasks_per_doc = (select(Directive.document_id, func.count().label("n")).where(*_task())
                     .group_by(Directive.document_id).subquery())
    rows = session.execute(
        select(func.coalesce(Source.name, "(none)"), func.count(Document.id),
               func.sum(case((Document.status == DocumentStatus.DONE, 1), else_=0)),
               func.sum(case((Document.status == DocumentStatus.FAILED, 1), else_=0)),
               func.coalesce(func.sum(tasks_per_doc.c.n), 0))
        .select_from(Document).outerjoin(Source, Document.source_id == Source.id)
        .outerjoin(tasks_per_doc, tasks_per_doc.c.document_id == Document.id)
        .group_by(Source.name).order_by(Source.name)).all()
    summary.sources = [SourceCount(name, n, int(done or 0), int(failed or 0), int(tasks or 0))
                       for name, n, done, failed, tasks in rows]
    summary.tasks = session.scalar(select(func.count(Directive.id)).where(*_task())) or 0
    summary.bodies = [(name, n) for name, n in session.execute(
        select(DirectiveBody.body_name, func.count(func.distinct(DirectiveBody.directive_id)).label("n"))
        .join(Directive, Directive.id == DirectiveBody.directive_id)
        .where(*_task(), DirectiveBody.role == Role.LEAD)
        .group_by(DirectiveBody.body_name).order_by(func.count(func.distinct(DirectiveBody.directive_id)).desc(),
                                                    DirectiveBody.body_name).limit(top)).all()]
    dated = select(Directive).where(*_task(), Directive.deadline.is_not(None))
    ahead = session.scalars(dated.where(Directive.deadline >= today)
                            .order_by(Directive.deadline, Directive.id).limit(top)).all()
    if not ahead:
        summary.upcoming = False
        ahead = session.scalars(dated.order_by(Directive.deadline.desc(), Directive.id).limit(top)).all()
    summary.deadlines = [Deadline(d.deadline, d.responsible, d.text,
                                  d.document.source.name if d.document.source else None) for d in ahead]
    return summary
