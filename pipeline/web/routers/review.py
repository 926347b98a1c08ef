"""The review queue and a task's page: accept, reject and edit, by button, form or keyboard (``review.js``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse

from nlp.topics import taxonomy
from pipeline.query import resolve_body
from pipeline.web.deps import DbSession, NotFound, Reader, UserOnly, UserWriter
from pipeline.web.queue import review_queue
from pipeline.web.reviews import ReviewOutcome, review
from pipeline.web.routers.accounts import safe_next
from pipeline.web.storeapi import load
from pipeline.web.templating import STATUS_LABELS, flash
from pipeline.web.views import cards

router = APIRouter(include_in_schema=False)
FormList = Annotated[list[str] | None, Form()]


@router.get("/review")
def queue_page(request: Request, principal: UserOnly, session: DbSession, body: str | None = None,
               source: str | None = None):
    canonical = resolve_body(session, body) if body else None
    queue = review_queue(session, body=canonical, source=source or None,
                         limit=request.app.state.settings.queue_size)
    return request.app.state.templates.TemplateResponse(request, "review.html", {
        "principal": principal, "queue": queue,
        "cards": cards(session, queue.directives, uncertainty=queue.uncertainty),
        "filters": {"body": canonical or "", "source": source or ""}, "topics": taxonomy(),
        "next_url": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    })


@router.get("/tasks/{task_id}")
def task_page(request: Request, task_id: int, principal: Reader, session: DbSession):
    found = load(session, [task_id])
    if not found:
        raise NotFound(f"no task {task_id}")
    card = cards(session, found)[0]
    return request.app.state.templates.TemplateResponse(request, "task.html", {
        "principal": principal, "item": card, "topics": taxonomy(), "next_url": f"/tasks/{task_id}",
        "reviews": card.task.reviews, "edit_open": request.query_params.get("edit") == "1"})


def _done(request: Request, outcome: ReviewOutcome, next_url: str):  # noqa: ANN202
    request.app.state.dispatcher.wake()
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"id": outcome.task.id, "review_status": outcome.task.review_status,
                             "status_label": STATUS_LABELS.get(outcome.task.review_status, ""),
                             "changes": len(outcome.events), "seq": outcome.task.seq})
    return RedirectResponse(safe_next(next_url), status_code=303)


@router.post("/tasks/{task_id}/accept")
def accept(request: Request, task_id: int, principal: UserWriter, session: DbSession,
           next: Annotated[str, Form()] = "/review"):  # noqa: A002
    outcome = review(session, directive_id=task_id, principal=principal, action="accept")
    session.commit()
    return _done(request, outcome, next)


@router.post("/tasks/{task_id}/reject")
def reject(request: Request, task_id: int, principal: UserWriter, session: DbSession,
           next: Annotated[str, Form()] = "/review"):  # noqa: A002
    outcome = review(session, directive_id=task_id, principal=principal, action="reject")
    session.commit()
    return _done(request, outcome, next)


@router.post("/tasks/{task_id}/edit")
def edit(request: Request, task_id: int, principal: UserWriter, session: DbSession,
         next: Annotated[str, Form()] = "/review", text: Annotated[str | None, Form()] = None,  # noqa: A002
         deadline: Annotated[str, Form()] = "", responsible: FormList = None, coordinate: FormList = None,
         topics: FormList = None):
    changes = {"deadline": deadline.strip() or None, "responsible": responsible or [],
               "coordinate": coordinate or [], "topics": topics or []}
    if text is not None:
        changes["text"] = text
    outcome = review(session, directive_id=task_id, principal=principal, action="edit", changes=changes)
    session.commit()
    fields = sorted({e.field for e in outcome.events} - {"review_status"})
    flash(request, f"Đã lưu nhiệm vụ #{task_id}" + (f" ({', '.join(fields)})" if fields else "") + ".")
    return _done(request, outcome, next)
