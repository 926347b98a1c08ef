"""``/tasks.ics``: the tasks matching the filters of ``chidao search`` as an iCalendar of VTODOs.

Calendar apps cannot log in: where reading is closed, subscribe with ``?token=…`` (an API token).
"""

from __future__ import annotations

from itertools import islice
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from pipeline.export import calendar
from pipeline.query import build_query
from pipeline.web.deps import DbSession, Reader
from store.models import ReviewStatus
from store.search import iter_tasks

router = APIRouter(tags=["feeds"])
LIVE = [ReviewStatus.PENDING, ReviewStatus.ACCEPTED, ReviewStatus.EDITED]


@router.get("/tasks.ics", response_class=Response,
            responses={200: {"content": {"text/calendar": {}}, "description": "One VTODO per task."}})
def tasks_ics(_: Reader, session: DbSession, q: str | None = None, body: str | None = None, role: str = "lead",
              topic: str | None = None, issuer: str | None = None,
              status: Annotated[list[str] | None, Query(description="Default: all but rejected.")] = None,
              source: str | None = None, deadline_after: str | None = None, deadline_before: str | None = None,
              overdue: bool = False, since: str | None = None,
              limit: Annotated[int, Query(ge=1, le=20000)] = 2000,
              token: Annotated[str | None, Query(description="An API token, where reading is closed.")] = None,
              ) -> Response:
    """Tasks as VTODOs (DUE = deadline, CATEGORIES = topics, a stable UID per task)."""
    query = build_query(session, text=q, body=body, role=role, topic_name=topic, issuer=issuer,
                        status=[s for s in status or [] if s] or LIVE, deadline_before=deadline_before,
                        deadline_after=deadline_after, overdue=overdue, source=source, since=since)
    hits = list(islice(iter_tasks(session, query=query), limit))
    return Response(calendar(hits).to_ical(), media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="chidao-tasks.ics"'})
