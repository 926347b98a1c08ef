"""The JSON API for trackers and scripts: tasks (search, change feed, review), bodies, documents, webhooks.

Reading follows ``open_reading``; writing needs a token (``Authorization: Bearer …``) or a logged-in session
that sends its CSRF token in ``X-CSRF-Token``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from pipeline.query import build_query
from pipeline.web.deps import DbSession, LoggedIn, NotFound, Reader, Writer
from pipeline.web.reviews import review
from pipeline.web.schemas import (
    BodyOut,
    DeliveryOut,
    DocumentDetail,
    DocumentOut,
    DocumentPage,
    FigureOut,
    ReferenceOut,
    ReviewEventOut,
    ReviewIn,
    ReviewOut,
    TaskDetail,
    TaskPage,
    WebhookIn,
    WebhookOut,
)
from pipeline.web.storeapi import hits, load
from pipeline.web.webhooks import subscribe
from store.bodies import name_key
from store.models import Body, Directive, Document
from store.models.webhooks import WebhookDelivery, WebhookSubscription
from store.search import changes_since, search_tasks

router = APIRouter(prefix="/api")
FILTERS = ("q", "body", "topic", "issuer", "status", "source", "deadline_after", "deadline_before", "since")


# --- tasks ------------------------------------------------------------------------------------------------------


@router.get("/tasks", response_model=TaskPage, tags=["tasks"])
def list_tasks(
    request: Request, _: Reader, session: DbSession,
    q: Annotated[str | None, Query(description="Free text; diacritics optional (\"bo noi vu\").")] = None,
    body: Annotated[str | None, Query(description="Body name, alias or abbreviation; follows the 2025 "
                                                  "reorganisation.")] = None,
    role: Annotated[str, Query(description="lead, coordinate or any")] = "lead",
    topic: str | None = None, issuer: str | None = None,
    status: Annotated[list[str] | None, Query(description="pending, accepted, edited, rejected")] = None,
    source: str | None = None, deadline_after: str | None = None, deadline_before: str | None = None,
    overdue: bool = False, since: Annotated[str | None, Query(description="Documents dated on or after.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, cursor: str | None = None,
    updated_since: Annotated[int | None, Query(
        ge=0, description="Change feed: every task changed after this change number, in change order, each at its "
                          "latest state (including retired tasks and cluster copies). Poll again with `next_since`. "
                          "Not combined with filters.")] = None,
) -> TaskPage:
    """Tasks matching the filters, newest first, a page at a time; or, with `updated_since`, the change feed."""
    if updated_since is not None:
        used = [name for name in FILTERS if request.query_params.get(name)] + (["cursor"] if cursor else [])
        if used or overdue:
            raise HTTPException(400, f"updated_since cannot be combined with {', '.join(used or ['overdue'])}")
        items = changes_since(session, seq=updated_since, limit=limit)
        return TaskPage(items=items, next_since=items[-1].seq if items else updated_since)
    query = build_query(session, text=q, body=body, role=role, topic_name=topic, issuer=issuer,
                        status=[s for s in status or [] if s], deadline_before=deadline_before,
                        deadline_after=deadline_after, overdue=overdue, source=source, since=since)
    try:
        page = search_tasks(session, query=query, limit=limit, cursor=cursor)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return TaskPage(items=page.items, next_cursor=page.next_cursor)


@router.get("/tasks/{task_id}", response_model=TaskDetail, tags=["tasks"])
def get_task(task_id: int, _: Reader, session: DbSession) -> TaskDetail:
    """One task with its review history."""
    found = load(session, [task_id])
    if not found:
        raise NotFound(f"no task {task_id}")
    return TaskDetail(task=hits(session, found)[0],
                      reviews=[ReviewEventOut.model_validate(e) for e in found[0].reviews])


@router.post("/tasks/{task_id}/review", response_model=ReviewOut, tags=["tasks"])
def review_task(request: Request, task_id: int, data: ReviewIn, principal: Writer, session: DbSession) -> ReviewOut:
    """Accept, reject or edit a task; every changed field becomes a review event, webhooks are told."""
    outcome = review(session, directive_id=task_id, principal=principal, action=data.action,
                     changes=data.change_dict())
    session.commit()
    request.app.state.dispatcher.wake()
    return ReviewOut(task=outcome.task, events=[ReviewEventOut.model_validate(e) for e in outcome.events],
                     webhook_deliveries=outcome.deliveries)


# --- bodies -----------------------------------------------------------------------------------------------------


def _body_out(b: Body) -> BodyOut:
    return BodyOut(name=b.name, type=b.type, aliases=list(b.aliases or []), valid_from=b.valid_from,
                   valid_to=b.valid_to, successors=[s.name for s in b.successors],
                   predecessors=[p.name for p in b.predecessors])


@router.get("/bodies", response_model=list[BodyOut], tags=["bodies"])
def list_bodies(_: Reader, session: DbSession,
                q: Annotated[str, Query(description="Part of a name or alias; diacritics optional.")] = "",
                type: Annotated[str | None, Query(description="ministry, people_committee, …")] = None,  # noqa: A002
                limit: Annotated[int, Query(ge=1, le=200)] = 20) -> list[BodyOut]:
    """Bodies of the gazetteer: names starting with the words typed come first (for autocomplete)."""
    key = name_key(q)
    stmt = select(Body).options(selectinload(Body.successors), selectinload(Body.predecessors))
    if key:
        pattern = f"%{key}%"
        stmt = stmt.where(or_(Body.name_key.like(pattern), Body.alias_keys.like(pattern)))
    if type:
        stmt = stmt.where(Body.type == type)
    rows = session.scalars(stmt.order_by(func.length(Body.name), Body.name).limit(max(limit * 10, 200))).all()
    rows = sorted(rows, key=lambda b: (not b.name_key.startswith(key), b.valid_to is not None, len(b.name)))
    return [_body_out(b) for b in rows[:limit]]


# --- documents ----------------------------------------------------------------------------------------------------


def _document_out(d: Document, tasks: int = 0) -> DocumentOut:
    return DocumentOut(id=d.id, url=d.url, title=d.title, source=d.source.name if d.source else None,
                       published=d.published, doc_type=d.doc_type, number=d.number, issuer=d.issuer,
                       issued=d.issued, signer=d.signer, status=d.status, error=d.error, tasks=tasks)


@router.get("/documents", response_model=DocumentPage, tags=["documents"])
def list_documents(_: Reader, session: DbSession, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                   cursor: str | None = None) -> DocumentPage:
    """Stored documents, newest first (by id), a page at a time."""
    stmt = select(Document).order_by(Document.id.desc()).limit(limit + 1)
    if cursor:
        if not cursor.isdigit():
            raise HTTPException(400, f"bad cursor {cursor!r}")
        stmt = stmt.where(Document.id < int(cursor))
    rows = session.scalars(stmt).all()
    more = len(rows) > limit
    rows = rows[:limit]
    counts = dict(session.execute(
        select(Directive.document_id, func.count()).where(Directive.document_id.in_([d.id for d in rows]),
                                                          Directive.active.is_(True))
        .group_by(Directive.document_id)).all())
    return DocumentPage(items=[_document_out(d, counts.get(d.id, 0)) for d in rows],
                        next_cursor=str(rows[-1].id) if more and rows else None)


@router.get("/documents/{document_id}", response_model=DocumentDetail, tags=["documents"])
def get_document(document_id: int, _: Reader, session: DbSession) -> DocumentDetail:
    """A document's text, its directives (active ones, cluster copies included), figures and references."""
    d = session.get(Document, document_id)
    if d is None:
        raise NotFound(f"no document {document_id}")
    ids = list(session.scalars(select(Directive.id).where(Directive.document_id == d.id, Directive.active.is_(True))
                               .order_by(Directive.start, Directive.id)))
    tasks = hits(session, load(session, ids))
    base = _document_out(d, len(tasks))
    return DocumentDetail(**base.model_dump(), text=d.text, directives=tasks,
                          figures=[FigureOut.model_validate(f) for f in d.figures],
                          references=[ReferenceOut.model_validate(r) for r in d.references])


# --- webhooks -------------------------------------------------------------------------------------------------


@router.get("/webhooks", response_model=list[WebhookOut], tags=["webhooks"])
def list_webhooks(_: LoggedIn, session: DbSession) -> list[WebhookOut]:
    return [WebhookOut.model_validate(s) for s in
            session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id))]


@router.post("/webhooks", response_model=WebhookOut, status_code=201, tags=["webhooks"])
def create_webhook(data: WebhookIn, principal: Writer, session: DbSession) -> WebhookOut:
    """Subscribe a URL: it receives a JSON POST, signed `X-Chidao-Signature: sha256=<HMAC-SHA256 of the body>`
    with the secret, whenever a task is accepted or edited."""
    sub = subscribe(session, url=data.url, secret=data.secret, events=data.events, description=data.description,
                    who=principal.who)
    session.commit()
    return WebhookOut.model_validate(sub)


@router.delete("/webhooks/{webhook_id}", status_code=204, tags=["webhooks"])
def delete_webhook(webhook_id: int, _: Writer, session: DbSession) -> None:
    sub = session.get(WebhookSubscription, webhook_id)
    if sub is None:
        raise NotFound(f"no webhook {webhook_id}")
    session.delete(sub)
    session.commit()


@router.get("/webhooks/{webhook_id}/deliveries", response_model=list[DeliveryOut], tags=["webhooks"])
def list_deliveries(webhook_id: int, _: LoggedIn, session: DbSession,
                    limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[DeliveryOut]:
    """The delivery log, newest first: status, attempts, and each attempt's answer."""
    if session.get(WebhookSubscription, webhook_id) is None:
        raise NotFound(f"no webhook {webhook_id}")
    rows = session.scalars(select(WebhookDelivery).where(WebhookDelivery.subscription_id == webhook_id)
                           .order_by(WebhookDelivery.id.desc()).limit(limit))
    return [DeliveryOut.model_validate(r) for r in rows]
