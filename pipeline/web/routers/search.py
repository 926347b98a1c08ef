"""The search page: free text without diacritics, filters, facets with counts, pages by cursor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from nlp.topics import taxonomy
from pipeline.query import QueryError, build_query
from pipeline.web.deps import DbSession, Reader
from pipeline.web.facets import facets
from pipeline.web.templating import ROLE_LABELS
from store.search import search_tasks

router = APIRouter(include_in_schema=False)


@router.get("/search")
def search_page(request: Request, principal: Reader, session: DbSession, q: str = "", body: str = "",
                role: str = "lead", topic: str = "", issuer: str = "",
                status: Annotated[list[str] | None, Query()] = None, source: str = "", deadline_after: str = "",
                deadline_before: str = "", since: str = "", cursor: str | None = None):
    params = {"q": q, "body": body, "role": role if role != "lead" else "", "topic": topic, "issuer": issuer,
              "status": [s for s in status or [] if s], "source": source, "deadline_after": deadline_after,
              "deadline_before": deadline_before, "since": since}
    error = None
    page = None
    facet_list = []
    try:
        query = build_query(session, text=q or None, body=body or None, role=role or "lead",
                            topic_name=topic or None, issuer=issuer or None, status=params["status"],
                            deadline_before=deadline_before or None, deadline_after=deadline_after or None,
                            source=source or None, since=since or None)
        page = search_tasks(session, query=query, limit=request.app.state.settings.page_size, cursor=cursor)
        facet_list = facets(session, query)
        if query.body:
            params["body"] = query.body
    except (QueryError, ValueError) as exc:
        error = str(exc)
    return request.app.state.templates.TemplateResponse(request, "search.html", {
        "principal": principal, "params": params, "page": page, "facets": facet_list, "error": error,
        "topics": taxonomy(), "roles": ROLE_LABELS, "cursor": cursor,
    }, status_code=400 if error else 200)
