"""Documents: the list, and one document's whole text with every extracted span highlighted and listed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select

from pipeline.web.deps import DbSession, NotFound, Reader
from pipeline.web.views import document_view
from store.models import Document

router = APIRouter(include_in_schema=False)
PAGE = 50


@router.get("/documents")
def documents_page(request: Request, principal: Reader, session: DbSession, before: int | None = None):
    stmt = select(Document).order_by(Document.id.desc()).limit(PAGE + 1)
    if before is not None:
        stmt = stmt.where(Document.id < before)
    rows = session.scalars(stmt).all()
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return request.app.state.templates.TemplateResponse(request, "documents.html", {
        "principal": principal, "documents": rows, "next_before": rows[-1].id if more and rows else None})


@router.get("/documents/{document_id}")
def document_page(request: Request, document_id: int, principal: Reader, session: DbSession):
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound(f"no document {document_id}")
    return request.app.state.templates.TemplateResponse(request, "document.html", {
        "principal": principal, "view": document_view(session, document)})
