"""The webhooks page: subscriptions (URL + secret) and their delivery log, for logged-in users."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy import select

from pipeline.web.deps import DbSession, UserOnly, UserWriter
from pipeline.web.schemas import WebhookIn
from pipeline.web.templating import flash
from pipeline.web.webhooks import DEFAULT_EVENTS, EVENTS, redeliver, subscribe
from store.models.webhooks import WebhookDelivery, WebhookSubscription

router = APIRouter(include_in_schema=False)


@router.get("/webhooks")
def webhooks_page(request: Request, principal: UserOnly, session: DbSession):
    subs = session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)).all()
    deliveries = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(50)).all()
    return request.app.state.templates.TemplateResponse(request, "webhooks.html", {
        "principal": principal, "subscriptions": subs, "deliveries": deliveries, "events": EVENTS,
        "suggested_secret": secrets.token_urlsafe(24)})


@router.post("/webhooks")
def add_webhook(request: Request, principal: UserWriter, session: DbSession, url: Annotated[str, Form()] = "",
                secret: Annotated[str, Form()] = "", events: Annotated[list[str] | None, Form()] = None,
                description: Annotated[str, Form()] = ""):
    try:
        data = WebhookIn(url=url, secret=secret, events=events or DEFAULT_EVENTS, description=description or None)
    except ValidationError as exc:
        flash(request, "Không thêm được webhook: " + "; ".join(e["msg"] for e in exc.errors()), "error")
        return RedirectResponse("/webhooks", status_code=303)
    subscribe(session, url=data.url, secret=data.secret, events=data.events, description=data.description,
              who=principal.who)
    session.commit()
    flash(request, f"Đã thêm webhook {data.url}.")
    return RedirectResponse("/webhooks", status_code=303)


@router.post("/webhooks/{webhook_id}/delete")
def delete_webhook(request: Request, webhook_id: int, principal: UserWriter, session: DbSession):
    sub = session.get(WebhookSubscription, webhook_id)
    if sub is not None:
        session.delete(sub)
        session.commit()
        flash(request, f"Đã xoá webhook {sub.url}.")
    return RedirectResponse("/webhooks", status_code=303)


@router.post("/webhooks/deliveries/{delivery_id}/retry")
def retry_delivery(request: Request, delivery_id: int, principal: UserWriter, session: DbSession):
    if redeliver(session, delivery_id=delivery_id) is not None:
        session.commit()
        request.app.state.dispatcher.wake()
        flash(request, f"Sẽ gửi lại lần giao #{delivery_id}.")
    return RedirectResponse("/webhooks", status_code=303)
