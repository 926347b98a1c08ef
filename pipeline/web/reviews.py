"""A reviewer's decision, from a form or the API: the store records it (``store.crud.review_directive``, one
ReviewEvent per changed field) and the webhooks hear of it, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from nlp.topics import topic as find_topic
from pipeline.query import QueryError, resolve_body
from pipeline.web.auth import Principal
from pipeline.web.deps import NotFound
from pipeline.web.storeapi import hits, load
from pipeline.web.webhooks import STATUS_EVENTS, enqueue
from store import crud
from store.models import Directive, ReviewEvent
from store.models.base import utcnow
from store.search import TaskHit

ACTIONS = ("accept", "reject", "edit")


class ReviewError(ValueError):
    """A review the store cannot take (an unknown task, field or value): the message says why."""


@dataclass(slots=True)
class ReviewOutcome:
    task: TaskHit
    events: list[ReviewEvent]
    deliveries: int


def clean_bodies(session: Session, names: list[str]) -> list[str]:
    """Body names as typed (aliases, no diacritics) made canonical where the gazetteer knows them."""
    out = []
    for raw in names:
        name = " ".join((raw or "").split())
        if not name:
            continue
        try:
            out.append(resolve_body(session, name))
        except QueryError:
            out.append(name)  # a body the gazetteer does not know is kept as the reviewer wrote it
    return list(dict.fromkeys(out))


def clean_topics(values: list[str]) -> list[str]:
    out = []
    for value in values:
        if not value or not value.strip():
            continue
        found = find_topic(value)
        if found is None:
            raise ReviewError(f"no topic {value!r}")
        out.append(found.id)
    return list(dict.fromkeys(out))


def clean_changes(session: Session, directive: Directive, changes: dict[str, Any]) -> dict[str, Any]:
    """Only what differs from the task, in the form the store wants."""
    out: dict[str, Any] = {}
    unknown = set(changes) - set(crud.REVIEW_FIELDS)
    if unknown:
        raise ReviewError(f"cannot edit {', '.join(sorted(unknown))} (editable: {', '.join(crud.REVIEW_FIELDS)})")
    if "text" in changes and changes["text"] is not None:
        text = str(changes["text"]).replace("\r\n", "\n").strip()
        if not text:
            raise ReviewError("the task's text cannot be empty")
        if " ".join(text.split()) != " ".join(directive.text.split()):
            out["text"] = text
    if "deadline" in changes:
        value = changes["deadline"] or None
        before = directive.deadline.isoformat() if directive.deadline else None
        if value != before:
            out["deadline"] = value
    for field in ("responsible", "coordinate"):
        if field in changes and changes[field] is not None:
            names = clean_bodies(session, list(changes[field]))
            if names != list(getattr(directive, field)):
                out[field] = names
    if "topics" in changes and changes["topics"] is not None:
        topics = clean_topics(list(changes["topics"]))
        if topics != directive.topics:
            out["topics"] = topics
    return out


def review(session: Session, *, directive_id: int, principal: Principal, action: str,
           changes: dict[str, Any] | None = None) -> ReviewOutcome:
    """Record the decision and queue its webhooks; the caller commits."""
    if action not in ACTIONS:
        raise ReviewError(f"unknown action {action!r} (want accept, reject or edit)")
    found = load(session, [directive_id])
    if not found:
        raise NotFound(f"no task {directive_id}")
    directive = found[0]
    clean = clean_changes(session, directive, changes or {}) if action == "edit" else {}
    at = utcnow()
    try:
        events = crud.review_directive(session, directive=directive, who=principal.who, action=action,
                                       changes=clean, at=at)
    except ValueError as exc:
        raise ReviewError(str(exc)) from None
    session.flush()
    hit = hits(session, [directive])[0]
    deliveries = []
    event = STATUS_EVENTS.get(directive.review_status)
    if events and event:
        deliveries = enqueue(session, event=event, hit=hit, events=events, who=principal.who, at=at)
    return ReviewOutcome(task=hit, events=events, deliveries=len(deliveries))
