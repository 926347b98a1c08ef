"""The dashboard at ``/``: task counts, tasks per ministry and per topic, deadlines ahead, overdue tasks."""

from __future__ import annotations

from fastapi import APIRouter, Request

from pipeline.web.dashboard import dashboard
from pipeline.web.deps import DbSession, Reader

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, principal: Reader, session: DbSession):
    return request.app.state.templates.TemplateResponse(request, "dashboard.html", {
        "principal": principal, "board": dashboard(session)})
